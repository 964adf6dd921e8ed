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
