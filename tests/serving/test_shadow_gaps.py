"""The store's side of catching up shadow decisions, on SQLite and PostgreSQL: where a shadow period began,
which leads lack a decision, and writing decisions that another worker may have written first."""

from __future__ import annotations

from datetime import timedelta

from leadgate.serving.lifecycle_store import record_shadow
from leadgate.serving.shadow_gaps import missing_shadow, record_shadows, shadow_began, still_missing
from tests.factories import lead_dict
from tests.serving.test_lifecycle_store import T0, _decision

HOUR = timedelta(hours=1)


def _create(store, lead_id: str, at=T0) -> None:
    """A lead stored as intake stores it: its arrival decision made at its arrival."""
    decision = _decision(lead_id)
    decision.decided_at = at.isoformat()
    store.create(lead=lead_dict(lead_id=lead_id), decision=decision, idempotency_key=None, received_at=at)


def _row(lead_id: str, version: str = "leadgate/2", at=T0, route: str = "verify") -> dict:
    return {
        "lead_id": lead_id,
        "model_version": version,
        "policy_version": "default@x",
        "route": route,
        "band": "medium",
        "p_sql": 0.3,
        "decided_at": at,
        "seconds": 0.01,
        "error": None,
        "record": None,
    }


def test_a_shadow_period_begins_at_the_earliest_arrival_the_version_decided(store):
    for i in range(3):
        _create(store, f"l-{i}", at=T0 + i * HOUR)
    record_shadow(store.engine, _row("l-2", at=T0 + 2 * HOUR))
    record_shadow(store.engine, _row("l-1", at=T0 + HOUR))
    record_shadow(store.engine, _row("l-0", "leadgate/1", at=T0))
    assert shadow_began(store.engine, "leadgate/2") == T0 + HOUR
    assert shadow_began(store.engine, "leadgate/3") is None


def test_missing_leads_are_those_arrived_within_the_bounds_without_this_versions_decision(store):
    for i in range(5):
        _create(store, f"l-{i}", at=T0 + i * HOUR)
    record_shadow(store.engine, _row("l-2"))
    record_shadow(store.engine, _row("l-3", "leadgate/1"))  # another version's decision is not this one's
    assert missing_shadow(store.engine, "leadgate/2", T0 + HOUR, T0 + 4 * HOUR) == ["l-1", "l-3"]
    assert missing_shadow(store.engine, "leadgate/2", T0, T0 + 10 * HOUR) == ["l-0", "l-1", "l-3", "l-4"]
    found = still_missing(store.engine, "leadgate/2", ["l-1", "l-2", "gone"])
    assert [(lead_id, lead["lead_id"], at) for lead_id, lead, at in found] == [("l-1", "l-1", T0 + HOUR)]


def test_a_decision_the_lead_has_already_is_left_out_and_not_reported_written(store):
    for lead_id in ("a", "b"):
        _create(store, lead_id)
    assert record_shadow(store.engine, _row("a", route="sales_ready"))  # the live scorer, or another worker
    written = record_shadows(store.engine, [_row("a"), _row("b"), _row("a", "leadgate/3")])
    assert [(r["lead_id"], r["model_version"]) for r in written] == [("b", "leadgate/2"), ("a", "leadgate/3")]
    assert record_shadows(store.engine, [_row("a"), _row("b")]) == []
    assert not record_shadow(store.engine, _row("b"))  # the store's key: one per lead and version


def test_a_lead_erased_before_its_decision_is_written_leaves_the_others_written(store):
    from leadgate.serving.erasure import erase_leads

    for lead_id in ("a", "b"):
        _create(store, lead_id)
    rows = [_row("a"), _row("b")]
    erase_leads(store.engine, ["a"], salt=None)
    assert [r["lead_id"] for r in record_shadows(store.engine, rows)] == ["b"]
