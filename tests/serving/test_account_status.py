"""An account's status changed over HTTP on SQLite and PostgreSQL: merged, strict, audited, and its stored
leads decided again in the same transaction."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from leadgate.serving.store_models import AccountStatusAuditRow, AccountStatusRow
from tests.serving.conftest import auth, sales_view
from tests.serving.test_accounts import _account, _executive, _post


def _put(client, domain: str, body) -> dict:
    response = client.put(f"/v1/accounts/{domain}/status", json=body, headers=auth("sales"))
    assert response.status_code == 200, response.text
    return response.json()


def _sales_ready(client) -> set[str]:
    page = client.get("/v1/leads", params={"route": "sales_ready"}, headers=auth("sales")).json()
    return {item["lead_id"] for item in page["items"]}


def _triggers(client, lead_id: str) -> list[tuple[str, str]]:
    return [(h["trigger"], h["route"]) for h in sales_view(client, lead_id)["history"]]


def _rows(client, table) -> int:
    with client.app.state.store.engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(table))


def test_do_not_engage_decides_the_accounts_stored_leads_again_at_once(client):
    assert _executive(client, "wl-rep-good", "192.0.2.40")["route"] == "sales_ready"
    _post(client, "other-1", contact={"email": "kim@acme-robotics.com"}, source={"ip": "192.0.2.41"})
    assert "wl-rep-good" in _sales_ready(client)

    held = _put(client, "nordwerk.de", {"do_not_engage": True, "note": "legal hold"})
    assert held["decided"] == 1 and held["do_not_engage"] is True
    rep = sales_view(client, "wl-rep-good")
    assert rep["route"] == "silent_reject" and rep["gates"][0]["code"] == "do_not_engage"
    assert _triggers(client, "wl-rep-good") == [
        ("created", "sales_ready"),
        ("account_status", "silent_reject"),
    ]
    assert "wl-rep-good" not in _sales_ready(client)
    assert len(sales_view(client, "other-1")["history"]) == 1  # another account: untouched

    # A note alone changes no gate: nothing is decided again.
    assert _put(client, "nordwerk.de", {"note": "legal hold until March"})["decided"] == 0
    assert len(sales_view(client, "wl-rep-good")["history"]) == 2

    # Any flag the gates read: an escalation caps, and clearing the hold gives the cap back at once.
    assert _put(client, "nordwerk.de", {"do_not_engage": False, "open_escalation": True})["decided"] == 1
    assert sales_view(client, "wl-rep-good")["route"] == "verify"
    assert _put(client, "nordwerk.de", {"open_escalation": False})["decided"] == 1
    assert _triggers(client, "wl-rep-good")[-1] == ("account_status", "sales_ready")
    assert "wl-rep-good" in _sales_ready(client)


def test_fields_left_out_keep_their_value_and_a_false_clears_one(client):
    _put(client, "nordwerk.de", {"do_not_engage": True, "note": "legal asked us"})
    kept = _put(client, "nordwerk.de", {"open_escalation": True})
    assert (kept["do_not_engage"], kept["open_escalation"], kept["note"]) == (True, True, "legal asked us")
    cleared = _put(client, "nordwerk.de", {"open_escalation": False, "note": None})
    assert (cleared["do_not_engage"], cleared["open_escalation"], cleared["note"]) == (True, False, None)
    assert _account(client, "nordwerk.de").json()["route_basis"] == "do_not_engage"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"do_not_engage": "yes"}, "do_not_engage"),
        ({"do_not_engage": 1}, "do_not_engage"),
        ({"open_escalation": "off"}, "open_escalation"),
        ({"churned_non_payment": "true"}, "churned_non_payment"),
        ({"churned_non_payment": None}, "churned_non_payment"),
    ],
)
def test_loose_booleans_are_refused_naming_the_field_and_nothing_is_stored(client, body, field):
    _put(client, "nordwerk.de", {"do_not_engage": True})
    refused = client.put("/v1/accounts/nordwerk.de/status", json=body, headers=auth("sales"))
    assert refused.status_code == 422, refused.text
    assert [e["field"] for e in refused.json()["detail"]] == [field], refused.text
    assert _rows(client, AccountStatusAuditRow) == 1
    assert _account(client, "nordwerk.de").json()["status"]["do_not_engage"] is True


def test_an_empty_body_is_refused_as_nothing_to_change(client):
    _put(client, "nordwerk.de", {"do_not_engage": True})
    empty = client.put("/v1/accounts/nordwerk.de/status", json={}, headers=auth("sales"))
    assert empty.status_code == 422 and "nothing to change" in empty.text, empty.text
    assert _account(client, "nordwerk.de").json()["status"]["do_not_engage"] is True
    assert _rows(client, AccountStatusAuditRow) == 1


def test_every_change_is_audited_with_who_when_and_the_values_before_and_after(client):
    _executive(client, "aud-1", "192.0.2.50")
    _put(client, "nordwerk.de", {"do_not_engage": True, "note": "legal"})
    _put(client, "nordwerk.de", {"open_escalation": True})
    account = _account(client, "nordwerk.de").json()
    assert account["status"]["updated_by"] == "test-sales"
    newest, first = account["status_changes"]
    assert first["before"] is None and first["changed"] == ["do_not_engage", "note"]
    assert first["after"] == {
        "do_not_engage": True,
        "churned_non_payment": False,
        "open_escalation": False,
        "note": "legal",
    }
    assert (first["decided"], first["changed_by"]) == (1, "test-sales")
    assert newest["before"] == first["after"] and newest["changed"] == ["open_escalation"]
    assert newest["after"]["do_not_engage"] is True and newest["changed_at"] >= first["changed_at"]


def test_a_change_whose_decisions_fail_stores_nothing(client, monkeypatch):
    from leadgate.serving.redecide import Redecider

    _executive(client, "atom-1", "192.0.2.60")

    def failing(self, leads, received, connection=None):
        raise RuntimeError("decision failed")

    monkeypatch.setattr(Redecider, "decide_many", failing)
    with pytest.raises(RuntimeError):
        client.put("/v1/accounts/nordwerk.de/status", json={"do_not_engage": True}, headers=auth("sales"))
    assert (_rows(client, AccountStatusRow), _rows(client, AccountStatusAuditRow)) == (0, 0)
    assert sales_view(client, "atom-1")["route"] == "sales_ready"


def test_while_the_champion_fails_to_load_a_change_is_refused_with_nothing_stored(client):
    """Lifting the flag would leave the leads to the model, whose route the gates alone cannot give: the change
    waits for the champion (setting it goes through: a gate decides the leads whether or not it loads)."""
    from leadgate.decision.pipeline import DecisionPipeline
    from leadgate.serving.model_holder import LOAD_FAILED, Current

    _executive(client, "gates-1", "192.0.2.70")
    flagged = client.put(
        "/v1/accounts/nordwerk.de/status", json={"do_not_engage": True}, headers=auth("sales")
    )
    assert flagged.status_code == 200, flagged.text
    rows = (_rows(client, AccountStatusRow), _rows(client, AccountStatusAuditRow))
    held = sales_view(client, "gates-1")
    holder = client.app.state.holder
    serving = holder.current()
    gates_only = DecisionPipeline(serving.pipeline.policy, None)
    holder._current = Current(gates_only, None, f"{LOAD_FAILED}: artifact missing")
    refused = client.put(
        "/v1/accounts/nordwerk.de/status", json={"do_not_engage": False}, headers=auth("sales")
    )
    assert refused.status_code == 503 and "nothing was stored" in refused.json()["detail"], refused.text
    assert (_rows(client, AccountStatusRow), _rows(client, AccountStatusAuditRow)) == rows
    rep = sales_view(client, "gates-1")
    assert (rep["route"], len(rep["history"])) == (held["route"], len(held["history"]))
