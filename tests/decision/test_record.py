"""The typed decision record: built by the pipeline, JSON out and back without loss."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from leadgate.decision.pipeline import DecisionPipeline
from leadgate.decision.policy import load_policy
from leadgate.decision.record import DecisionRecord, FiredGate
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
