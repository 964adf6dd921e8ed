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
