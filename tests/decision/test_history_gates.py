"""Gates counted from the store: they fire on what HistoryFacts says, and never without facts."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import numpy as np
import pytest
import yaml

from leadgate import runtime
from leadgate.decision import batching
from leadgate.decision.history_facts import HistoryFacts
from leadgate.decision.pipeline import DecisionPipeline
from tests.factories import make_lead

DECIDED = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)  # the factory lead's scored_at
HISTORY_GATES = {
    "rapid_submissions",
    "recently_rejected_account",
    "churned_non_payment",
    "open_escalation",
}


def _facts(n: int = 1, **values) -> HistoryFacts:
    empty = HistoryFacts.empty(n)
    return replace(empty, **{k: np.asarray(v, dtype=getattr(empty, k).dtype) for k, v in values.items()})


def _days(moment: datetime) -> float:
    return moment.timestamp() / 86_400


def _gates(pipeline, lead, facts=None) -> dict[str, str]:
    record = pipeline.decide_one(lead, facts=facts)
    return {gate.code: gate.reason for gate in record.gates}


@pytest.fixture(scope="module")
def gates_only(policy):
    return DecisionPipeline(policy)


def test_without_facts_no_history_gate_fires_and_the_pipeline_decides_as_before(gates_only, pipeline):
    lead = make_lead()
    alarming = _facts(
        ip_submissions=[50],
        email_submissions=[50],
        churned_non_payment=[True],
        open_escalation=[True],
        account_do_not_engage=[True],
        bad_fit_rejected_days=[_days(datetime(2026, 10, 1, tzinfo=UTC))],
    )
    assert HISTORY_GATES | {"do_not_engage"} <= set(_gates(gates_only, lead, alarming))
    assert not HISTORY_GATES & set(_gates(gates_only, lead))
    alone = pipeline.decide_one(lead, now=DECIDED)
    assert alone == pipeline.decide_one(lead, now=DECIDED, facts=HistoryFacts.empty(1))


@pytest.mark.parametrize(
    ("ip", "email", "fires", "words"),
    [
        (4, 1, False, ""),
        (5, 1, True, "5 from IP 203.0.113.9 within 1 minute"),
        (1, 5, True, "5 from this email within 1 hour"),
        (10, 7, True, "10 from IP 203.0.113.9"),
    ],
)
def test_rapid_submissions_fire_at_the_policy_s_thresholds(gates_only, ip, email, fires, words):
    gates = _gates(gates_only, make_lead(), _facts(ip_submissions=[ip], email_submissions=[email]))
    assert ("rapid_submissions" in gates) == fires
    if fires:
        assert words in gates["rapid_submissions"]


def test_rapid_submissions_cap_the_route_at_verify_a_person_checks(pipeline):
    record = pipeline.decide_one(make_lead(), facts=_facts(ip_submissions=[10]))
    assert record.route in ("verify", "nurture", "self_service")
    assert [g.route for g in record.gates if g.code == "rapid_submissions"] == ["verify"]


@pytest.mark.parametrize(
    ("rejected", "fires"),
    [
        (datetime(2026, 9, 1, tzinfo=UTC), True),  # two months before: within six
        (datetime(2026, 3, 1, tzinfo=UTC), False),  # eight months before
        (datetime(2026, 11, 20, tzinfo=UTC), False),  # after the decision: not yet known
    ],
)
def test_a_bad_fit_rejection_of_the_account_holds_for_the_policy_s_months(gates_only, rejected, fires):
    facts = _facts(
        account_domain=["nordwerk.de"],
        bad_fit_rejected_days=[_days(rejected)],
        bad_fit_reason=["not_a_fit_size"],
        bad_fit_dated=[True],
    )
    gates = _gates(gates_only, make_lead(), facts)
    assert ("recently_rejected_account" in gates) == fires
    if fires:
        assert "nordwerk.de, not_a_fit_size on 2026-09-01" in gates["recently_rejected_account"]


def test_a_bad_fit_rejection_sent_without_its_time_is_said_to_be_recorded_that_day_not_made(gates_only):
    # Operator walk: an outcome imported without `at` read "on <the import day>", as if sales decided then.
    facts = _facts(
        account_domain=["nordwerk.de"],
        bad_fit_rejected_days=[_days(datetime(2026, 10, 1, 9, tzinfo=UTC))],
        bad_fit_reason=["not_a_fit_size"],
    )
    reason = _gates(gates_only, make_lead(), facts)["recently_rejected_account"]
    assert "nordwerk.de, not_a_fit_size recorded 2026-10-01" in reason and " on 2026-10-01" not in reason


def test_a_fresh_demo_request_lifts_a_recent_bad_fit_rejection_to_verify(gates_only):
    facts = _facts(bad_fit_rejected_days=[_days(datetime(2026, 10, 1, tzinfo=UTC))], bad_fit_reason=["x"])
    stale = gates_only.decide_one(make_lead(events=[]), facts=facts)
    fresh = gates_only.decide_one(
        make_lead(events=[{"type": "demo_request", "at": "2026-11-02T09:00:00Z"}]), facts=facts
    )
    assert stale.route == "nurture" and [g.lifted for g in stale.gates] == [False]
    assert fresh.route == "verify" and [g.lifted for g in fresh.gates] == [True]


def test_churn_and_escalation_cap_at_verify_and_name_the_account(gates_only):
    facts = _facts(account_domain=["nordwerk.de"], churned_non_payment=[True], open_escalation=[True])
    record = gates_only.decide_one(make_lead(), facts=facts)
    assert record.route == "verify"
    reasons = {g.code: g.reason for g in record.gates}
    assert "nordwerk.de" in reasons["churned_non_payment"] and "nordwerk.de" in reasons["open_escalation"]


def test_an_account_do_not_engage_holds_every_contact_even_on_a_free_email(gates_only):
    on_website = make_lead(
        contact={"email": "kim@gmail.com"}, company={"website": "www.blocked-customer.com"}
    )
    record = gates_only.decide_one(on_website)  # the policy's list, through the website
    assert record.route == "silent_reject" and "blocked-customer.com" in record.gates[0].reason
    marked = _facts(account_domain=["nordwerk.de"], account_do_not_engage=[True])
    record = gates_only.decide_one(make_lead(), facts=marked)  # marked in the store
    assert record.route == "silent_reject"
    assert [g.reason for g in record.gates] == ["Account is on the do-not-engage list (nordwerk.de)"]


def test_facts_must_match_the_batch(gates_only):
    with pytest.raises(ValueError, match="facts for 2 leads given with 1"):
        gates_only.decide([make_lead()], facts=HistoryFacts.empty(2))
    with pytest.raises(ValueError, match="facts for 2 leads given with 1"):
        gates_only.decide_each([make_lead()], facts=HistoryFacts.empty(2))


def test_facts_follow_their_leads_through_chunks_and_one_by_one_retries(pipeline, monkeypatch):
    leads = [make_lead(lead_id=f"c-{i}") for i in range(30)]
    hits = np.zeros(30, dtype=np.int64)
    hits[[3, 17, 29]] = 9
    facts = _facts(30, ip_submissions=hits)
    monkeypatch.setattr(runtime, "worker_count", lambda: 2)
    monkeypatch.setattr(batching, "PARALLEL_MIN_LEADS", 10)
    monkeypatch.setattr(batching, "CHUNK_LEADS", 7)
    decisions = pipeline.decide(leads, now=DECIDED, facts=facts)
    column = [s.code for s in decisions.gates.specs].index("rapid_submissions")
    assert np.flatnonzero(decisions.gates.fired[:, column]).tolist() == [3, 17, 29]
    one_by_one = [
        pipeline.decide_each([lead], DECIDED, facts=facts.take(i, i + 1))[0] for i, lead in enumerate(leads)
    ]
    assert [i for i, (_, _, r) in enumerate(one_by_one) if r.route == "verify" and r.gates] == [3, 17, 29]


def test_the_history_section_is_validated_and_optional(policy):
    from leadgate.decision.policy import PolicyError, parse_policy

    data = policy.model_dump(mode="json", exclude_none=True)
    with pytest.raises(PolicyError, match="history.submissions_per_ip"):
        parse_policy(yaml.safe_dump({**data, "history": {"submissions_per_ip": 1}}))
    with pytest.raises(PolicyError, match="history.per_minute"):
        parse_policy(yaml.safe_dump({**data, "history": {"per_minute": 3}}))
    without = parse_policy(yaml.safe_dump({k: v for k, v in data.items() if k != "history"}))
    assert without.history is None and without.version != policy.version
    # Its gates then count with the defaults: five from one IP within a minute.
    record = DecisionPipeline(without).decide_one(make_lead(), facts=_facts(ip_submissions=[5]))
    assert "within 1 minute" in {g.code: g.reason for g in record.gates}["rapid_submissions"]
