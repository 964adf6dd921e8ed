"""The outcome endpoint on SQLite and PostgreSQL: a won label left out is unknown; booleans are strict."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from leadgate.serving.store_models import OutcomeRow
from tests.factories import lead_dict
from tests.serving.conftest import auth


def _known(client, lead_id: str) -> None:
    response = client.post("/v1/leads", json=lead_dict(lead_id=lead_id), headers=auth("intake"))
    assert response.status_code == 201, response.text


def _put(client, lead_id: str, body):
    return client.put(f"/v1/leads/{lead_id}/outcome", json=body, headers=auth("sales"))


def _stored(client, lead_id: str) -> tuple | None:
    with client.app.state.store.engine.connect() as connection:
        row = connection.execute(
            select(OutcomeRow.sql, OutcomeRow.won).where(OutcomeRow.lead_id == lead_id)
        ).first()
    return None if row is None else tuple(row)


def test_a_won_label_left_out_or_null_is_stored_unknown_never_false(client):
    _known(client, "wl-sql")
    assert _put(client, "wl-sql", {"sql": True}).status_code == 200
    assert _stored(client, "wl-sql") == (True, None)
    assert _put(client, "wl-sql", {"sql": True, "won": None}).status_code == 200
    assert _stored(client, "wl-sql") == (True, None)
    assert _put(client, "wl-sql", {"sql": True, "won": False}).status_code == 200
    assert _stored(client, "wl-sql") == (True, False)
    assert _put(client, "wl-sql", {"sql": True, "won": True}).status_code == 200  # a repeat replaces it
    assert _stored(client, "wl-sql") == (True, True)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"sql": "off"}, "sql"),
        ({"sql": 1}, "sql"),
        ({"sql": "t"}, "sql"),
        ({"sql": "no"}, "sql"),
        ({"sql": True, "won": "yes"}, "won"),
        ({"sql": True, "won": 0}, "won"),
    ],
)
def test_loose_booleans_are_refused_naming_the_field_and_nothing_is_stored(client, body, field):
    _known(client, "loose")
    refused = _put(client, "loose", body)
    assert refused.status_code == 422, refused.text
    assert [problem["field"] for problem in refused.json()["detail"]] == [field], refused.text
    assert _stored(client, "loose") is None


@pytest.mark.parametrize(
    ("at", "words"),
    [
        ("2099-01-01T00:00:00Z", "more than a day after now"),
        ("0001-01-01T00:00:00Z", "before 1990-01-01"),
    ],
)
def test_an_outcome_time_follows_the_rules_of_a_leads_times_and_nothing_is_stored(client, at, words):
    # An outcome dated 2099 would keep its lead from retention for good; 0001 is a system's zero date.
    _known(client, "when")
    refused = _put(client, "when", {"sql": False, "rejection_reason": "no_budget", "at": at})
    assert refused.status_code == 422, refused.text
    [problem] = refused.json()["detail"]
    assert problem["field"] == "at" and words in problem["problem"], refused.text
    assert _stored(client, "when") is None
    assert _put(client, "when", {"sql": False, "at": "2026-11-20T10:00:00Z"}).status_code == 200
