"""Lists and suppressions through the API on a real store (SQLite and PostgreSQL), with the session's champion."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from leadgate.features.schema import parse_lead
from leadgate.serving.store_models import ListAuditRow, ListEntryRow, SuppressionRow
from tests.factories import events, lead_dict
from tests.serving.conftest import auth

MARIA = {"first_name": "Maria", "last_name": "Keller", "email": "maria.keller@nordwerk.de"}
NOW = datetime.now(UTC)


def _ago(hours: float) -> str:
    # The service decides as of now: activity is placed in the last days so it counts as recent.
    return (NOW - timedelta(hours=hours)).isoformat()


JONAS = {"first_name": "Jonas", "last_name": "Brandt", "email": "jonas.brandt@nordwerk.de"}


def _post(client, lead):
    response = client.post("/v1/leads", json=lead, headers=auth("intake"))
    assert response.status_code == 201, response.text
    return response


def _decision(client, lead_id):
    return client.get(f"/v1/leads/{lead_id}/decision", headers=auth("sales")).json()


def _rows(client, table) -> int:
    with client.app.state.store.engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(table))


def test_a_competitor_added_by_api_is_gated_at_the_next_lead_without_a_restart(client):
    _post(client, lead_dict(lead_id="before", contact={"email": "kim@rivalhq.com"}))
    assert "competitor_domain" not in [g["code"] for g in _decision(client, "before")["gates"]]
    added = client.post(
        "/v1/lists/competitor_domains",
        json={"value": "RivalHQ.com", "why": "they bid against us on Acme"},
        headers=auth("admin"),
    )
    assert added.status_code == 201 and added.json()["value"] == "rivalhq.com"
    _post(client, lead_dict(lead_id="after", contact={"email": "kim@rivalhq.com"}))
    after = _decision(client, "after")
    assert after["route"] == "silent_reject" and after["control"] == "disqualification"
    assert after["lists_version"] == added.json()["lists_version"]
    shown = client.get("/v1/lists/competitor_domains", headers=auth("sales")).json()
    assert {"value": "rivalhq.com", "source": "store"}.items() <= shown["entries"][-1].items()
    assert (
        shown["audit"][0]["who"] == "test-admin" and shown["audit"][0]["why"] == "they bid against us on Acme"
    )
    removed = client.delete(
        "/v1/lists/competitor_domains",
        params={"value": "rivalhq.com", "why": "mistaken"},
        headers=auth("admin"),
    )
    assert removed.status_code == 200 and removed.json()["action"] == "remove"
    _post(client, lead_dict(lead_id="again", contact={"email": "kim@rivalhq.com"}))
    assert "competitor_domain" not in [g["code"] for g in _decision(client, "again")["gates"]]


def test_a_do_not_engage_entry_pasted_as_the_companys_site_stops_its_next_lead(client):
    added = client.post(
        "/v1/lists/do_not_engage",
        json={"value": "WWW.Crestscalesystems.com.", "why": "legal"},
        headers=auth("admin"),
    )
    assert added.status_code == 201 and added.json()["value"] == "crestscalesystems.com"
    bob = {"first_name": "Bob", "last_name": "Stone", "email": "bob@crestscalesystems.com"}
    _post(client, lead_dict(lead_id="bob", contact=bob, company={"website": "www.crestscalesystems.com"}))
    bob_now = _decision(client, "bob")
    assert bob_now["route"] == "silent_reject" and "do_not_engage" in [g["code"] for g in bob_now["gates"]]
    removed = client.delete(
        "/v1/lists/do_not_engage",
        params={"value": "www.crestscalesystems.com", "why": "legal hold over"},
        headers=auth("admin"),
    )
    assert removed.status_code == 200 and removed.json()["value"] == "crestscalesystems.com"
    subdomain = client.post(
        "/v1/lists/do_not_engage",
        json={"value": "eu.crestscalesystems.com", "why": "x"},
        headers=auth("admin"),
    )
    assert (
        subdomain.status_code == 422 and "did you mean crestscalesystems.com?" in subdomain.json()["detail"]
    )


def test_bad_list_changes_are_refused_in_words_and_nothing_is_stored(client):
    cases = [
        ("/v1/lists/competitor_networks", {"value": "203.0.113.7/24", "why": "office"}, 422, "did you mean"),
        ("/v1/lists/competitor_networks", {"value": "203.0.113.0/24", "why": "  "}, 422, "reason"),
        ("/v1/lists/competitor_networks", {"value": "203.0.113.0/24", "why": ""}, 422, "why"),
        ("/v1/lists/competitors", {"value": "rival.com", "why": "x"}, 422, "competitor_domains"),
        ("/v1/lists/do_not_engage", {"value": "blocked-customer.com", "why": "x"}, 409, "policy file"),
        # One of these would hold every lead writing from it (the do-not-engage gate matches the email domain).
        ("/v1/lists/do_not_engage", {"value": "www.gmail.com", "why": "x"}, 422, "free email domain"),
        ("/v1/lists/previously_rejected", {"value": "co.uk", "why": "x"}, 422, "public suffix"),
        ("/v1/lists/employee_domains", {"value": "mailinator.com", "why": "x"}, 422, "disposable"),
        # As would a network broader than one company's: every lead's address is in 0.0.0.0/0.
        ("/v1/lists/competitor_networks", {"value": "0.0.0.0/0", "why": "x"}, 422, "every IPv4 address"),
        ("/v1/lists/competitor_networks", {"value": "::/0", "why": "x"}, 422, "every IPv6 address"),
        ("/v1/lists/competitor_networks", {"value": "64.0.0.0/2", "why": "x"}, 422, "1/4 of all IPv4"),
        ("/v1/lists/competitor_networks", {"value": "2000::/3", "why": "x"}, 422, "would hold every lead"),
    ]
    for path, body, code, words in cases:
        response = client.post(path, json=body, headers=auth("admin"))
        assert response.status_code == code, (body, response.text)
        assert words in str(response.json()["detail"]), response.json()
    missing = client.delete(
        "/v1/lists/do_not_engage", params={"value": "nowhere.com", "why": "x"}, headers=auth("admin")
    )
    assert missing.status_code == 404 and "not on do_not_engage" in missing.json()["detail"]
    sales = client.post(
        "/v1/lists/do_not_engage", json={"value": "acme.com", "why": "x"}, headers=auth("sales")
    )
    assert sales.status_code == 403
    assert _rows(client, ListEntryRow) == 0 and _rows(client, ListAuditRow) == 0


def test_a_competitor_network_added_by_api_catches_a_lead_from_its_addresses(client):
    added = client.post(
        "/v1/lists/competitor_networks",
        json={"value": "192.0.2.0/24", "why": "RivalHQ office egress"},
        headers=auth("admin"),
    )
    assert added.status_code == 201
    _post(client, lead_dict(lead_id="net", source={"ip": "192.0.2.23"}))
    gate = next(g for g in _decision(client, "net")["gates"] if g["code"] == "competitor_network")
    assert "192.0.2.23" in gate["reason"]


def test_the_unsubscribed_contacts_colleague_requesting_a_demo_goes_on_normally(client):
    """Maria at a target account unsubscribes; Jonas, her colleague, requests a demo."""
    _post(client, lead_dict(lead_id="maria", contact=MARIA))
    unsubscribe = {"events": events(("unsubscribe", _ago(48)))}
    assert client.post("/v1/leads/maria/events", json=unsubscribe, headers=auth("intake")).status_code == 200
    maria = _decision(client, "maria")
    assert maria["suppressed"] == ["marketing_email"] and maria["control"] != "suppression"
    [record] = maria["suppressions"]
    assert (
        record["id"] is not None and record["source"] == "event:unsubscribe" and record["status"] == "active"
    )
    assert (
        maria["history"][-1]["suppressed"] == ["marketing_email"] and maria["history"][0]["suppressed"] == []
    )

    jonas_lead = lead_dict(lead_id="jonas", contact=JONAS, events=events(("demo_request", _ago(2))))
    _post(client, jonas_lead)
    jonas = _decision(client, "jonas")
    assert jonas["suppressions"] == [] and jonas["suppressed"] == []
    assert jonas["route"] in ("sales_ready", "verify") and jonas["control"] != "suppression"
    # Jonas's demo request is his: Maria's marketing email stays stopped.
    assert _decision(client, "maria")["suppressed"] == ["marketing_email"]

    # Maria herself books a meeting: her suppression is lifted automatically, and the lift is recorded.
    booked = {"events": events(("meeting_booked", _ago(1)))}
    assert client.post("/v1/leads/maria/events", json=booked, headers=auth("intake")).status_code == 200
    maria = _decision(client, "maria")
    [record] = maria["suppressions"]
    assert record["status"] == "lifted" and record["lifted_by"] == "event:meeting_booked"
    assert maria["suppressed"] == [] and [h["suppressed"] for h in maria["history"]] == [
        [],
        ["marketing_email"],
        [],
    ]
    listed = client.get("/v1/suppressions", params={"subject": MARIA["email"]}, headers=auth("sales")).json()
    assert [s["status"] for s in listed["items"]] == ["lifted"]
    assert _rows(client, SuppressionRow) == 1  # recorded once, lifted in place, never deleted


def test_a_complaint_stops_all_contact_until_sales_lifts_it(client):
    _post(client, lead_dict(lead_id="angry", events=events(("spam_complaint", "2026-11-02T00:00:00Z"))))
    angry = _decision(client, "angry")
    assert (angry["route"], angry["control"], angry["suppressed"]) == (
        "silent_reject",
        "suppression",
        ["all_contact"],
    )
    suppression_id = angry["suppressions"][0]["id"]
    lifted = client.post(
        f"/v1/suppressions/{suppression_id}/lift",
        json={"why": "she called to apologise"},
        headers=auth("sales"),
    )
    assert lifted.status_code == 200 and lifted.json()["lifted_by"] == "test-sales"
    assert lifted.json()["created_by"] == "event"  # her own complaint, as the store records it
    again = client.post(f"/v1/suppressions/{suppression_id}/lift", json={"why": "x"}, headers=auth("sales"))
    assert again.status_code == 409
    assert (
        client.post("/v1/suppressions/999999/lift", json={"why": "x"}, headers=auth("sales")).status_code
        == 404
    )
    assert _decision(client, "angry")["suppressions"][0]["status"] == "lifted"


def test_a_suppression_made_by_sales_acts_on_the_accounts_next_lead(client):
    made = client.post(
        "/v1/suppressions",
        json={"subject": "nordwerk.de", "contact": "all_contact", "reason": "legal hold on the account"},
        headers=auth("sales"),
    )
    assert made.status_code == 201 and made.json()["subject_kind"] == "domain"
    assert made.json()["decided"] == 0  # no lead of the account stored yet
    _post(client, lead_dict(lead_id="held", contact=JONAS))
    held = _decision(client, "held")
    assert held["route"] == "silent_reject" and held["control"] == "suppression"
    # One employee's demo request does not lift the account's hold.
    demo = {"events": events(("demo_request", _ago(1)))}
    assert client.post("/v1/leads/held/events", json=demo, headers=auth("intake")).status_code == 200
    assert _decision(client, "held")["suppressed"] == ["all_contact"]
    # Asked about the person, the list shows the account's hold that stops contact with them too.
    listed = client.get("/v1/suppressions", params={"subject": JONAS["email"]}, headers=auth("sales")).json()
    assert [(s["subject"], s["contact"]) for s in listed["items"]] == [("nordwerk.de", "all_contact")]
    # Who made it is said, as who lifts one is: in its answer, its listing and the lead's decision.
    assert made.json()["created_by"] == listed["items"][0]["created_by"] == "test-sales"
    assert [s["created_by"] for s in _decision(client, "held")["suppressions"]] == ["test-sales"]
    bad = client.post(
        "/v1/suppressions",
        json={"subject": "nordwerk", "contact": "all_contact", "reason": "x"},
        headers=auth("sales"),
    )
    assert bad.status_code == 422 and "email address or a bare domain" in bad.json()["detail"]
    wrong = client.post(
        "/v1/suppressions",
        json={"subject": "a@b.com", "contact": "sms", "reason": "x"},  # no such kind of contact
        headers=auth("sales"),
    )
    assert wrong.status_code == 422
    assert (
        client.post(
            "/v1/suppressions",
            json={"subject": "a@b.com", "contact": "all_contact", "reason": "x"},
            headers=auth("intake"),
        ).status_code
        == 403
    )
    assert _rows(client, SuppressionRow) == 1


def _triggers(view: dict) -> list[tuple[str, str]]:
    return [(h["trigger"], h["route"]) for h in view["history"]]


def test_making_and_lifting_a_suppression_decides_its_stored_leads_again_at_once(client):
    """No lead reads a suppression route without a suppression behind it, nor the other way round."""
    _post(client, lead_dict(lead_id="rep-1", contact={"email": "lena.vogt@nordlicht-tools.de"}))
    _post(
        client,
        lead_dict(
            lead_id="site",
            contact={"email": "ops@gmail.com"},
            company={"website": "https://shop.nordlicht-tools.de"},
        ),
    )
    _post(client, lead_dict(lead_id="other", contact=JONAS))
    automatic = _decision(client, "rep-1")["route"]
    assert automatic != "silent_reject"

    made = client.post(
        "/v1/suppressions",
        json={"subject": "nordlicht-tools.de", "contact": "all_contact", "reason": "legal hold"},
        headers=auth("sales"),
    ).json()
    assert made["decided"] == 2  # rep-1 and site, as the CLI says "2 stored leads decided again"
    for lead_id in ("rep-1", "site"):  # its email's account, or its website's: decided again, no event needed
        held = _decision(client, lead_id)
        assert (held["route"], held["control"], held["suppressed"]) == (
            "silent_reject",
            "suppression",
            ["all_contact"],
        )
        assert held["history"][-1]["trigger"] == "suppression" and held["history"][-1]["suppressed"] == [
            "all_contact"
        ]
    assert len(_decision(client, "other")["history"]) == 1  # another account: untouched

    lifted = client.post(
        f"/v1/suppressions/{made['id']}/lift", json={"why": "hold ended"}, headers=auth("sales")
    )
    assert lifted.status_code == 200, lifted.text
    assert (lifted.json()["status"], lifted.json()["decided"]) == ("lifted", 2)
    rep = _decision(client, "rep-1")
    assert (rep["route"], rep["suppressed"]) == (automatic, [])
    assert rep["control"] != "suppression" and rep["history"][-1]["suppressed"] == []
    assert _triggers(rep) == [
        ("created", automatic),
        ("suppression", "silent_reject"),
        ("suppression_lifted", automatic),
    ]


def test_a_lead_stored_before_the_id_rule_grew_is_decided_again_by_a_suppression(client, store):
    """A stored id with a no-break space (refused on arrival since) neither blocks the suppression nor is skipped."""
    pipeline, at = client.app.state.holder.current().pipeline, datetime.now(UTC)
    clean = lead_dict(lead_id="old-1", contact={"email": "lena.vogt@nordlicht-tools.de"})
    old = {**clean, "lead_id": "old\xa01"}  # stored as an earlier version took it
    store.create(
        lead=old,
        decision=pipeline.decide([parse_lead(clean)], now=at).record(0),
        idempotency_key=None,
        received_at=at,
    )
    made = client.post(
        "/v1/suppressions",
        json={"subject": "nordlicht-tools.de", "contact": "all_contact", "reason": "legal hold"},
        headers=auth("sales"),
    )
    assert made.status_code == 201, made.text
    assert made.json()["decided"] == 1
    assert [(d.trigger, d.route) for d in store.history("old\xa01")][-1] == ("suppression", "silent_reject")


def test_lifting_a_persons_complaint_decides_the_lead_again(client):
    _post(client, lead_dict(lead_id="angry-2", events=events(("spam_complaint", "2026-11-02T00:00:00Z"))))
    suppression_id = _decision(client, "angry-2")["suppressions"][0]["id"]
    lifted = client.post(
        f"/v1/suppressions/{suppression_id}/lift", json={"why": "apology"}, headers=auth("sales")
    )
    assert lifted.status_code == 200
    angry = _decision(client, "angry-2")
    assert (
        angry["route"] != "silent_reject" and angry["control"] != "suppression" and angry["suppressed"] == []
    )
    assert angry["history"][-1]["trigger"] == "suppression_lifted"


def test_the_openapi_schema_declares_how_many_leads_a_suppression_decided_again(client):
    openapi = client.get("/openapi.json").json()
    answers = {
        path: openapi["paths"][path]["post"]["responses"][code]["content"]["application/json"]["schema"]
        for path, code in (("/v1/suppressions", "201"), ("/v1/suppressions/{suppression_id}/lift", "200"))
    }
    assert {schema["$ref"] for schema in answers.values()} == {"#/components/schemas/SuppressionChanged"}
    changed = openapi["components"]["schemas"]["SuppressionChanged"]
    assert "decided" in changed["required"] and changed["properties"]["decided"]["type"] == "integer"


def _metric(client, route: str, trigger: str) -> float:
    text = client.get("/metrics").text
    line = f'leadgate_decisions_total{{route="{route}",trigger="{trigger}"}}'
    return next((float(row.split()[-1]) for row in text.splitlines() if row.startswith(line)), 0.0)


def test_adding_or_removing_a_do_not_engage_account_decides_its_stored_leads_again_at_once(client):
    """As a suppression or an account status does: the recovery "take the account off the list" shows at once."""
    _post(client, lead_dict(lead_id="rep-1", contact={"email": "lena.vogt@nordlicht-tools.de"}))
    _post(
        client,
        lead_dict(
            lead_id="site",
            contact={"email": "ops@gmail.com"},
            company={"website": "https://www.nordlicht-tools.de"},
        ),
    )
    _post(client, lead_dict(lead_id="other", contact=JONAS))
    automatic = _decision(client, "rep-1")["route"]
    assert automatic != "silent_reject"

    added = client.post(
        "/v1/lists/do_not_engage", json={"value": "nordlicht-tools.de", "why": "legal"}, headers=auth("admin")
    )
    assert added.status_code == 201 and added.json()["decided"] == 2, added.text
    for lead_id in ("rep-1", "site"):  # its email's account, or its website's
        view = _decision(client, lead_id)
        assert view["route"] == "silent_reject" and "do_not_engage" in [g["code"] for g in view["gates"]]
        assert _triggers(view)[-1] == ("lists", "silent_reject")
        assert view["lists_version"] == added.json()["lists_version"]
    assert _triggers(_decision(client, "other")) == [("created", _decision(client, "other")["route"])]
    assert _metric(client, "silent_reject", "lists") == 2

    removed = client.delete(
        "/v1/lists/do_not_engage",
        params={"value": "nordlicht-tools.de", "why": "legal hold over"},
        headers=auth("admin"),
    )
    assert removed.status_code == 200 and removed.json()["decided"] == 2, removed.text
    back = _decision(client, "rep-1")
    assert back["route"] == automatic and "do_not_engage" not in [g["code"] for g in back["gates"]]
    assert _triggers(back)[-1] == ("lists", automatic)

    network = client.post(
        "/v1/lists/competitor_networks", json={"value": "192.0.2.0/24", "why": "x"}, headers=auth("admin")
    )
    assert network.json()["decided"] == 0  # stored leads are not kept by network: from the next decision


def test_a_list_change_whose_decisions_fail_stores_nothing(client, monkeypatch):
    from leadgate.serving.redecide import Redecider

    _post(client, lead_dict(lead_id="rep-1", contact={"email": "lena.vogt@nordlicht-tools.de"}))

    def broken(self, leads, received, connection=None):
        raise RuntimeError("model broke")

    monkeypatch.setattr(Redecider, "decide_many", broken)
    with pytest.raises(RuntimeError):
        client.post(
            "/v1/lists/do_not_engage",
            json={"value": "nordlicht-tools.de", "why": "legal"},
            headers=auth("admin"),
        )
    assert _rows(client, ListEntryRow) == 0 and _rows(client, ListAuditRow) == 0
    assert _triggers(_decision(client, "rep-1"))[-1][0] == "created"
