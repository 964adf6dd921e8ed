"""Outcomes and shadow decisions in a real SQLite and PostgreSQL store; migrations match the models."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from leadgate.decision.record import DecisionRecord
from leadgate.features.outcome import Outcome, parse_outcome
from leadgate.features.schema import LeadValidationError
from leadgate.serving.lifecycle_store import first_decisions, record_outcomes, record_shadow, shadow_pairs
from tests.factories import lead_dict

T0 = datetime(2026, 11, 1, 12, tzinfo=UTC)


def _decision(lead_id: str, route: str = "verify", p_sql: float = 0.3) -> DecisionRecord:
    return DecisionRecord.from_json(
        {
            "lead_id": lead_id,
            "route": route,
            "route_source": "model",
            "band": route,
            "p_sql": p_sql,
            "gates": [],
            "next_step": "sales_contact",
            "public_message": "thank_you",
            "negative_reasons": [],
            "positive_reasons": [],
            "model_version": "leadgate/1",
            "model_missing": False,
            "policy_version": "default@x",
            "decided_at": T0.isoformat(),
        }
    )


def _create(store, lead_id: str, at: datetime = T0, **decision) -> None:
    store.create(
        lead=lead_dict(lead_id=lead_id),
        decision=_decision(lead_id, **decision),
        idempotency_key=None,
        received_at=at,
    )


def test_outcomes_are_upserted_and_unknown_leads_reported_not_written(store):
    _create(store, "a")
    _create(store, "b")
    first = record_outcomes(
        store.engine, [Outcome(lead_id="a", sql=False, rejection_reason="no_budget")], "t"
    )
    assert (first.written, first.unknown_leads) == (1, [])
    result = record_outcomes(
        store.engine,
        [
            Outcome(lead_id="a", sql=True, won=True),
            Outcome(lead_id="zz", sql=True),
            Outcome(lead_id="b", sql=False),
        ],
        "t",
    )
    assert (result.written, result.unknown_leads) == (2, ["zz"])
    pairs = {p.lead_id: p for p in _pairs_with_shadow(store, ["a", "b"])}
    assert (pairs["a"].sql, pairs["a"].won, pairs["a"].rejection_reason) == (True, True, None)
    assert (pairs["b"].sql, pairs["b"].won) == (False, None)  # won left out: unknown, stored as NULL


def _pairs_with_shadow(store, ids):
    for lead_id in ids:
        record_shadow(store.engine, _shadow(lead_id))
    return shadow_pairs(store.engine, "leadgate/2")


def _shadow(lead_id: str, error: str | None = None) -> dict:
    return {
        "lead_id": lead_id,
        "model_version": "leadgate/2",
        "policy_version": "default@x",
        "route": None if error else "nurture",
        "band": None if error else "nurture",
        "p_sql": None if error else 0.1,
        "decided_at": T0,
        "seconds": 0.001,
        "error": error,
        "record": None,
    }


def test_shadow_decisions_pair_with_the_live_one_once_per_model(store):
    _create(store, "a", route="sales_ready", p_sql=0.8)
    _create(store, "b")
    assert record_shadow(store.engine, _shadow("a"))
    assert not record_shadow(store.engine, _shadow("a"))  # the same lead and model: stored once
    assert record_shadow(store.engine, _shadow("b", error="ValueError: boom"))
    pairs = {p.lead_id: p for p in shadow_pairs(store.engine, "leadgate/2")}
    assert (pairs["a"].champion_route, pairs["a"].champion_p_sql, pairs["a"].challenger_route) == (
        "sales_ready",
        0.8,
        "nurture",
    )
    assert pairs["b"].challenger_error == "ValueError: boom" and pairs["b"].sql is None
    assert shadow_pairs(store.engine, "leadgate/3") == []


def test_first_decisions_filter_by_arrival_time(store):
    _create(store, "old", at=T0 - timedelta(days=10))
    _create(store, "new", at=T0)
    since = T0 - timedelta(days=1)
    assert [d.lead["lead_id"] for d in first_decisions(store.engine, since=since)] == ["new"]
    assert [d.lead["lead_id"] for d in first_decisions(store.engine, until=since)] == ["old"]
    assert first_decisions(store.engine, since=since)[0].received_at == T0


def test_outcome_validation_names_the_problem():
    with pytest.raises(LeadValidationError, match="^outcome: won is true but sql is false"):  # not "lead:"
        parse_outcome({"lead_id": "a", "sql": False, "won": True})
    with pytest.raises(LeadValidationError, match="sql"):
        parse_outcome({"lead_id": "a"})
    with pytest.raises(LeadValidationError, match="rejection_reason is set but sql is true"):
        parse_outcome({"lead_id": "a", "sql": True, "rejection_reason": "no_budget"})


def test_migrations_create_exactly_the_tables_the_models_declare(store):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from leadgate.serving.store_models import Base

    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_outcomes_stored_before_keep_their_won_and_a_new_one_may_leave_it_unknown(bare_engine):
    from sqlalchemy import text

    from leadgate.serving.store import DecisionStore
    from tests.serving.conftest import upgrade_to

    upgrade_to(bare_engine, "0009_account_status_audit")
    store = DecisionStore(bare_engine)
    _create(store, "old")
    _create(store, "new")
    _outcome_of_0009(bare_engine, "old", sql=True, won=False)
    upgrade_to(bare_engine, "head")
    record_outcomes(bare_engine, [Outcome(lead_id="new", sql=True)], "t")
    with bare_engine.connect() as connection:
        rows = dict(connection.execute(text("SELECT lead_id, won FROM outcomes")).all())
    assert {k: None if v is None else bool(v) for k, v in rows.items()} == {"old": False, "new": None}


def _outcome_of_0009(engine, lead_id: str, *, sql: bool, won: bool | None = None, reason=None) -> None:
    """An outcome as leadgate stored it at an older schema, without today's columns."""
    from sqlalchemy import text

    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO outcomes (lead_id, sql, won, rejection_reason, source, recorded_at) "
                "VALUES (:lead_id, :sql, :won, :reason, 't', :at)"
            ),
            {"lead_id": lead_id, "sql": sql, "won": won, "reason": reason, "at": T0},
        )


