"""A query parameter given twice is refused by name, never read as its last value."""

from __future__ import annotations

from tests.serving.conftest import auth


def test_a_repeated_query_parameter_is_a_422_naming_it(client):
    refused = client.get("/v1/leads?route=sales_ready&route=verify", headers=auth("sales"))
    assert refused.status_code == 422, refused.text
    [problem] = refused.json()["detail"]
    assert problem["field"] == "query.route" and problem["type"] == "repeated_parameter"
    assert "given 2 times ('sales_ready', 'verify')" in problem["problem"]
    # Once each, several parameters still read as before.
    assert client.get("/v1/leads?route=verify&limit=5", headers=auth("sales")).status_code == 200
