"""A do-not-call request through the API on a real store (SQLite and PostgreSQL): no call, the route kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from leadgate.serving.public import MESSAGES
from leadgate.serving.store_models import SuppressionRow
from tests.factories import lead_dict
from tests.serving.conftest import auth, sales_view

NOW = datetime.now(UTC)


def _ago(minutes: float) -> str:
    return (NOW - timedelta(minutes=minutes)).isoformat()


def _executive(client, lead_id: str, ip: str, *events: dict) -> dict:
    """An executive's demo request, which the session's model sends to sales: the public answer."""
    lead = lead_dict(
        lead_id=lead_id,
        scored_at=None,  # the API decides now
        created_at=_ago(60),
        contact={"email": f"{lead_id}@nordwerk.de", "job_title": "CEO"},
        source={"ip": ip},
        events=[{"type": "demo_request", "at": _ago(30)}, *events],
    )
    response = client.post("/v1/leads", json=lead, headers=auth("intake"))
    assert response.status_code == 201, response.text
    return response.json()


def _triggers(view: dict) -> list[tuple[str, str, list[str]]]:
    return [(h["trigger"], h["route"], h["suppressed"]) for h in view["history"]]


def test_a_do_not_call_event_stops_calls_but_not_the_route_and_only_sales_lifts_it(client):
    answer = _executive(client, "dnc-1", "192.0.2.90", {"type": "do_not_call", "at": _ago(45)})
    # What the person is told: an email, not a call.
    assert (answer["next_step"], answer["message"]) == ("sales_email", MESSAGES["sales_email"])
    view = sales_view(client, "dnc-1")
    assert (view["route"], view["next_step"], view["suppressed"]) == ("sales_ready", "sales_email", ["phone"])
    assert view["control"] == "none" and view["gates"] == []  # it says nothing about fit
    [record] = view["suppressions"]
    assert (record["contact"], record["source"], record["status"]) == ("phone", "event:do_not_call", "active")
    assert record["id"] is not None

    # Her demo request asks for contact, not for calls: the do-not-call request stays.
    more = {"events": [{"type": "meeting_booked", "at": _ago(5)}]}
    again = client.post("/v1/leads/dnc-1/events", json=more, headers=auth("intake"))
    assert again.status_code == 200 and again.json()["next_step"] == "sales_email"
    assert sales_view(client, "dnc-1")["suppressions"][0]["status"] == "active"
    listed = client.get("/v1/suppressions", params={"contact": "phone"}, headers=auth("sales")).json()
    assert [(s["id"], s["subject"]) for s in listed["items"]] == [(record["id"], "dnc-1@nordwerk.de")]

    lifted = client.post(
        f"/v1/suppressions/{record['id']}/lift",
        json={"why": "she asked us to call her, in writing"},
        headers=auth("sales"),
    )
    assert lifted.status_code == 200, lifted.text
    assert (lifted.json()["contact"], lifted.json()["decided"]) == ("phone", 1)
    view = sales_view(client, "dnc-1")
    assert (view["route"], view["next_step"], view["suppressed"]) == ("sales_ready", "sales_call", [])
    assert _triggers(view)[-1] == ("suppression_lifted", "sales_ready", [])
    with client.app.state.store.engine.connect() as connection:
        rows = connection.execute(select(SuppressionRow.contact, SuppressionRow.lifted_by)).all()
    assert [tuple(row) for row in rows] == [("phone", "test-sales")]  # recorded once, lifted in place


def test_a_phone_suppression_made_by_sales_on_an_account_decides_its_stored_leads_again(client):
    assert _executive(client, "dnc-2", "192.0.2.91")["next_step"] == "sales_call"
    made = client.post(
        "/v1/suppressions",
        json={"subject": "nordwerk.de", "contact": "phone", "reason": "on the national do-not-call registry"},
        headers=auth("sales"),
    )
    assert made.status_code == 201, made.text
    assert (made.json()["contact"], made.json()["decided"]) == ("phone", 1)
    view = sales_view(client, "dnc-2")
    assert (view["route"], view["next_step"], view["suppressed"]) == ("sales_ready", "sales_email", ["phone"])
    assert _triggers(view) == [("created", "sales_ready", []), ("suppression", "sales_ready", ["phone"])]
    # Who picks the account's contact to call reads it there too.
    account = client.get("/v1/accounts/nordwerk.de", headers=auth("sales")).json()
    assert (account["route"], account["best_contact"]) == ("sales_ready", "dnc-2")
    [contact] = account["contacts"]
    assert (contact["next_step"], contact["suppressed"]) == ("sales_email", ["phone"])
    # An override to sales keeps it: the route is sales', the step still no call.
    tiny = lead_dict(
        lead_id="dnc-3",
        contact={"email": "lena@nordwerk.de"},
        company={"employees": 3, "website": "https://nordwerk.de"},
    )
    assert client.post("/v1/leads", json=tiny, headers=auth("intake")).status_code == 201
    vip = {"route": "sales_ready", "reason_code": "vip"}
    assert client.post("/v1/leads/dnc-3/override", json=vip, headers=auth("sales")).status_code == 201
    view = sales_view(client, "dnc-3")
    assert (view["route"], view["control"], view["next_step"]) == ("sales_ready", "override", "sales_email")
    assert view["override_held_back"] is False and view["suppressed"] == ["phone"]