def test_an_outcome_says_whether_its_time_was_sent_or_is_when_leadgate_recorded_it(bare_engine):
    # Operator walk: a bad-fit hold imported without `at` read as if it happened on the import day.
    from leadgate.serving.lifecycle_store import outcome_of
    from leadgate.serving.store import DecisionStore
    from tests.serving.conftest import upgrade_to

    upgrade_to(bare_engine, "0011_list_domains_registered")
    store = DecisionStore(bare_engine)
    for lead_id in ("before", "sent", "unsent"):
        _create(store, lead_id)
    _outcome_of_0009(bare_engine, "before", sql=False, reason="not_a_fit_size")
    upgrade_to(bare_engine, "head")
    rejection = {"sql": False, "rejection_reason": "not_a_fit_size"}
    record_outcomes(bare_engine, [Outcome(lead_id="sent", **rejection, at=T0)], "t")
    record_outcomes(bare_engine, [Outcome(lead_id="unsent", **rejection)], "t")

    def said(lead_id: str) -> tuple:
        with bare_engine.connect() as connection:
            view = outcome_of(connection, lead_id)
        return view["at_given"], view["recorded_at"] == T0

    assert [said(i) for i in ("before", "sent", "unsent")] == [(None, True), (True, True), (False, False)]
    # Sent again without a time, with a rep's note: the time it became known is kept, and so is whether it was
    # sent; a time sent now is the outcome's own.
    noted = {**rejection, "feedback": "50 staff"}
    record_outcomes(bare_engine, [Outcome(lead_id=i, **noted) for i in ("before", "sent", "unsent")], "t")
    assert [said(i) for i in ("before", "sent", "unsent")] == [(None, True), (True, True), (False, False)]
    record_outcomes(bare_engine, [Outcome(lead_id="unsent", **noted, at=T0)], "t")
    assert said("unsent") == (True, True)


def test_leads_arrived_at_the_same_moment_are_read_in_one_order_on_every_store(store):
    # Fixer stores: replayed leads share arrival times, and SQLite and PostgreSQL gave their ties in different
    # orders, so the same shadow evidence got different bootstrap intervals in promote.
    for lead_id in ("c", "a", "d", "b"):
        _create(store, lead_id)
    assert [d.lead["lead_id"] for d in first_decisions(store.engine, since=None)] == ["a", "b", "c", "d"]
