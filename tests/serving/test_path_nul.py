"""A NUL (or other text no id can be) in a path or query parameter: a 4xx before the store, on both stores.

PostgreSQL cannot even compare text holding a NUL (psycopg.DataError), so a value that reached a query
was a 500 there while SQLite answered 404.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from leadgate.serving.reviews import UnknownReviewToken, open_review
from tests.factories import lead_dict
from tests.serving.conftest import auth

UNKNOWN_TOKEN = "no decision carries this review token; check that it was copied whole"

NOT_TOKENS = [
    "a%00b",
    "%00" * 32,
    "0123456789abcdef0123456789abcde%00",
    "0123456789abcdef0123456789abcde%09",  # TAB
    "0123456789abcdef0123456789abcde%7F",  # DEL
    "0123456789abcdef0123456789abcdeg",  # not hex
    "0123456789ABCDEF0123456789ABCDEF",  # tokens are lower case
    "0123456789abcdef0123456789abcde",  # 31 characters
    "0123456789abcdef0123456789abcdef0",  # 33
    "%C4%85" * 16,  # 'ą'
]


@pytest.mark.parametrize("token", NOT_TOKENS)
def test_text_no_review_token_can_be_is_an_unknown_token(client, token):
    response = client.post(f"/v1/review/{token}", json={"message": "hello"})
    assert response.status_code == 404, response.text
    assert response.json() == {"detail": UNKNOWN_TOKEN}


def test_a_malformed_token_never_reaches_the_store():
    # No engine at all: a lookup would fail with AttributeError, not the unknown token.
    with pytest.raises(UnknownReviewToken):
        open_review(None, token="a\x00b", message=None, at=datetime.now(UTC))


def test_a_real_token_still_opens_a_review(client):
    token = client.post("/v1/leads", json=lead_dict(lead_id="nul-1"), headers=auth("intake")).json()[
        "review_token"
    ]
    assert client.post(f"/v1/review/{token}").status_code == 201


# Every other path or query parameter that is text and reaches the store, with a NUL in it.
NUL_PARAMETERS = [
    ("get", "/v1/leads/a%00b/decision", "sales", None, {}),
    ("post", "/v1/leads/a%00b/events", "intake", {"events": [{"type": "page_view"}]}, {}),
    ("put", "/v1/leads/a%00b/outcome", "sales", {"sql": True}, {}),
    ("delete", "/v1/leads/a%00b", "admin", None, {}),
    (
        "post",
        "/v1/leads/a%00b/override",
        "sales",
        {"route": "nurture", "reason_code": "other", "note": "n"},
        {},
    ),
    ("delete", "/v1/leads/nul-2/override", "sales", None, {"note": "a\x00b"}),
    ("post", "/v1/leads/a%00b/feedback", "sales", {"verdict": "accepted"}, {}),
    ("get", "/v1/accounts/a%00b.com", "sales", None, {}),
    ("put", "/v1/accounts/a%00b.com/status", "sales", {"do_not_engage": True}, {}),
    ("get", "/v1/lists/a%00b", "sales", None, {}),
    ("delete", "/v1/lists/competitor_domains", "admin", None, {"value": "a\x00b.com", "why": "w"}),
    ("delete", "/v1/lists/competitor_domains", "admin", None, {"value": "ab.com", "why": "w\x00"}),
    ("get", "/v1/suppressions", "sales", None, {"subject": "a\x00b@example.com"}),
    ("get", "/v1/leads", "sales", None, {"gate": "a\x00"}),
    ("get", "/v1/leads", "sales", None, {"route": "a\x00"}),
    ("get", "/v1/leads", "sales", None, {"since": "2026-01-01\x00"}),
    ("get", "/v1/reviews", "sales", None, {"status": "open\x00"}),
]


@pytest.mark.parametrize(("method", "path", "role", "body", "params"), NUL_PARAMETERS)
def test_a_nul_in_any_other_parameter_is_a_4xx(client, method, path, role, body, params):
    assert (
        client.post("/v1/leads", json=lead_dict(lead_id="nul-2"), headers=auth("intake")).status_code == 201
    )
    response = client.request(method, path, json=body, params=params, headers=auth(role))
    assert 400 <= response.status_code < 500, response.text
    assert response.json()["detail"]
