"""A bad-fit rejection recorded (API and CLI import) decides its account's stored leads again, on SQLite and
PostgreSQL, so the account's roll-up and its other contacts agree with what sales said at once."""

from __future__ import annotations

from tests.serving.conftest import auth, sales_view
from tests.serving.test_accounts import _account, _executive


def _outcome(client, lead_id: str, body: dict) -> dict:
    response = client.put(f"/v1/leads/{lead_id}/outcome", json=body, headers=auth("sales"))
    assert response.status_code == 200, response.text
    return response.json()


def _metric(client, route: str, trigger: str) -> float:
    line = f'leadgate_decisions_total{{route="{route}",trigger="{trigger}"}}'
    rows = client.get("/metrics").text.splitlines()
    return next((float(row.split()[-1]) for row in rows if row.startswith(line)), 0.0)


def test_a_bad_fit_rejection_holds_the_accounts_other_contacts_and_its_roll_up_at_once(client):
    _executive(client, "exec-1", "192.0.2.61")
    _executive(client, "exec-2", "192.0.2.62")
    assert _account(client, "nordwerk.de").json()["route"] == "sales_ready"

    rejected = _outcome(client, "exec-1", {"sql": False, "rejection_reason": "not_a_fit_size"})
    assert rejected["decided"] == 2, rejected
    other = sales_view(client, "exec-2")
    assert other["route"] != "sales_ready" and other["history"][-1]["trigger"] == "outcome"
    assert "recently_rejected_account" in [g["code"] for g in other["gates"]]
    account = _account(client, "nordwerk.de").json()
    assert account["route"] != "sales_ready", account
    assert _metric(client, other["route"], "outcome") == 2

    # Corrected (sales had the wrong account): the hold ends for its contacts at once too.
    corrected = _outcome(client, "exec-1", {"sql": True})
    assert corrected["decided"] == 2
    assert sales_view(client, "exec-2")["route"] == "sales_ready"
    assert _account(client, "nordwerk.de").json()["route"] == "sales_ready"
    # An outcome that rejects no account as a bad fit decides nothing again.
    assert _outcome(client, "exec-2", {"sql": False, "rejection_reason": "no_budget"})["decided"] == 0
