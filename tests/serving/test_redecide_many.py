"""A suppression made or lifted decides its leads again in one transaction, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from leadgate.features.schema import parse_lead
from leadgate.serving import suppression_store
from leadgate.serving.redecide_many import redecide_many
from leadgate.serving.store_models import SuppressionRow
from tests.factories import lead_dict

NOW = datetime.now(UTC)
HOLD = {
    "subject": "nordwerk.de",
    "contact": "all_contact",
    "reason": "legal hold",
    "who": "t",
    "source": "api",
}


def _store_lead(store, pipeline, lead_id: str) -> None:
    lead = lead_dict(lead_id=lead_id)
    lead.pop("scored_at")
    decision = pipeline.decide_one(parse_lead(lead), now=NOW)
    store.create(lead=lead, decision=decision, idempotency_key=None, received_at=NOW)


def test_a_decision_that_fails_takes_the_suppression_and_every_other_decision_back_with_it(store, pipeline):
    for lead_id in ("a", "b"):
        _store_lead(store, pipeline, lead_id)
    row = suppression_store.new_row(**HOLD, expires_at=None)

    def change(connection) -> list[str]:
        made = suppression_store.insert_row(connection, row)
        return suppression_store.leads_bearing(connection, made)

    failing = {"b"}

    def decide(leads: list[dict], _received, connection):
        if failing & {lead["lead_id"] for lead in leads}:
            raise RuntimeError(f"the model failed on {sorted(failing)}")
        given = suppression_store.for_leads(connection, leads)  # sees the uncommitted suppression
        return [
            pipeline.decide_one(parse_lead(lead), now=NOW, suppressions=g)
            for lead, g in zip(leads, given, strict=True)
        ]

    with pytest.raises(RuntimeError):
        redecide_many(store.engine, change=change, decide=decide, trigger="suppression", at=NOW)
    with store.engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(SuppressionRow)) == 0
    assert [len(store.history(lead_id)) for lead_id in ("a", "b")] == [1, 1]

    failing.clear()
    written = redecide_many(store.engine, change=change, decide=decide, trigger="suppression", at=NOW)
    assert [(w.lead_id, w.seq, w.route) for w in written] == [
        ("a", 2, "silent_reject"),
        ("b", 2, "silent_reject"),
    ]


def test_a_change_deciding_leads_again_leaves_their_idle_time_to_retention(store, pipeline):
    # Retention erases leads whose newest activity (arrival, events, outcome) is old; a suppression, list,
    # account or model change decides them again but is no activity of the person's.
    from datetime import timedelta

    from leadgate.serving.erasure import count_idle

    arrived = NOW - timedelta(days=400)
    lead = lead_dict(lead_id="a")
    lead.pop("scored_at")
    store.create(
        lead=lead,
        decision=pipeline.decide_one(parse_lead(lead), now=arrived),
        idempotency_key=None,
        received_at=arrived,
    )
    row = suppression_store.new_row(**HOLD, expires_at=None)

    def change(connection) -> list[str]:
        return suppression_store.leads_bearing(connection, suppression_store.insert_row(connection, row))

    def decide(leads: list[dict], _received, connection):
        return [pipeline.decide_one(parse_lead(lead), now=NOW) for lead in leads]

    written = redecide_many(store.engine, change=change, decide=decide, trigger="suppression", at=NOW)
    assert [w.lead_id for w in written] == ["a"]
    assert count_idle(store.engine, NOW - timedelta(days=365)) == 1
