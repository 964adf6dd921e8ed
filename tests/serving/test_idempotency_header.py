"""The Idempotency-Key header: sent twice it is a 422 naming it, never read as one of its values."""

from __future__ import annotations

from tests.factories import lead_dict
from tests.serving.conftest import auth


def test_two_idempotency_keys_are_a_422_and_nothing_is_stored(client, store):
    headers = [
        *auth("intake").items(),
        ("Idempotency-Key", "k1-form"),
        ("Idempotency-Key", "k2-proxy"),
    ]
    response = client.post("/v1/leads", json=lead_dict(lead_id="twice-key"), headers=headers)
    assert response.status_code == 422, response.text
    [problem] = response.json()["detail"]
    assert problem["field"] == "header.idempotency-key"
    assert problem["type"] == "repeated_header"
    assert problem["problem"].startswith("given 2 times ('k1-form', 'k2-proxy')")
    assert store.lead("twice-key") is None


def test_one_key_with_inner_spaces_and_punctuation_is_a_key(client, store):
    headers = {**auth("intake"), "Idempotency-Key": "form 7f3a/#1:{x}"}
    assert client.post("/v1/leads", json=lead_dict(lead_id="one-key"), headers=headers).status_code == 201
    again = client.post("/v1/leads", json=lead_dict(lead_id="one-key"), headers=headers)
    assert again.status_code == 200 and again.headers["idempotent-replayed"] == "true"
