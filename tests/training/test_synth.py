"""The synthetic history: deterministic, schema-valid, and with the evidence-outcome relations we rely on."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from leadgate.decision.policy import load_policy
from leadgate.decision.policy_companies import Domains
from leadgate.features import signals, titles
from leadgate.features.schema import Lead
from leadgate.training.synth import generate_history, read_history, write_history
from leadgate.training.synth_vocab import NEGATIVE_FACTORS, REJECTION_REASONS

END = datetime(2026, 10, 31, tzinfo=UTC)


@pytest.fixture(scope="module")
def policy():
    return load_policy()


@pytest.fixture(scope="module")
def small(policy):
    return generate_history(n_leads=3000, seed=11, policy=policy)


@pytest.fixture(scope="module")
def large(policy):
    # Conversion-rate comparisons need enough SQLs in the smaller groups; 20k still generates in ~1 s.
    return generate_history(n_leads=20_000, seed=7, policy=policy)


def _lead(record: dict) -> dict:
    return {k: v for k, v in record.items() if k != "outcome"}


def _domain_class(record: dict, policy) -> str:
    domain = signals.email_domain(record["contact"]["email"])
    competitors = frozenset(d.lower() for d in policy.domains.competitors)
    return signals.classify_domain(domain, competitors, frozenset(policy.domains.own))


def _before_scoring(record: dict, event_type: str) -> int:
    scored = record["scored_at"]
    # Same-format UTC ISO strings compare correctly as text.
    return sum(1 for e in record["events"] if e["type"] == event_type and e["at"] <= scored)


def _rate(records: list[dict]) -> float:
    return float(np.mean([r["outcome"]["sql"] for r in records]))


def test_same_seed_same_history_and_different_seed_differs(policy):
    first = generate_history(n_leads=400, seed=3, policy=policy)
    assert first == generate_history(n_leads=400, seed=3, policy=policy)
    assert first != generate_history(n_leads=400, seed=4, policy=policy)


def test_every_record_validates_as_a_lead(small):
    for record in small:
        Lead.model_validate(_lead(record))
    assert len({r["lead_id"] for r in small}) == len(small)


def test_timestamps_are_ordered_and_inside_the_history(small):
    end = END.isoformat().replace("+00:00", "Z")
    for record in small:
        created, scored, outcome = record["created_at"], record["scored_at"], record["outcome"]
        assert created <= scored <= end
        assert all(created <= e["at"] <= end for e in record["events"])
        if outcome["sql"]:
            assert scored < outcome["sql_at"] <= end
        else:
            assert outcome["sql_at"] is None


def test_history_spans_the_requested_months(small):
    first = datetime.fromisoformat(small[0]["created_at"])
    last = datetime.fromisoformat(small[-1]["created_at"])
    assert (END - first).days > 650 and (END - last).days < 10


def test_sql_base_rate_and_won_share(small):
    assert 0.10 <= _rate(small) <= 0.20
    sqls = [r for r in small if r["outcome"]["sql"]]
    assert not any(r["outcome"]["won"] for r in small if not r["outcome"]["sql"])
    assert 0.12 <= np.mean([r["outcome"]["won"] for r in sqls]) <= 0.40


def test_rejection_reason_only_and_always_for_non_sqls(small):
    for record in small:
        reason = record["outcome"]["rejection_reason"]
        assert (reason is None) == record["outcome"]["sql"]
        assert reason is None or reason in REJECTION_REASONS


def test_personal_email_converts_at_about_a_quarter_of_corporate(large, policy):
    by_class = {"free": [], "corporate": []}
    for record in large:
        by_class.setdefault(_domain_class(record, policy), []).append(record)
    ratio = _rate(by_class["free"]) / _rate(by_class["corporate"])
    assert 0.1 <= ratio <= 0.5


def test_demo_request_before_scoring_converts_more(large):
    demo = [r for r in large if _before_scoring(r, "demo_request") > 0]
    other = [r for r in large if _before_scoring(r, "demo_request") == 0]
    assert _rate(demo) > 1.5 * _rate(other)


def test_email_opens_carry_about_no_signal(large):
    opened = [r for r in large if _before_scoring(r, "email_open") > 0]
    unopened = [r for r in large if _before_scoring(r, "email_open") == 0]
    assert len(opened) > 1000 and len(unopened) > 1000
    assert 1 / 1.5 <= _rate(opened) / _rate(unopened) <= 1.5


def test_students_and_competitors_about_never_convert(large, policy):
    students = [r for r in large if titles.parse_title(r["contact"]["job_title"] or "")[2]]
    competitors = [r for r in large if _domain_class(r, policy) == "competitor"]
    assert len(students) > 100 and len(competitors) > 50
    assert _rate(students) < 0.01
    assert _rate(competitors) < 0.01


def test_negative_factors_use_known_codes_and_cover_free_email(large, policy):
    for record in large:
        factors = record["outcome"]["true_negative_factors"]
        assert set(factors) <= set(NEGATIVE_FACTORS)
        assert len(set(factors)) == len(factors)
        if _domain_class(record, policy) == "free":
            assert "email_domain" in factors
    seen = {f for r in large for f in r["outcome"]["true_negative_factors"]}
    assert seen == set(NEGATIVE_FACTORS)


def test_small_known_companies_carry_the_size_factor(small):
    for record in small:
        employees = record["company"]["employees"]
        factors = record["outcome"]["true_negative_factors"]
        assert ("company_size" in factors) == (employees is not None and employees < 50)


def test_generator_follows_the_policy_it_is_given(policy):
    custom = policy.model_copy(update={"domains": Domains(competitors=["rival.example"], own=["us.example"])})
    records = generate_history(n_leads=3000, seed=2, policy=custom)
    domains = {signals.email_domain(r["contact"]["email"]) for r in records}
    assert "rival.example" in domains and "us.example" in domains
    assert not domains & set(policy.domains.competitors)


def test_realistic_variety(small, policy):
    countries = [r["company"]["country"] for r in small]
    unsupported = [c for c in countries if c and c not in policy.firmographics.supported_countries]
    assert 0.02 < len(unsupported) / len(small) < 0.15
    employees = [r["company"]["employees"] for r in small]
    assert any(e is None for e in employees)
    assert any(e is not None and e < policy.firmographics.employees_floor for e in employees)
    channels = {r["source"]["channel"] for r in small}
    assert {"paid_search", "organic", "referral", "content_syndication", "outbound"} <= channels
    assert all(r["source"]["cost"] is None for r in small if r["source"]["channel"] == "organic")
    assert any(r["form"]["honeypot"] for r in small)
    assert any((r["form"]["seconds_on_form"] or 99) < 2 for r in small)


@pytest.mark.parametrize("name", ["history.jsonl.gz", "history.jsonl"])
def test_write_read_roundtrip(tmp_path, name, policy):
    records = generate_history(n_leads=200, seed=1, policy=policy)
    path = write_history(records, tmp_path / "sub" / name)
    assert read_history(path) == records
    with open(path, "rb") as handle:
        assert (handle.read(2) == b"\x1f\x8b") == name.endswith(".gz")
