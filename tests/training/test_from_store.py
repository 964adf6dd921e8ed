"""`leadgate train --from-store` labels: recorded outcomes first, then sales feedback, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from leadgate.features.feedback import REJECTION_REASONS, feedback_label, feedback_problem
from leadgate.features.outcome import Outcome
from leadgate.features.schema import parse_lead
from leadgate.serving.feedback_store import label_sources, record_feedback
from leadgate.serving.lifecycle_store import record_outcomes
from leadgate.training.data import HistoryError
from leadgate.training.from_store import history_from_store
from tests.factories import lead_dict
from tests.serving.conftest import store  # noqa: F401 - the store fixture on both databases

NOW = datetime.now(UTC)


def _feedback(store, lead_id: str, verdict: str, reason: str | None = None, at: datetime = NOW) -> None:  # noqa: F811
    record_feedback(store.engine, lead_id=lead_id, verdict=verdict, reason=reason, note=None, by="t", at=at)


def test_feedback_labels_leads_without_an_outcome_and_an_outcome_wins(store, pipeline):  # noqa: F811
    for i, lead_id in enumerate(("outcome", "accepted", "geography", "timing", "changed-mind")):
        lead = lead_dict(lead_id=lead_id)
        at = NOW - timedelta(hours=10 - i)
        decision = pipeline.decide_one(parse_lead(lead), now=at)
        store.create(lead=lead, decision=decision, idempotency_key=None, received_at=at)
    record_outcomes(store.engine, [Outcome(lead_id="outcome", sql=False, rejection_reason="no_budget")], "t")
    _feedback(store, "outcome", "accepted")  # the recorded outcome wins
    _feedback(store, "accepted", "accepted")
    _feedback(store, "geography", "rejected", "wrong_geography")
    _feedback(store, "timing", "rejected", "timing")  # no label: a fit, not now
    _feedback(store, "changed-mind", "rejected", "competitor", at=NOW - timedelta(hours=1))
    _feedback(store, "changed-mind", "accepted")  # the latest verdict counts

    history = history_from_store(store.engine)

    labels = {lead.lead_id: bool(sql) for lead, sql in zip(history.leads, history.sql, strict=True)}
    assert labels == {"outcome": False, "accepted": True, "geography": False, "changed-mind": True}
    reasons = dict(zip([lead.lead_id for lead in history.leads], history.rejection_reason, strict=True))
    assert reasons["geography"] == "wrong_geography" and reasons["outcome"] == "no_budget"
    sources = label_sources(store.engine)
    assert (sources.outcomes, sources.feedback, sources.feedback_unlabelled) == (1, 3, 1)
    assert "3 from sales feedback" in sources.describe()


def test_a_store_with_only_unlabelling_feedback_has_no_history(store, pipeline):  # noqa: F811
    lead = lead_dict(lead_id="later")
    store.create(
        lead=lead, decision=pipeline.decide_one(parse_lead(lead)), idempotency_key=None, received_at=NOW
    )
    _feedback(store, "later", "rejected", "duplicate")
    with pytest.raises(HistoryError, match="no leads with outcomes"):
        history_from_store(store.engine)


def test_every_rejection_reason_either_labels_not_sql_or_gives_no_label():
    assert feedback_label("accepted", None) is True
    unlabelled = {code for code in REJECTION_REASONS if feedback_label("rejected", code) is None}
    assert unlabelled == {"timing", "duplicate"}
    assert all(feedback_label("rejected", code) is False for code in set(REJECTION_REASONS) - unlabelled)
    assert feedback_problem("rejected", None).startswith("a rejection needs a reason")
    assert feedback_problem("rejected", "timing") is None


def test_outcomes_that_leave_won_out_give_no_won_label_never_zero_won(store, pipeline):  # noqa: F811
    for lead_id in ("sql-lead", "not-sql", "accepted"):
        lead = lead_dict(lead_id=lead_id)
        store.create(
            lead=lead, decision=pipeline.decide_one(parse_lead(lead)), idempotency_key=None, received_at=NOW
        )
    record_outcomes(
        store.engine, [Outcome(lead_id="sql-lead", sql=True), Outcome(lead_id="not-sql", sql=False)], "t"
    )
    _feedback(store, "accepted", "accepted")  # feedback says nothing of a won deal either
    assert not history_from_store(store.engine).won_labelled  # won figures read —, not 0
    record_outcomes(store.engine, [Outcome(lead_id="sql-lead", sql=True, won=True)], "t")
    history = history_from_store(store.engine)
    won = {lead.lead_id: bool(w) for lead, w in zip(history.leads, history.won, strict=True)}
    assert history.won_labelled and won["sql-lead"] and not won["not-sql"]


def test_leads_first_decided_long_after_creation_are_counted_in_a_note(store, pipeline):  # noqa: F811
    # Two leads posted 40 days after they were created (a backfill), one as it arrived.
    for lead_id, late in (("backfilled-1", 40), ("backfilled-2", 40), ("live", 0)):
        created = (NOW - timedelta(days=late, hours=1)).isoformat()
        lead = {**lead_dict(lead_id=lead_id, created_at=created), "scored_at": None}
        decision = pipeline.decide_one(parse_lead(lead), now=NOW)
        store.create(lead=lead, decision=decision, idempotency_key=None, received_at=NOW)
    record_outcomes(
        store.engine, [Outcome(lead_id=i, sql=False) for i in ("backfilled-1", "backfilled-2", "live")], "t"
    )
    [note] = history_from_store(store.engine).notes
    assert note.startswith(
        "2 of 3 training leads were first decided more than a day after their created_at (40 days later)"
    )
    assert "train from an export (`leadgate train --data FILE`)" in note
