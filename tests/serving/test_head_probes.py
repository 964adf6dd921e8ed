"""Health and readiness answer HEAD as GET (load balancers probe with it): the same status and headers, no body."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_head_answers_as_get_without_a_body(client, path):
    got = client.get(path)
    head = client.head(path)
    assert (got.status_code, head.status_code) == (200, 200)
    assert head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"] == "application/json"
    assert head.headers["content-length"] == got.headers["content-length"] == str(len(got.content))


def test_head_readyz_says_unready_when_the_store_does_not_answer(client, store, monkeypatch):
    monkeypatch.setattr(store, "ping", lambda: False)
    assert client.get("/readyz").status_code == 503
    head = client.head("/readyz")
    assert head.status_code == 503 and head.content == b""


def test_the_schema_lists_each_probe_once(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert sorted(paths["/healthz"]) == ["get"] and sorted(paths["/readyz"]) == ["get"]
