"""Overrides against suppressions through the API on a real store (SQLite and PostgreSQL): compliance wins."""

from __future__ import annotations

from tests.factories import lead_dict
from tests.serving.conftest import auth, sales_view

NORDLICHT = {"email": "lena.vogt@nordlicht-tools.de"}
TINY = {"employees": 3, "website": "https://nordlicht-tools.de"}  # the size gate sends it to self-service
VIP = {"route": "sales_ready", "reason_code": "vip"}
HOLD = {"subject": "nordlicht-tools.de", "contact": "all_contact", "reason": "legal hold"}


def _create(client, lead_id: str) -> dict:
    lead = lead_dict(lead_id=lead_id, contact=NORDLICHT, company=TINY)
    response = client.post("/v1/leads", json=lead, headers=auth("intake"))
    assert response.status_code == 201, response.text
    return response.json()


def _events(client, lead_id: str) -> dict:
    body = {"events": [{"type": "pricing_page", "at": "2026-11-20T10:00:00Z"}]}
    response = client.post(f"/v1/leads/{lead_id}/events", json=body, headers=auth("intake"))
    assert response.status_code == 200, response.text
    return response.json()


def _suppress(client) -> dict:
    made = client.post("/v1/suppressions", json=HOLD, headers=auth("sales"))
    assert made.status_code == 201, made.text
    return made.json()


def test_an_all_contact_suppression_holds_back_an_override_until_it_is_lifted(client):
    _create(client, "rep-1")
    assert client.post("/v1/leads/rep-1/override", json=VIP, headers=auth("sales")).status_code == 201
    hold = _suppress(client)

    answer = _events(client, "rep-1")  # what the person would be told: no call is promised
    assert answer["next_step"] == "thank_you" and "one business day" not in answer["message"]
    view = sales_view(client, "rep-1")
    assert (view["route"], view["control"], view["next_step"]) == (
        "silent_reject",
        "suppression",
        "thank_you",
    )
    assert view["suppressed"] == ["all_contact"] and view["override_held_back"] is True
    [override] = view["overrides"]
    assert override["route"] == "sales_ready" and override["lifted_at"] is None  # kept, in force, held back

    lifted = client.post(
        f"/v1/suppressions/{hold['id']}/lift", json={"why": "hold ended"}, headers=auth("sales")
    )
    assert lifted.status_code == 200, lifted.text
    answer = _events(client, "rep-1")
    assert answer["next_step"] == "sales_call"  # the override acts again
    view = sales_view(client, "rep-1")
    assert (view["route"], view["control"], view["override_held_back"]) == ("sales_ready", "override", False)


def test_an_override_asked_for_while_all_contact_is_stopped_is_refused_and_nothing_stored(client):
    _create(client, "rep-2")
    hold = _suppress(client)
    _events(client, "rep-2")
    before = sales_view(client, "rep-2")

    refused = client.post("/v1/leads/rep-2/override", json=VIP, headers=auth("sales"))
    assert refused.status_code == 409, refused.text
    detail = refused.json()["detail"]
    assert f"suppression {hold['id']}" in detail and "legal hold" in detail
    after = sales_view(client, "rep-2")
    assert after["overrides"] == [] and len(after["history"]) == len(before["history"])
    assert (after["route"], after["control"]) == ("silent_reject", "suppression")
