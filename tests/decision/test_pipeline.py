"""decide_each: one call for the batch; when it fails, only the lead that fails gets an error."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from leadgate.decision.pipeline import DecisionPipeline

NOW = datetime(2026, 11, 1, tzinfo=UTC)


class FailsOn(DecisionPipeline):
    """The real pipeline, except that any call that includes one chosen lead raises."""

    def __init__(self, pipeline: DecisionPipeline, lead_id: str):
        super().__init__(pipeline.policy, pipeline.model)
        self.lead_id, self.calls = lead_id, 0

    def decide_records(self, leads, now=None, suppressions=None):
        self.calls += 1
        if any(lead.lead_id == self.lead_id for lead in leads):
            raise ValueError(f"cannot decide {self.lead_id}")
        return super().decide_records(leads, now=now, suppressions=suppressions)


def test_a_batch_is_decided_in_one_call_as_decide_records_decides_it(pipeline, history):
    leads = history.leads[-5:]
    counting = FailsOn(pipeline, lead_id="no such lead")
    outcomes = counting.decide_each(leads, now=NOW)
    assert counting.calls == 1
    assert [record for _, _, record in outcomes] == pipeline.decide_records(leads, now=NOW)[1]
    assert [index for _, index, _ in outcomes] == list(range(5))


def test_only_the_failing_lead_gets_an_error(pipeline, history):
    leads = history.leads[-5:]
    failing = FailsOn(pipeline, lead_id=leads[2].lead_id)
    outcomes = failing.decide_each(leads, now=NOW)
    assert isinstance(outcomes[2], ValueError) and "cannot decide" in str(outcomes[2])
    alone = [pipeline.decide_records([lead], now=NOW)[1][0] for lead in leads]
    for i in (0, 1, 3, 4):
        decisions, index, record = outcomes[i]
        assert index == 0 and record == alone[i] and decisions.lead_ids[0] == leads[i].lead_id
    assert isinstance(failing.decide_each(leads[2:3], now=NOW)[0], ValueError)


def test_an_empty_batch_gives_an_empty_answer_with_or_without_a_model(pipeline, policy):
    from leadgate.decision.pipeline import DecisionPipeline

    for each in (pipeline, DecisionPipeline(policy)):
        decisions, records = each.decide_records([])
        assert len(decisions) == 0 and records == []


def test_a_policy_with_fixed_thresholds_routes_by_its_numbers_not_the_models(pipeline, history):
    from leadgate.decision.policy_routing import Thresholds

    leads = history.leads[-300:]
    chosen = pipeline.decide(leads, now=NOW)
    assert pipeline.thresholds == pipeline.model.thresholds  # `auto`: the numbers training chose
    assert (chosen.route == "sales_ready").any()
    strict = Thresholds(sales_ready=0.999, verify=0.998, nurture=0.997)
    routing = pipeline.policy.routing.model_copy(update={"thresholds": strict})
    fixed = pipeline.with_policy(pipeline.policy.model_copy(update={"routing": routing}))
    assert fixed.thresholds == strict
    decided = fixed.decide(leads, now=NOW)
    by_model = decided.route_source == "model"
    assert by_model.any() and set(decided.route[by_model]) == {"self_service"}


def test_a_lead_a_gate_holds_gets_no_reason_for_it_from_the_fact_the_gate_judged(pipeline, history):
    from leadgate.decision.gates import READS

    # Walk AD: "Student or intern (Intern)" listed For a lead the student gate sent to self-service. The model
    # never learned such leads (gated leads are left out of training): its pull on them is no reason for them.
    leads = [lead for lead in history.leads[-6000:]]
    decisions = pipeline.decide(leads)
    families = pipeline.book.families
    held = decisions.gates.holding_families(families)
    assert held is not None and held.any()
    checked = 0
    for i in np.flatnonzero(held.any(axis=1)).tolist():
        record = decisions.record(i)
        judged = {
            f for gate in record.gates if not gate.lifted for f in READS[_check_of(pipeline, gate.code)]
        }
        assert judged and not judged & {reason.family for reason in record.positive_reasons}, record
        checked += 1
    assert checked > 100
    # Lifted gates hold nothing: a lead a fresh signal lifted keeps every reason.
    assert not (held & decisions.gates.lift_only[:, None]).any()


def _check_of(pipeline, code: str) -> str:
    return next(spec.check for spec in pipeline.policy.active_gates() if spec.code == code)
