"""The account roll-up over HTTP on SQLite and PostgreSQL: contacts by company domain, route, score, status."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.factories import lead_dict
from tests.serving.conftest import auth


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _post(client, lead_id: str, **sections) -> dict:
    lead = lead_dict(lead_id=lead_id, **{"scored_at": None, **sections})  # the API decides now
    response = client.post("/v1/leads", json=lead, headers=auth("intake"))
    assert response.status_code == 201, response.text
    return client.get(f"/v1/leads/{lead_id}/decision", headers=auth("sales")).json()


def _account(client, domain: str, **params):
    return client.get(f"/v1/accounts/{domain}", params=params, headers=auth("sales"))


def _stale(client, lead_id: str, title: str, ip: str) -> dict:
    # Arrived months ago, nothing since: what a cold account's contacts look like today.
    long_ago = datetime.now(UTC) - timedelta(days=240)
    return _post(
        client,
        lead_id,
        created_at=_iso(long_ago),
        contact={"email": f"{lead_id}@nordwerk.de", "job_title": title},
        form={"inquiry_type": "content", "message": None},
        source={"ip": ip},
        events=[{"type": "page_view", "at": _iso(long_ago)}],
    )


def _executive(client, lead_id: str, ip: str) -> dict:
    now = datetime.now(UTC)
    return _post(
        client,
        lead_id,
        created_at=_iso(now - timedelta(hours=1)),
        contact={"email": f"{lead_id}@nordwerk.de", "job_title": "CEO"},
        source={"ip": ip},
        events=[{"type": "demo_request", "at": _iso(now - timedelta(minutes=30))}],
    )


def test_a_cold_account_revives_when_a_new_executive_requests_a_demo(client):
    stale = [
        _stale(client, "cold-1", "Marketing Coordinator", "192.0.2.1"),
        _stale(client, "cold-2", "Operations Analyst", "192.0.2.2"),
    ]
    assert {d["route"] for d in stale} <= {"nurture", "self_service"}, [d["route"] for d in stale]
    cold = _account(client, "nordwerk.de").json()
    assert cold["route"] in ("nurture", "self_service") and cold["contacts_total"] == 2
    executive = _executive(client, "ceo-1", "192.0.2.3")
    assert executive["route"] == "sales_ready", executive
    revived = _account(client, "www.NORDWERK.de").json()  # any spelling of the company's site
    assert revived["domain"] == "nordwerk.de"
    assert (revived["route"], revived["route_basis"], revived["best_contact"]) == (
        "sales_ready",
        "best_contact",
        "ceo-1",
    )
    assert revived["score"] > (cold["score"] or 0.0)
    assert [c["lead_id"] for c in revived["contacts"]][0] == "ceo-1" and revived["contacts_total"] == 3


def test_one_student_or_junior_contact_never_disqualifies_the_account(client):
    good = _post(client, "vp-1", contact={"email": "vp@nordwerk.de"}, source={"ip": "192.0.2.10"})
    before = _account(client, "nordwerk.de").json()
    student = _post(
        client,
        "intern-1",
        contact={"email": "intern@nordwerk.de", "job_title": "Student intern"},
        source={"ip": "192.0.2.11"},
    )
    assert student["route"] == "self_service" and "student_or_academic" in [
        g["code"] for g in student["gates"]
    ]
    after = _account(client, "nordwerk.de").json()
    assert (after["route"], after["best_contact"]) == (good["route"], "vp-1")
    assert after["score"] == before["score"]  # a rejected contact neither adds nor takes away
    seniority = {c["lead_id"]: c["seniority"] for c in after["contacts"]}
    assert seniority == {"vp-1": "vp", "intern-1": "student"}
    assert [c["gates"] for c in after["contacts"] if c["lead_id"] == "intern-1"] == [["student_or_academic"]]


def test_an_account_do_not_engage_applies_to_all_its_contacts(client):
    _post(client, "dne-1", contact={"email": "vp@nordwerk.de"}, source={"ip": "192.0.2.20"})
    status = {"do_not_engage": True, "note": "asked us to stop"}
    answer = client.put("/v1/accounts/nordwerk.de/status", json=status, headers=auth("sales"))
    assert answer.status_code == 200 and answer.json()["do_not_engage"] is True
    account = _account(client, "nordwerk.de").json()
    assert (account["route"], account["route_basis"]) == ("silent_reject", "do_not_engage")
    assert account["status"]["note"] == "asked us to stop"
    # A new contact on a personal address with the account's website is caught too.
    on_gmail = _post(
        client, "dne-2", contact={"email": "maria.keller@gmail.com"}, source={"ip": "192.0.2.21"}
    )
    assert on_gmail["route"] == "silent_reject" and on_gmail["gates"][0]["code"] == "do_not_engage"
    assert _account(client, "nordwerk.de").json()["contacts_total"] == 2
    # The policy's own list holds an account too, with no status stored.
    _post(client, "dne-3", contact={"email": "a@blocked-customer.com"}, source={"ip": "192.0.2.22"})
    listed = _account(client, "blocked-customer.com").json()
    assert (listed["route"], listed["on_do_not_engage_list"], listed["status"]) == (
        "silent_reject",
        True,
        None,
    )


def test_churn_or_an_escalation_caps_the_account_at_verify(client):
    assert _executive(client, "esc-1", "192.0.2.30")["route"] == "sales_ready"
    client.put("/v1/accounts/nordwerk.de/status", json={"open_escalation": True}, headers=auth("sales"))
    account = _account(client, "nordwerk.de").json()
    assert (account["route"], account["route_basis"]) == ("verify", "open_escalation")
    # Its next contact is capped by the gate itself.
    assert _executive(client, "esc-2", "192.0.2.31")["route"] == "verify"


def test_a_free_email_contact_without_a_website_joins_no_account(client):
    _post(client, "free-1", contact={"email": "kim@gmail.com"}, company={"website": None})
    assert _account(client, "gmail.com").status_code == 422


@pytest.mark.parametrize(
    ("domain", "words"),
    [
        ("not a domain", "is not a company domain"),
        ("localhost", "is not a company domain"),
        ("gmail.com", "free email domain"),
        ("mailinator.com", "disposable email domain"),
    ],
)
def test_bad_domains_are_refused_with_words(client, domain, words):
    for response in (
        _account(client, domain),
        client.put(f"/v1/accounts/{domain}/status", json={}, headers=auth("sales")),
    ):
        assert response.status_code == 422 and words in response.text, response.text


def test_unknown_accounts_bad_bodies_and_roles(client):
    missing = _account(client, "nobody-here.com")
    assert missing.status_code == 404 and "nobody-here.com" in missing.json()["detail"]
    bad = client.put("/v1/accounts/acme.com/status", json={"do_not_engage": "maybe"}, headers=auth("sales"))
    assert bad.status_code == 422 and "do_not_engage" in bad.text
    extra = client.put("/v1/accounts/acme.com/status", json={"vip": True}, headers=auth("sales"))
    assert extra.status_code == 422 and "vip" in extra.text
    nul = client.put("/v1/accounts/acme.com/status", json={"note": "a\u0000b"}, headers=auth("sales"))
    assert nul.status_code == 422 and "NUL" in nul.text
    assert client.get("/v1/accounts/acme.com", headers=auth("intake")).status_code == 403
    assert client.get("/v1/accounts/acme.com").status_code == 401
    assert _account(client, "acme.com", limit=0).status_code == 422
    # A status alone makes the account known: it has no contacts yet.
    client.put("/v1/accounts/acme.com/status", json={"churned_non_payment": True}, headers=auth("sales"))
    known = _account(client, "acme.com").json()
    assert (known["contacts_total"], known["route_basis"], known["score"]) == (0, "no_contacts", None)
