"""The demo's live month records its outcomes as the API and `outcomes import` do, on SQLite and PostgreSQL."""

from __future__ import annotations

from rich.console import Console
from sqlalchemy import select

from leadgate.cli.demo_lifecycle import go_live
from leadgate.serving.store import make_engine
from leadgate.serving.store_models import DecisionRow
from tests.factories import lead_dict


def _record(lead_id: str, ip: str, outcome: dict) -> dict:
    lead = lead_dict(lead_id=lead_id, contact={"email": f"{lead_id}@nordwerk.de", "job_title": "CEO"})
    return {**lead, "source": {**lead["source"], "ip": ip}, "outcome": outcome}


def test_a_bad_fit_rejection_in_the_demo_holds_the_accounts_other_contacts(registered_settings, store_url):
    settings = registered_settings[0].model_copy(update={"database_url": store_url})
    records = [
        _record("exec-1", "192.0.2.61", {"sql": False, "rejection_reason": "not_a_fit_size"}),
        _record("exec-2", "192.0.2.62", {"sql": False, "rejection_reason": None}),
    ]
    console = Console(record=True, width=200)
    go_live(settings, records, console)
    assert "2 stored leads of accounts rejected as a bad fit decided again" in console.export_text()
    engine = make_engine(store_url)
    with engine.connect() as connection:
        rows = connection.execute(
            select(DecisionRow.trigger, DecisionRow.record)
            .where(DecisionRow.lead_id == "exec-2")
            .order_by(DecisionRow.seq)
        ).all()
    # Sales rejected exec-1's account as a bad fit: its other contact is held at once, as in the service.
    assert [trigger for trigger, _ in rows] == ["created", "outcome"]
    assert "recently_rejected_account" in [g["code"] for g in rows[-1].record["gates"]]
    engine.dispose()


def test_one_lead_decided_again_is_said_in_the_singular():
    from leadgate.cli.lifecycle import rejected_accounts_decided

    assert rejected_accounts_decided(1) == "1 stored lead of an account rejected as a bad fit"
    assert rejected_accounts_decided(1200) == "1,200 stored leads of accounts rejected as a bad fit"


def test_the_demo_says_why_lead_age_drifts_from_the_leads_own_decision_times():
    from leadgate.cli.demo_lifecycle import median_decision_delay, staleness_note

    history = [
        {"created_at": "2026-01-01T00:00:00Z", "scored_at": "2026-01-11T00:00:00Z"},
        {"created_at": "2026-01-02T00:00:00Z", "scored_at": "2026-01-22T00:00:00Z"},
        {"created_at": "2026-01-03T00:00:00Z", "scored_at": "2026-02-02T00:00:00Z"},
    ]
    live = [
        {"created_at": "2026-11-01T00:00:00Z", "scored_at": "2026-11-01T12:00:00Z"},
        {"created_at": "2026-11-02T00:00:00Z"},  # no snapshot: decided at creation
    ]
    assert median_decision_delay(history) == 20.0 and median_decision_delay(live) == 0.25
    note = staleness_note(20.0, 0.25)
    assert "decided a median 0.2 days after creation against 20.0 in the training history" in note
    assert staleness_note(12.0, 11.5) is None  # nothing to explain: no note
