"""Health and readiness answer HEAD as GET (load balancers probe with it): the same status and headers, no body."""

from __future__ import annotations

import pytest

from tests.serving.held_store import bounded_store, hung


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_head_answers_as_get_without_a_body(client, path):
    got = client.get(path)
    head = client.head(path)
    assert (got.status_code, head.status_code) == (200, 200)
    assert head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"] == "application/json"
    assert head.headers["content-length"] == got.headers["content-length"] == str(len(got.content))


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_head_readyz_says_unready_when_the_store_does_not_answer(service_settings, tmp_path, kind):
    from fastapi.testclient import TestClient

    from leadgate.serving.app import create_app

    with (
        bounded_store(kind, tmp_path) as store,
        TestClient(create_app(service_settings, store=store, poll=False)) as client,
        hung(store),
    ):
        head = client.head("/readyz")
        assert head.status_code == 503 and head.content == b""


def test_the_schema_lists_each_probe_once(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert sorted(paths["/healthz"]) == ["get"] and sorted(paths["/readyz"]) == ["get"]
