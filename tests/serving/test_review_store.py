"""Review items, overrides and the urgency of a lead in the store itself, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from leadgate.features.schema import parse_lead
from leadgate.serving.erasure import erase_leads
from leadgate.serving.overrides import OverrideSpec, set_override
from leadgate.serving.reviews import (
    ReviewNotFound,
    UnknownReviewToken,
    false_positives,
    open_review,
    resolve_review,
)
from leadgate.serving.service import decision_view, merge_events, p_sql_change
from leadgate.serving.store_models import LeadRow
from tests.factories import lead_dict

NOW = datetime.now(UTC)


def _decide(pipeline, at: datetime):
    return lambda lead: pipeline.decide_one(parse_lead(lead), now=at)


def _store_lead(store, pipeline, lead_id: str, at: datetime, **sections):
    lead = lead_dict(lead_id=lead_id, **sections)
    lead.pop("scored_at")  # stored as the API stores it: decided as of each decision's own time
    return store.create(lead=lead, decision=_decide(pipeline, at)(lead), idempotency_key=None, received_at=at)


def _add_events(store, pipeline, lead_id: str, at: datetime, kind: str = "demo_request"):
    events = parse_lead(lead_dict(events=[{"type": kind, "at": at.isoformat()}])).events
    return store.append_events(
        lead_id=lead_id,
        merge=lambda stored: merge_events(stored, events),
        decide=_decide(pipeline, at),
        at=at,
    )


def test_the_change_of_p_sql_over_7_days_compares_with_the_latest_decision_a_week_back(store, pipeline):
    _store_lead(store, pipeline, "urg", NOW - timedelta(days=10), events=[])
    _add_events(store, pipeline, "urg", NOW - timedelta(days=8), "pricing_page")
    _add_events(store, pipeline, "urg", NOW - timedelta(days=1))
    history = store.history("urg")
    assert len(history) == 3 and history[-1].p_sql != history[1].p_sql
    view = decision_view(lead_id="urg", store=store, now=NOW)
    # The decision 8 days back is the latest at or before 7 days ago; the one 10 days back is older.
    assert view["p_sql_change_7d"] == pytest.approx(history[-1].p_sql - history[1].p_sql)
    early = decision_view(lead_id="urg", store=store, now=NOW - timedelta(days=12))
    assert early["p_sql_change_7d"] is None  # nothing a week before that


def test_p_sql_change_is_none_without_scores():
    class Row:
        def __init__(self, p_sql, days_ago):
            self.p_sql, self.decided_at = p_sql, NOW - timedelta(days=days_ago)

    assert p_sql_change([Row(0.2, 9), Row(0.5, 0)], NOW) == pytest.approx(0.3)
    assert p_sql_change([Row(None, 9), Row(0.5, 0)], NOW) is None
    assert p_sql_change([Row(0.2, 9), Row(None, 0)], NOW) is None
    assert p_sql_change([Row(0.2, 3), Row(0.5, 0)], NOW) is None


def test_a_review_is_one_per_decision_and_a_later_decision_can_be_disputed_anew(store, pipeline):
    stored = _store_lead(store, pipeline, "rev", NOW, company={"employees": 3})
    first, created = open_review(store.engine, token=stored.review_token, message="hello", at=NOW)
    assert created and (first["decision_seq"], first["route"]) == (1, "self_service")
    _add_events(store, pipeline, "rev", NOW)
    again, created = open_review(store.engine, token=stored.review_token, message=None, at=NOW)
    assert not created and again["id"] == first["id"]  # still open: the same item
    # The events answer is another decision: its own item, though the first is open.
    other, created = open_review(
        store.engine, token=stored.review_token, message=None, at=NOW, decision_seq=2
    )
    assert created and other["decision_seq"] == 2 and other["id"] != first["id"]
    resolve_review(store.engine, review_id=first["id"], outcome="correct", note=None, by="t", at=NOW)
    # The bare token names the answer at arrival, reviewed already; the events answer is disputed by number.
    same, created = open_review(store.engine, token=stored.review_token, message=None, at=NOW)
    assert not created and same["id"] == first["id"]
    later, created = open_review(
        store.engine, token=stored.review_token, message=None, at=NOW, decision_seq=2
    )
    assert not created and later["id"] == other["id"]
    with pytest.raises(UnknownReviewToken):
        open_review(store.engine, token="f" * 32, message=None, at=NOW)


def test_an_erased_leads_review_id_is_never_given_to_a_new_review(store, pipeline):
    gone = _store_lead(store, pipeline, "gone", NOW, company={"employees": 3})
    erased, _ = open_review(store.engine, token=gone.review_token, message="please look", at=NOW)
    erase_leads(store.engine, ["gone"], salt=None)
    new = _store_lead(store, pipeline, "new", NOW, company={"employees": 3})
    item, _ = open_review(store.engine, token=new.review_token, message=None, at=NOW)
    assert item["id"] > erased["id"]  # a link to the erased review can never reach this person's
    with pytest.raises(ReviewNotFound):
        resolve_review(store.engine, review_id=erased["id"], outcome="correct", note=None, by="t", at=NOW)


def test_the_false_positive_rate_counts_automatic_rejections_resolved_in_the_window(store, pipeline):
    def disputed(lead_id: str, outcome: str, resolved_at: datetime, **sections) -> None:
        stored = _store_lead(store, pipeline, lead_id, NOW, **sections)
        item, _ = open_review(store.engine, token=stored.review_token, message=None, at=NOW)
        resolve_review(store.engine, review_id=item["id"], outcome=outcome, note=None, by="t", at=resolved_at)

    tiny = {"company": {"employees": 3}}
    disputed("old", "misclassified", NOW - timedelta(days=60), **tiny)
    disputed("a", "misclassified", NOW, **tiny)
    disputed("b", "correct", NOW, **tiny)
    disputed("to-sales", "misclassified", NOW)  # not a rejection
    overridden = _store_lead(store, pipeline, "overridden", NOW, **tiny)
    store.redecide(
        lead_id="overridden",
        decide=_decide(pipeline, NOW),
        trigger="override",
        at=NOW,
        change=set_override(OverrideSpec("silent_reject", "other", "spam", "t"), "overridden", NOW),
    )
    told = _add_events(store, pipeline, "overridden", NOW)  # the events answer gives the override's route
    item, _ = open_review(
        store.engine, token=overridden.review_token, message=None, at=NOW, decision_seq=told.seq
    )
    assert item["control"] == "override"  # rejected by a person, not automatically: not counted
    resolve_review(store.engine, review_id=item["id"], outcome="misclassified", note=None, by="t", at=NOW)
    _store_lead(store, pipeline, "waiting", NOW, **tiny)
    open_review(store.engine, token=store.review_token("waiting"), message=None, at=NOW)

    everything = false_positives(store.engine)
    assert (everything.resolved, everything.misclassified, everything.open) == (3, 2, 1)
    recent = false_positives(store.engine, since=NOW - timedelta(days=30))
    assert (recent.resolved, recent.misclassified, recent.rate) == (2, 1, 0.5)
    assert "n=2" in recent.describe()


def test_a_lead_stored_before_review_tokens_gets_one_when_decided_again(store, pipeline):
    _store_lead(store, pipeline, "old-lead", NOW)
    with store.engine.begin() as connection:
        connection.execute(update(LeadRow).where(LeadRow.lead_id == "old-lead").values(review_token=None))
    assert store.review_token("old-lead") is None
    answer = _add_events(store, pipeline, "old-lead", NOW)
    assert answer.review_token and store.review_token("old-lead") == answer.review_token
    tokens = {_store_lead(store, pipeline, f"t-{i}", NOW).review_token for i in range(5)}
    assert len(tokens) == 5  # random per lead, never derived from the id


def test_an_override_holds_through_a_model_change_and_a_replay(store, pipeline, policy):
    from leadgate.decision.pipeline import DecisionPipeline
    from leadgate.serving.store import NewLead

    stored = _store_lead(store, pipeline, "vip-store", NOW, company={"employees": 3})
    spec = OverrideSpec("sales_ready", "vip", None, "test-sales")
    store.redecide(
        lead_id="vip-store",
        decide=_decide(pipeline, NOW),
        trigger="override",
        at=NOW,
        change=set_override(spec, "vip-store", NOW),
    )
    gates_only = DecisionPipeline(policy)  # the champion went away: gates alone decide
    answer = store.append_events(
        lead_id="vip-store",
        merge=lambda lead: lead,
        decide=_decide(gates_only, NOW),
        at=NOW,
    )
    assert (answer.route, answer.next_step, answer.review_token) == (
        "sales_ready",
        "sales_call",
        stored.review_token,
    )
    latest = store.history("vip-store")[-1]
    assert latest.model_missing and latest.record["override"]["automatic"]["route"] == "self_service"
    lead = store.lead("vip-store")
    [repeat] = store.create_many(
        [
            NewLead(lead, _decide(pipeline, NOW)(lead), None, NOW),
            NewLead(lead, _decide(pipeline, NOW)(lead), None, NOW),
        ]
    )[:1]
    assert (
        not repeat.created and store.history("vip-store")[-1].route == "sales_ready"
    )  # a replay changes nothing


def test_the_review_id_migration_keeps_stored_reviews_and_their_indexes(bare_engine):
    from sqlalchemy import inspect, text

    from tests.serving.conftest import upgrade_to

    review = (
        "INSERT INTO reviews (lead_id, decision_seq, route, control, status, opened_at) "
        "VALUES ('r-1', :seq, 'self_service', 'gate', 'open', :t)"
    )
    upgrade_to(bare_engine, "0006_accounts")
    with bare_engine.begin() as connection:
        connection.execute(
            text("INSERT INTO leads (lead_id, lead, received_at, updated_at) VALUES ('r-1', '{}', :t, :t)"),
            {"t": NOW},
        )
        connection.execute(text(review), {"seq": 1, "t": NOW})
    upgrade_to(bare_engine, "head")
    with bare_engine.begin() as connection:
        assert connection.execute(text("SELECT id, lead_id FROM reviews")).all() == [(1, "r-1")]
        connection.execute(text("DELETE FROM reviews"))
        connection.execute(text(review), {"seq": 2, "t": NOW})
        assert connection.execute(text("SELECT id FROM reviews")).scalar_one() == 2
    indexes = {index["name"] for index in inspect(bare_engine).get_indexes("reviews")}
    assert {"ix_reviews_lead_id", "ix_reviews_status_opened", "ix_reviews_resolved_at"} <= indexes
