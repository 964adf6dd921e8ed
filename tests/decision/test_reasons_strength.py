"""Readable strength: each reason's points of P(SQL), from the model's own calibration, kept in the record."""

import json

import numpy as np
import pytest

from leadgate.cli.render import strength
from leadgate.decision.record import DecisionRecord, Reason
from tests.factories import events, make_lead

LEADS = [
    make_lead(),
    make_lead(lead_id="t-2", contact={"email": "maria@gmail.com", "job_title": "Founder"}),
    make_lead(lead_id="t-3", company={"industry": None, "employees": 30}, form={"message": None}),
    make_lead(
        lead_id="t-4", events=events(("demo_request", "2026-11-02T09:00:00Z")), source={"channel": None}
    ),
    make_lead(lead_id="t-5", created_at="2026-06-01T09:00:00Z", events=[]),
]


def test_points_are_the_calibrated_change_each_reason_accounts_for(pipeline):
    decisions = pipeline.decide(LEADS)
    shown = 0
    for index in range(len(LEADS)):
        raw = decisions.raw_score[index]
        record = decisions.record(index)
        for reason in record.negative_reasons + record.positive_reasons:
            calibrate = pipeline.model.calibrate
            expected = (
                100 * (calibrate(np.array([raw])) - calibrate(np.array([raw - reason.contribution])))[0]
            )
            # Points are kept to hundredths; the contribution beside them to 4 decimals of log-odds.
            assert reason.points == pytest.approx(expected, abs=0.011), reason
            shown += 1
        # Against lowers P(SQL), For raises it: the sign of the points is the side the reason is on.
        assert all(reason.points < 0 for reason in record.negative_reasons)
        assert all(reason.points > 0 for reason in record.positive_reasons)
    assert shown >= 10


def test_points_and_recovery_round_trip_and_old_records_still_load(pipeline):
    record = pipeline.decide_one(LEADS[1])
    data = json.loads(json.dumps(record.to_json()))
    assert DecisionRecord.from_json(data) == record
    assert all(r["points"] is not None for r in data["negative_reasons"] + data["positive_reasons"])
    # A record stored before points and recovery existed: no such keys on reasons or gates.
    for reason in data["negative_reasons"] + data["positive_reasons"]:
        del reason["points"], reason["recovery"]
    for gate in data["gates"]:
        del gate["recovery"]
    old = DecisionRecord.from_json(data)
    assert [r.points for r in old.negative_reasons] == [None] * len(old.negative_reasons)
    assert old.gates and all(gate.recovery is None for gate in old.gates)
    assert [r.text for r in old.negative_reasons] == [r.text for r in record.negative_reasons]


def test_the_panel_shows_points_a_rep_reads_and_log_odds_only_for_old_records():
    assert strength(Reason("email_domain", "Personal email address (gmail.com)", -0.96, -7.31)) == "−7 pts"
    assert strength(Reason("staleness", "Active in the last 24 hours", 0.05, 0.42)) == "+0.4 pts"
    assert strength(Reason("industry", "Industry not given", -0.19, -31.0)) == "−31 pts"
    assert strength(Reason("industry", "Industry not given", -0.19)) == "−0.19 log-odds"
    assert strength(Reason("seniority", "VP-level role (VP)", 0.1, 1.2)) == "+1 pt"
    assert strength(Reason("revenue", "Annual revenue not given", -0.002, -0.03)) == "−<0.1 pts"  # not −0.0
