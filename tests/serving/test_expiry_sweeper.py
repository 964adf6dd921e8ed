"""An expired suppression's stored leads are decided again by the sweep, once, on SQLite and PostgreSQL."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from leadgate.serving.store_models import SuppressionRow
from tests.factories import lead_dict
from tests.serving.conftest import auth

REP = {"first_name": "Lena", "last_name": "Vogt", "email": "lena.vogt@nordlicht-tools.de"}


def _decision(client, lead_id):
    return client.get(f"/v1/leads/{lead_id}/decision", headers=auth("sales")).json()


def _hold(client, **extra) -> dict:
    made = client.post(
        "/v1/suppressions",
        json={"subject": "nordlicht-tools.de", "contact": "all_contact", "reason": "legal hold", **extra},
        headers=auth("sales"),
    )
    assert made.status_code == 201, made.text
    return made.json()


def _expire(client, suppression_id: int) -> None:
    # The hold's end is set into the past in the store itself, as if its time had come.
    with client.app.state.store.engine.begin() as connection:
        connection.execute(
            update(SuppressionRow)
            .where(SuppressionRow.id == suppression_id)
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )


def test_an_expired_hold_gives_its_leads_their_own_route_back_once(client, caplog):
    response = client.post("/v1/leads", json=lead_dict(lead_id="rep-1", contact=REP), headers=auth("intake"))
    assert response.status_code == 201, response.text
    own_route = _decision(client, "rep-1")["route"]
    assert own_route != "silent_reject"
    hold = _hold(client, expires_at=(datetime.now(UTC) + timedelta(days=30)).isoformat())
    sweeper = client.app.state.expiries
    assert sweeper.run_once() == 0  # not expired yet: nothing is decided again
    assert _decision(client, "rep-1")["route"] == "silent_reject"

    _expire(client, hold["id"])
    with caplog.at_level(logging.INFO, logger="leadgate.serving.expiry_sweeper"):
        assert sweeper.run_once() == 1
    assert (
        f"suppression {hold['id']} of nordlicht-tools.de expired: 1 stored lead decided again" in caplog.text
    )
    rep = _decision(client, "rep-1")
    assert (rep["route"], rep["suppressed"], rep["control"]) == (own_route, [], rep["control"])
    assert rep["control"] != "suppression"
    assert [h["trigger"] for h in rep["history"]] == ["created", "suppression", "suppression_expired"]
    assert [s["status"] for s in rep["suppressions"]] == ["expired"]
    # Settled once: the next sweeps (any worker's) decide nothing again.
    assert sweeper.run_once() == 0
    assert len(_decision(client, "rep-1")["history"]) == 3


def test_a_lifted_hold_that_later_passes_its_expiry_is_not_decided_again(client):
    client.post("/v1/leads", json=lead_dict(lead_id="rep-2", contact=REP), headers=auth("intake"))
    hold = _hold(client, expires_at=(datetime.now(UTC) + timedelta(days=30)).isoformat())
    lifted = client.post(f"/v1/suppressions/{hold['id']}/lift", json={"why": "ended"}, headers=auth("sales"))
    assert lifted.status_code == 200, lifted.text
    _expire(client, hold["id"])
    assert client.app.state.expiries.run_once() == 0
    triggers = [h["trigger"] for h in _decision(client, "rep-2")["history"]]
    assert triggers == ["created", "suppression", "suppression_lifted"]


def test_a_hold_without_an_expiry_is_never_swept(client):
    client.post("/v1/leads", json=lead_dict(lead_id="rep-3", contact=REP), headers=auth("intake"))
    _hold(client)
    assert client.app.state.expiries.run_once() == 0
    assert _decision(client, "rep-3")["route"] == "silent_reject"


def test_two_holds_expiring_together_decide_their_lead_again_once(client):
    client.post("/v1/leads", json=lead_dict(lead_id="rep-4", contact=REP), headers=auth("intake"))
    later = (datetime.now(UTC) + timedelta(days=30)).isoformat()
    account = _hold(client, expires_at=later)
    person = client.post(
        "/v1/suppressions",
        json={"subject": REP["email"], "contact": "all_contact", "reason": "asked", "expires_at": later},
        headers=auth("sales"),
    ).json()
    _expire(client, account["id"])
    _expire(client, person["id"])
    assert client.app.state.expiries.run_once() == 2
    triggers = [h["trigger"] for h in _decision(client, "rep-4")["history"]]
    assert triggers == ["created", "suppression", "suppression", "suppression_expired"]


def test_no_expiry_is_settled_while_the_champion_fails_to_load(client):
    from leadgate.serving.model_holder import LOAD_FAILED, Current

    client.post("/v1/leads", json=lead_dict(lead_id="rep-5", contact=REP), headers=auth("intake"))
    hold = _hold(client, expires_at=(datetime.now(UTC) + timedelta(days=30)).isoformat())
    _expire(client, hold["id"])
    holder = client.app.state.holder
    serving = holder.current()
    holder._current = Current(serving.pipeline, None, f"{LOAD_FAILED}: artifact missing")
    assert client.app.state.expiries.run_once() == 0  # gates-only decisions would stand in for the model's
    assert _decision(client, "rep-5")["history"][-1]["trigger"] == "suppression"
    holder._current = serving
    assert client.app.state.expiries.run_once() == 1
