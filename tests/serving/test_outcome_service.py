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


def _triggers(client, lead_id: str) -> list[str]:
    return [h["trigger"] for h in sales_view(client, lead_id)["history"]]


def test_the_same_outcome_sent_again_changes_nothing_and_decides_nothing(client):
    from datetime import UTC, datetime, timedelta

    _executive(client, "rep-1", "192.0.2.63")
    _executive(client, "rep-2", "192.0.2.64")
    rejection = {"sql": False, "rejection_reason": "not_a_fit_size"}
    assert _outcome(client, "rep-1", rejection) == {
        "lead_id": "rep-1",
        "recorded": True,
        "changed": True,
        "decided": 2,
    }
    assert _outcome(client, "rep-1", rejection) == {
        "lead_id": "rep-1",
        "recorded": True,
        "changed": False,
        "decided": 0,
    }
    assert _triggers(client, "rep-2") == ["created", "outcome"]
    # A rep's note on it keeps the day the rejection became known: the hold is where it was.
    noted = _outcome(client, "rep-1", {**rejection, "feedback": "50 staff, we sell to 500+"})
    assert (noted["changed"], noted["decided"]) == (True, 0)
    # Another reason, or another day, is another hold: the account is decided again.
    assert _outcome(client, "rep-1", {**rejection, "rejection_reason": "not_a_fit_type"})["decided"] == 2
    earlier = (datetime.now(UTC) - timedelta(days=3)).isoformat()
    moved = _outcome(client, "rep-1", {**rejection, "rejection_reason": "not_a_fit_type", "at": earlier})
    assert (moved["changed"], moved["decided"]) == (True, 2)
    assert _outcome(client, "rep-1", {**rejection, "rejection_reason": "not_a_fit_type", "at": earlier}) == {
        "lead_id": "rep-1",
        "recorded": True,
        "changed": False,
        "decided": 0,
    }
    assert _triggers(client, "rep-2") == ["created", "outcome", "outcome", "outcome"]
