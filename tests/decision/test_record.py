"""The typed decision record: built by the pipeline, JSON out and back without loss."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from leadgate.decision.pipeline import DecisionPipeline
from leadgate.decision.policy import load_policy
from leadgate.decision.record import CONTROLS, DecisionRecord, FiredGate
from tests.factories import make_lead

PIPELINE = DecisionPipeline(load_policy())
NOW = datetime(2026, 11, 2, tzinfo=UTC)


def test_a_record_round_trips_through_json():
    record = PIPELINE.decide_one(make_lead(company={"employees": 3}), now=NOW)
    assert isinstance(record, DecisionRecord) and isinstance(record.gates[0], FiredGate)
    data = json.loads(json.dumps(record.to_json()))
    assert DecisionRecord.from_json(data) == record
    assert data["gates"][0]["code"] == "below_size_floor" and data["decided_at"] == NOW.isoformat()


def test_without_a_model_the_record_says_so_and_the_rejection_is_the_gate_s():
    record = PIPELINE.decide_one(make_lead(company={"employees": 3}), now=NOW)
    assert record.model_missing and record.model_version is None and record.p_sql is None
    assert record.rejecting and record.rejection_reasons() == ["below_size_floor"]


def test_a_record_is_no_dict_so_it_cannot_be_stored_by_accident():
    record = PIPELINE.decide_one(make_lead(), now=NOW)
    try:
        json.dumps(record)
    except TypeError:
        return
    raise AssertionError("a DecisionRecord must go through to_json()")


def test_as_of_pins_the_decision_time():
    lead = make_lead(scored_at=None)
    moment = datetime(2026, 11, 5, tzinfo=UTC)
    assert lead.as_of(moment).scored_at == moment and lead.scored_at is None


def test_each_record_names_the_control_that_set_its_route(pipeline):
    small = pipeline.decide_one(make_lead(company={"employees": 3}), now=NOW)
    assert small.gates[0].code == "below_size_floor" and small.control == "disqualification"
    fake = pipeline.decide_one(make_lead(contact={"first_name": "asdf", "last_name": "asdf"}), now=NOW)
    assert fake.route_source == "gate" and fake.control == "data_quality", fake.gates
    scored = pipeline.decide_one(make_lead(), now=NOW)
    assert scored.route_source == "model"
    assert scored.control == ("none" if scored.route == "sales_ready" else "penalty")
    assert PIPELINE.decide_one(make_lead(), now=NOW).control == "no_model"


def test_an_eligibility_gate_that_only_caps_is_recorded_as_a_cap_not_a_disqualification():
    # The policy's `eligibility`: a disqualification when it keeps the lead from sales, a cap at verify/nurture.
    stack = PIPELINE.decide_one(make_lead(company={"crm": "Lotus Notes"}), now=NOW)
    assert (stack.route, stack.route_source, stack.control) == ("nurture", "gate", "cap")
    b2c = PIPELINE.decide_one(make_lead(company={"company_type": "b2c"}), now=NOW)
    assert (b2c.route, b2c.control) == ("self_service", "disqualification")
    gmail = PIPELINE.decide_one(make_lead(contact={"email": "maria.keller@gmail.com"}), now=NOW)
    assert (gmail.route, gmail.control) == ("verify", "data_quality")
    assert {"cap", "disqualification", "data_quality", "decay"} <= set(CONTROLS)


def test_records_stored_before_the_control_existed_read_it_from_their_route():
    data = PIPELINE.decide_one(make_lead(company={"employees": 3}), now=NOW).to_json()
    del data["control"]
    assert DecisionRecord.from_json(data).control == "disqualification"
