"""Pages of suppression records by status, contact, kind and source, on a real SQLite and PostgreSQL store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from leadgate.serving import suppression_store
from leadgate.serving.store_models import SuppressionRow
from leadgate.serving.suppression_pages import suppression_page
from leadgate.serving.suppression_subjects import bearing_on

NOW = datetime.now(UTC)


def _made(store) -> dict[str, int]:
    """Five records, one of each state and source: their ids by name."""
    engine = store.engine

    def make(subject: str, contact: str, source: str, **kwargs) -> int:
        made = suppression_store.create(
            engine, subject=subject, contact=contact, reason="r", who="kim", source=source, **kwargs
        )
        return made.id

    ids = {
        "maria": make("maria@nordwerk.de", "marketing_email", "api"),
        "hold": make("nordwerk.de", "all_contact", "cli", expires_at=NOW + timedelta(days=30)),
        "lifted": make("jonas@acme-labs.com", "all_contact", "api"),
        "expired": make("acme-labs.com", "marketing_email", "cli", expires_at=NOW + timedelta(days=1)),
    }
    suppression_store.lift(engine, ids["lifted"], why="asked again", who="kim")
    with engine.begin() as connection:  # its day has passed
        past = NOW - timedelta(hours=1)
        connection.execute(
            update(SuppressionRow).where(SuppressionRow.id == ids["expired"]).values(expires_at=past)
        )
    # A lead's own unsubscribe, as the pipeline stores it.
    suppression_store.persist(
        engine,
        "lead-1",
        [
            {
                "id": None,
                "subject_kind": "email",
                "subject": "lee@nordwerk.de",
                "contact": "marketing_email",
                "reason": "unsubscribed",
                "source": "event:unsubscribe",
                "created_at": NOW.isoformat(),
                "lifted_at": None,
                "lifted_by": None,
                "lift_reason": None,
                "status": "active",
            }
        ],
    )
    return ids


def _ids(page) -> list[int]:
    return [s.id for s in page.items]


def test_the_active_suppressions_of_every_subject_are_listed_oldest_first(store):
    ids = _made(store)
    active = suppression_page(store.engine)
    assert [s.subject for s in active.items] == ["maria@nordwerk.de", "nordwerk.de", "lee@nordwerk.de"]
    assert (active.total, active.next_offset) == (3, None)
    assert _ids(suppression_page(store.engine, status="lifted")) == [ids["lifted"]]
    assert _ids(suppression_page(store.engine, status="expired")) == [ids["expired"]]
    assert suppression_page(store.engine, status="all").total == 5
    # Each record's status as the sales view tells it now: the page and the record agree.
    later = NOW + timedelta(days=31)
    assert _ids(suppression_page(store.engine, status="expired", now=later)) == [ids["hold"], ids["expired"]]


@pytest.mark.parametrize(
    ("filters", "subjects"),
    [
        ({"contact": "all_contact"}, ["nordwerk.de"]),
        ({"subject_kind": "domain"}, ["nordwerk.de"]),
        ({"source": "api"}, ["maria@nordwerk.de"]),
        ({"source": "event:unsubscribe", "status": "all"}, ["lee@nordwerk.de"]),
        ({"status": "all", "contact": "all_contact"}, ["nordwerk.de", "jonas@acme-labs.com"]),
    ],
)
def test_filters_narrow_the_page(store, filters, subjects):
    _made(store)
    page = suppression_page(store.engine, **filters)
    assert [s.subject for s in page.items] == subjects and page.total == len(subjects)


def test_pages_say_how_many_there_are_and_where_the_next_starts(store):
    _made(store)
    first = suppression_page(store.engine, status="all", limit=2)
    second = suppression_page(store.engine, status="all", limit=2, offset=first.next_offset)
    last = suppression_page(store.engine, status="all", limit=2, offset=second.next_offset)
    assert (first.total, first.next_offset, second.next_offset, last.next_offset) == (5, 2, 4, None)
    assert len({*_ids(first), *_ids(second), *_ids(last)}) == 5


def test_a_subjects_records_are_its_own_and_its_accounts(store):
    ids = _made(store)
    page = suppression_page(store.engine, status="all", subjects=bearing_on("maria@nordwerk.de"))
    assert _ids(page) == [ids["maria"], ids["hold"]]


def test_the_api_lists_every_subjects_active_suppressions_with_paging_and_filters(client):
    from tests.serving.conftest import auth

    ids = _made(client.app.state.store)

    def listed(**params) -> dict:
        response = client.get("/v1/suppressions", params=params, headers=auth("sales"))
        assert response.status_code == 200, response.text
        return response.json()

    # Operator walk: no listing without a subject; now the active ones, all subjects', oldest first.
    active = listed()
    assert [s["subject"] for s in active["items"]] == ["maria@nordwerk.de", "nordwerk.de", "lee@nordwerk.de"]
    assert {s["status"] for s in active["items"]} == {"active"}
    assert (active["total"], active["limit"], active["offset"], active["next_offset"]) == (3, 50, 0, None)
    first = listed(status="all", limit=2)
    assert (first["total"], first["next_offset"]) == (5, 2)
    assert [s["subject"] for s in listed(status="all", limit=2, offset=4)["items"]] == ["lee@nordwerk.de"]
    assert [s["subject"] for s in listed(contact="all_contact", status="all")["items"]] == [
        "nordwerk.de",
        "jonas@acme-labs.com",
    ]
    assert [s["id"] for s in listed(status="expired")["items"]] == [ids["expired"]]
    assert [s["subject"] for s in listed(source="event:unsubscribe", subject_kind="email")["items"]] == [
        "lee@nordwerk.de"
    ]
    # A subject's records are still its history, lifted and expired included, unless a status is asked.
    jonas = listed(subject="jonas@acme-labs.com")
    assert [s["status"] for s in jonas["items"]] == ["lifted", "expired"] and jonas["total"] == 2
    assert listed(subject="jonas@acme-labs.com", status="active")["items"] == []


def test_the_api_refuses_a_status_or_filter_it_does_not_know(client):
    from tests.serving.conftest import auth

    for params in (
        {"status": "open"},
        {"contact": "sms"},  # no such kind of contact
        {"source": "crm"},
        {"limit": 0},
        {"stauts": "all"},
    ):
        response = client.get("/v1/suppressions", params=params, headers=auth("sales"))
        assert response.status_code == 422, (params, response.text)
    assert client.get("/v1/suppressions").status_code == 401
