"""A person's change that would decide stored leads again is refused, nothing stored, while the champion does not
load (its registry down): a second service on the same store, started with the registry's port closed."""

from __future__ import annotations

import socket
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.serving.conftest import auth, sales_view
from tests.serving.test_accounts import _executive

REFUSED = "the champion model does not load, and this change would decide 1 stored lead again without it"


def closed_registry() -> str:
    """A PostgreSQL registry URL on a local port nothing listens on: refused at once, as a registry that is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"postgresql+psycopg://leadgate@127.0.0.1:{port}/registry"


def _service(client, **settings) -> TestClient:
    from leadgate.serving.app import create_app

    changed = client.app.state.settings.model_copy(update=settings)
    return TestClient(create_app(changed, store=client.app.state.store, poll=False))


def _count(client, table) -> int:
    with client.app.state.store.engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(table))


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _refused(response) -> None:
    assert response.status_code == 503, response.text
    assert response.json()["detail"].startswith(REFUSED), response.json()
    assert "nothing was stored" in response.json()["detail"]
    assert int(response.headers["Retry-After"]) >= 1


def test_a_change_leaving_a_stored_lead_to_the_model_is_refused_while_the_registry_is_down(client):
    from leadgate.serving.store_models import DecisionRow, OutcomeRow, SuppressionRow

    assert _executive(client, "up-1", "192.0.2.80")["route"] == "sales_ready"
    stored = [_count(client, table) for table in (DecisionRow, SuppressionRow, OutcomeRow)]
    with _service(client, mlflow_tracking_uri=closed_registry()) as down:
        assert down.get("/readyz").json()["model"] == "missing"
        # A marketing-email stop does not gate the lead: the gates alone would store it as verify, unscored.
        hold = {"subject": "up-1@nordwerk.de", "contact": "marketing_email", "reason": "asked by phone"}
        _refused(down.post("/v1/suppressions", json=hold, headers=auth("sales")))
        # A change that bears on no stored lead needs no decision: it is stored.
        other = {**hold, "subject": "someone@elsewhere-gmbh.de"}
        made = down.post("/v1/suppressions", json=other, headers=auth("sales"))
        assert made.status_code == 201 and made.json()["decided"] == 0, made.text
    assert [_count(client, t) for t in (DecisionRow, SuppressionRow, OutcomeRow)] == [
        stored[0],
        stored[1] + 1,
        stored[2],
    ]
    rep = sales_view(client, "up-1")
    assert (rep["route"], [h["trigger"] for h in rep["history"]]) == ("sales_ready", ["created"])


def test_a_change_whose_leads_a_gate_decides_goes_through_while_the_registry_is_down(client):
    # Review 27: a legal hold or a do-not-engage entry must not wait for the registry: a gate decides its
    # leads whether or not the champion loads, so the gates alone decide them as the champion would.
    assert _executive(client, "up-2", "192.0.2.81")["route"] == "sales_ready"
    with _service(client, mlflow_tracking_uri=closed_registry()) as down:
        status = {"do_not_engage": True}
        changed = down.put("/v1/accounts/nordwerk.de/status", json=status, headers=auth("sales"))
        assert changed.status_code == 200 and changed.json()["decided"] >= 1, changed.text
        legal = {"subject": "nordwerk.de", "contact": "all_contact", "reason": "legal hold"}
        held = down.post("/v1/suppressions", json=legal, headers=auth("sales"))
        assert held.status_code == 201 and held.json()["decided"] >= 1, held.text
    rep = sales_view(client, "up-2")
    assert rep["route"] == "silent_reject" and rep["history"][-1]["trigger"] == "suppression", rep


def test_with_no_model_registered_at_all_the_gates_alone_decide_again(client, tmp_path):
    _executive(client, "none-1", "192.0.2.81")
    # A data folder with no registry in it: a gates-only setup, nothing failed to load.
    with _service(client, data_dir=tmp_path / "no-models", mlflow_tracking_uri=None) as gates:
        hold = {"subject": "nordwerk.de", "contact": "all_contact", "reason": "legal hold"}
        made = gates.post("/v1/suppressions", json=hold, headers=auth("sales"))
    assert made.status_code == 201 and made.json()["decided"] == 1, made.text
    rep = sales_view(client, "none-1")
    assert (rep["route"], rep["model_version"]) == ("silent_reject", None)


def test_events_and_overrides_on_a_lead_left_to_the_model_are_refused_while_the_registry_is_down(client):
    # One rule for every re-decision (serving/redecide.py): one lead's events or override are refused as a
    # suppression's many leads are, not decided by the gates alone.
    from leadgate.serving.store_models import DecisionRow, OverrideRow, SuppressionRow

    assert _executive(client, "up-3", "192.0.2.82")["route"] == "sales_ready"
    lead_before = client.app.state.store.lead("up-3")
    stored = [_count(client, table) for table in (DecisionRow, OverrideRow, SuppressionRow)]
    reply = {
        "events": [
            {"type": "email_reply", "at": _now()},
            {"type": "unsubscribe", "at": _now()},
        ]
    }
    vip = {"route": "sales_ready", "reason_code": "vip", "note": "board referral"}
    with _service(client, mlflow_tracking_uri=closed_registry()) as down:
        _refused(down.post("/v1/leads/up-3/events", json=reply, headers=auth("intake")))
        _refused(down.post("/v1/leads/up-3/override", json=vip, headers=auth("sales")))
    assert [_count(client, t) for t in (DecisionRow, OverrideRow, SuppressionRow)] == stored
    assert client.app.state.store.lead("up-3") == lead_before  # the events were not merged either
    # An override set while the champion loads is lifted only once it loads again.
    assert client.post("/v1/leads/up-3/override", json=vip, headers=auth("sales")).status_code == 201
    with _service(client, mlflow_tracking_uri=closed_registry()) as down:
        _refused(down.delete("/v1/leads/up-3/override", headers=auth("sales")))
    rep = sales_view(client, "up-3")
    assert [h["trigger"] for h in rep["history"]] == ["created", "override"], rep["history"]
    assert rep["overrides"][-1]["lifted_at"] is None


def test_events_on_a_lead_a_gate_decides_go_through_while_the_registry_is_down(client):
    # A spam complaint stops all contact: the lead is silent_reject whatever the model says, so no wait.
    assert _executive(client, "up-4", "192.0.2.83")["route"] == "sales_ready"
    spam = {"events": [{"type": "spam_complaint", "at": _now()}]}
    with _service(client, mlflow_tracking_uri=closed_registry()) as down:
        posted = down.post("/v1/leads/up-4/events", json=spam, headers=auth("intake"))
        assert posted.status_code == 200, posted.text
    rep = sales_view(client, "up-4")
    assert (rep["route"], rep["route_source"], rep["model_missing"]) == ("silent_reject", "suppression", True)
