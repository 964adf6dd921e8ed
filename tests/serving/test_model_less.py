"""Leads stored while no model served are decided again once the champion does, on SQLite and PostgreSQL: a
service started with its registry's port closed stores them, the test's own service (champion loaded) decides."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from tests.serving.conftest import auth, sales_view
from tests.serving.test_accounts import _executive, _iso, _post
from tests.serving.test_champion_unloaded import _service, closed_registry


def _deciding(client) -> dict:
    state = client.app.state
    return {"holder": state.holder, "store": state.store, "screening": state.screening}


def _cold_gmail(client, lead_id: str, ip: str) -> dict:
    # A personal address caps the lead at verify; its cold profile puts the model's band below that.
    long_ago = datetime.now(UTC) - timedelta(days=240)
    return _post(
        client,
        lead_id,
        created_at=_iso(long_ago),
        contact={"email": f"{lead_id}@gmail.com", "job_title": "Marketing Coordinator"},
        form={"inquiry_type": "content", "message": None},
        source={"ip": ip},
        events=[{"type": "page_view", "at": _iso(long_ago)}],
    )


def _stored_during_an_outage(client) -> None:
    with _service(client, mlflow_tracking_uri=closed_registry()) as down:
        for n in range(3):
            assert _executive(down, f"ceo-{n}", f"192.0.2.{10 + n}")["route_source"] == "no_model"
        capped = _cold_gmail(down, "gm-1", "192.0.2.20")
        assert (capped["route"], capped["route_source"], capped["p_sql"]) == ("verify", "gate", None)
        rival = _post(down, "rival-1", contact={"email": "ann@pipelineiq.com"}, source={"ip": "192.0.2.21"})
        assert rival["route"] == "silent_reject" and rival["model_missing"]
        # An override is no change of the model's: allowed on a lead a gate decides, and kept after.
        vip = {"route": "sales_ready", "reason_code": "vip", "note": "met at the fair"}
        assert down.post("/v1/leads/rival-1/override", json=vip, headers=auth("sales")).status_code == 201


def test_the_leads_decided_without_a_model_are_decided_again_once_with_the_champion(client):
    from leadgate.serving.model_less import model_less_routes, redecide_model_less

    served = _executive(client, "ceo-served", "192.0.2.30")  # decided by the champion: left alone
    _stored_during_an_outage(client)
    waiting = model_less_routes(client.app.state.store.engine)
    assert waiting == {
        "ceo-0": "verify",
        "ceo-1": "verify",
        "ceo-2": "verify",
        "gm-1": "verify",
        "rival-1": "sales_ready",
    }
    run = redecide_model_less(**_deciding(client), batch=2)  # three transactions
    champion = client.app.state.holder.current().model_version
    assert (run.decided, run.model_version) == (5, champion)
    assert run.routes[("verify", "sales_ready")] == 3 and run.routes[("sales_ready", "sales_ready")] == 1
    assert "5 stored leads decided without a model decided again, by champion" in run.describe()
    assert "verify → sales_ready 3" in run.describe() and "sales_ready unchanged 1" in run.describe()
    for lead_id in ("ceo-0", "ceo-1", "ceo-2"):
        rep = sales_view(client, lead_id)
        assert (rep["route"], rep["route_source"], rep["model_version"]) == ("sales_ready", "model", champion)
        assert [h["trigger"] for h in rep["history"]] == ["created", "model_loaded"]
        assert rep["history"][0]["route"] == "verify" and rep["p_sql"] is not None  # the old one stays
    capped = sales_view(client, "gm-1")
    assert capped["route"] in ("nurture", "self_service") and capped["p_sql"] is not None, capped
    rival = sales_view(client, "rival-1")
    assert (rival["route"], rival["automatic_route"], rival["model_missing"]) == (
        "sales_ready",
        "silent_reject",
        False,
    )
    assert [h["trigger"] for h in sales_view(client, "ceo-served")["history"]] == ["created"]
    assert sales_view(client, "ceo-served")["p_sql"] == served["p_sql"]
    again = redecide_model_less(**_deciding(client))
    assert (again.decided, again.describe()) == (0, "0 stored leads decided without a model decided again")
    assert model_less_routes(client.app.state.store.engine) == {}


def test_two_runs_at_once_decide_each_lead_again_once(client):
    from leadgate.serving.model_less import redecide_model_less

    _stored_during_an_outage(client)
    start = threading.Barrier(2)
    runs = []

    def run() -> None:
        start.wait()
        runs.append(redecide_model_less(**_deciding(client), batch=1))

    workers = [threading.Thread(target=run) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert sum(r.decided for r in runs) == 5 and len(runs) == 2, [r.routes for r in runs]
    for lead_id in ("ceo-0", "ceo-1", "ceo-2", "gm-1", "rival-1"):
        triggers = [h["trigger"] for h in sales_view(client, lead_id)["history"]]
        assert triggers.count("model_loaded") == 1, (lead_id, triggers)


def test_with_no_champion_serving_nothing_is_decided_again(client):
    from leadgate.serving.model_less import NoModel, model_less_routes, redecide_model_less

    _stored_during_an_outage(client)
    refused = pytest.raises(NoModel, match="no champion serves \\(model load failed: MLflow registry")
    with _service(client, mlflow_tracking_uri=closed_registry()) as down, refused:
        redecide_model_less(**_deciding(down))
    assert len(model_less_routes(client.app.state.store.engine)) == 5
    assert [h["trigger"] for h in sales_view(client, "ceo-0")["history"]] == ["created"]
