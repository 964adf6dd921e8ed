"""The API with a champion that declares custom fields: accepted as declared, refused otherwise, on both stores."""

from __future__ import annotations

import pytest

from tests.serving.conftest import KEYS, auth
from tests.training.export_shapes import SHOP_MAPPING, register_shop_models


def _registered(folder, mappings: list[str]):
    """A data folder with one model per mapping: the first champion, the next challenger; the test keys."""
    return _with_keys(register_shop_models(folder, mappings))


def _with_keys(settings):
    from leadgate.serving.auth import hash_key
    from leadgate.settings import ApiKey

    keys = [ApiKey(name=f"t-{role}", role=role, sha256=hash_key(key)) for role, key in KEYS.items()]
    return settings.model_copy(update={"api_keys": keys, "model_poll_seconds": 3600})


@pytest.fixture(scope="module")
def shop_settings(shop_registered):
    """A data folder whose champion was trained on the shop export (six custom fields)."""
    return _with_keys(shop_registered)


@pytest.fixture
def shop_client(shop_settings, store):
    from fastapi.testclient import TestClient

    from leadgate.serving.app import create_app

    with TestClient(create_app(shop_settings, store=store, poll=False)) as client:
        yield client


def _lead(lead_id: str, **custom) -> dict:
    return {"lead_id": lead_id, "created_at": "2026-11-20T10:00:00Z", "custom": custom}


def test_declared_custom_fields_are_decided_on_and_explained(shop_client):
    hot = shop_client.post(
        "/v1/leads", json=_lead("c-hot", segment="konzern", budget=True, calls=6), headers=auth("intake")
    )
    cold = shop_client.post(
        "/v1/leads", json=_lead("c-cold", segment="privat", budget=False, calls=0), headers=auth("intake")
    )
    assert hot.status_code == cold.status_code == 201
    decisions = {
        lead_id: shop_client.get(f"/v1/leads/{lead_id}/decision", headers=auth("sales")).json()
        for lead_id in ("c-hot", "c-cold")
    }
    assert decisions["c-hot"]["p_sql"] > decisions["c-cold"]["p_sql"] + 0.3
    against = {r["text"] for r in decisions["c-cold"]["negative_reasons"]}
    assert "Budget allocated: no" in against or "Segment: privat" in against
    # New activity re-decides from the stored lead, whose custom values were kept as sent.
    events = {"events": [{"type": "page_view", "at": "2026-11-20T11:00:00Z"}]}
    assert shop_client.post("/v1/leads/c-hot/events", json=events, headers=auth("intake")).status_code == 200
    again = shop_client.get("/v1/leads/c-hot/decision", headers=auth("sales")).json()
    assert len(again["history"]) == 2 and again["p_sql"] == pytest.approx(
        decisions["c-hot"]["p_sql"], abs=0.05
    )


def _gaps(client) -> dict[str, float]:
    from prometheus_client.parser import text_string_to_metric_families

    text = client.get("/metrics").text
    family = next(
        (f for f in text_string_to_metric_families(text) if f.name == "leadgate_unlearned_gaps"), None
    )
    return (
        {}
        if family is None
        else {s.labels["field"]: s.value for s in family.samples if s.name.endswith("_total")}
    )


def test_a_lead_without_a_field_every_training_lead_had_is_counted_on_metrics(shop_client):
    before = _gaps(shop_client)
    full = {"segment": "konzern", "product_line": "pro", "landing_page": "/lp/a", "budget": True, "calls": 6}
    sent = shop_client.post("/v1/leads", json=_lead("g-1", **full, budget_eur=900.0), headers=auth("intake"))
    assert sent.status_code == 201 and _gaps(shop_client) == before  # nothing missing: nothing counted
    thin = shop_client.post("/v1/leads", json=_lead("g-2", segment="privat"), headers=auth("intake"))
    assert thin.status_code == 201  # accepted and decided: the field is optional, its absence only counted
    after = _gaps(shop_client)
    lacking = {"product_line", "landing_page", "budget", "calls", "budget_eur"}
    assert {name for name in after if after[name] > before.get(name, 0)} == lacking


def test_unknown_or_mistyped_custom_fields_get_422_and_nothing_is_stored(shop_client):
    for lead_id, custom, field, words in (
        ("c-x1", {"colour": "red"}, "custom.colour", "not a custom field of the serving model"),
        ("c-x2", {"calls": "many"}, "custom.calls", "expected a finite integer"),
        ("c-x3", {"budget": "ja"}, "custom.budget", "expected true or false"),
        ("c-x4", {"calls": "3"}, "custom.calls", "expected a finite integer, got '3'"),  # JSON is typed
        ("c-x5", {"budget": 1}, "custom.budget", "expected true or false, got 1"),  # a number is no flag
        ("c-x6", {"calls": True}, "custom.calls", "expected an integer, got true/false"),
        # A category is text: a number is refused, told how to send it.
        (
            "c-x8",
            {"segment": 5},
            "custom.segment",
            'expected text for a category, got 5: send it as text ("5")',
        ),
        # The CRM's own field name: told the names the model takes, as for any field it does not declare.
        (
            "c-x7",
            {"Budget_vorhanden__c": True},
            "custom.Budget_vorhanden__c",
            "not a custom field of the serving model (it declares: budget, ",
        ),
    ):
        response = shop_client.post("/v1/leads", json=_lead(lead_id, **custom), headers=auth("intake"))
        assert response.status_code == 422, response.text
        # Named by its path, as any other bad field: the sender's code can point at the field.
        [problem] = response.json()["detail"]
        assert problem["field"] == field and problem["problem"].startswith(words), problem
        assert shop_client.get(f"/v1/leads/{lead_id}/decision", headers=auth("sales")).status_code == 404


def test_fields_only_the_challenger_declares_are_accepted_so_it_can_learn_them(tmp_path, store):
    from fastapi.testclient import TestClient

    from leadgate.serving.app import create_app

    with_region = SHOP_MAPPING.replace("custom:\n", "custom:\n  region: {column: Land}\n")
    settings = _registered(tmp_path / "data", [SHOP_MAPPING, with_region])
    with TestClient(create_app(settings, store=store, poll=False)) as client:
        accepted = client.post(
            "/v1/leads", json=_lead("c-r1", segment="konzern", region="AT"), headers=auth("intake")
        )
        assert accepted.status_code == 201, accepted.text
        refused = client.post("/v1/leads", json=_lead("c-r2", planet="mars"), headers=auth("intake"))
        assert refused.status_code == 422 and "custom.planet" in refused.text
        # The challenger's fields are listed as its own, not as the serving model's.
        problem = refused.json()["detail"][0]["problem"]
        assert "; the challenger in shadow also: region)" in problem
        assert "region" not in problem.split("; the challenger")[0]
