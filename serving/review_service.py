"""What the review, override and feedback endpoints do, as plain functions over the store."""

from __future__ import annotations

from datetime import UTC, datetime

from leadgate.decision.record import DecisionRecord
from leadgate.serving.metrics import ServiceMetrics
from leadgate.serving.model_holder import ModelHolder
from leadgate.serving.overrides import OverrideSpec, lift_override, set_override
from leadgate.serving.redecide import Redecider
from leadgate.serving.screening import Screening
from leadgate.serving.service import LeadNotFound
from leadgate.serving.store import DecisionStore


class ContactStopped(ValueError):
    """An override asked for while a suppression stops all contact with the lead; nothing was stored."""


def _redecide(
    *,
    lead_id: str,
    change,
    trigger: str,
    holder: ModelHolder,
    store: DecisionStore,
    screening: Screening | None = None,
    refuse_when_stopped: bool = False,
):
    """Make the change and decide the lead again as of now, in one transaction: (stored, automatic record).

    `refuse_when_stopped`: raise ContactStopped, rolling the change back, when all contact is stopped.
    """
    now = datetime.now(UTC)
    redecider = Redecider(holder=holder, store=store, screening=screening, now=now)

    def decide(lead: dict) -> DecisionRecord:
        record = redecider(lead)
        if refuse_when_stopped and record.contact_stopped:
            raise ContactStopped(_stopped_words(lead_id, record))
        return record

    try:
        redecider.prefetch(lead_id)
        row = store.redecide(lead_id=lead_id, decide=decide, trigger=trigger, at=now, change=change(now))
    except KeyError:
        raise LeadNotFound(lead_id) from None
    return row, redecider.decided[-1]


def _stopped_words(lead_id: str, record: DecisionRecord) -> str:
    held = [s for s in record.suppressions if s["status"] == "active" and s["contact"] == "all_contact"]
    named = "; ".join(f"suppression {s['id']} of {s['subject']} ({s['reason']})" for s in held)
    return (
        f"lead {lead_id!r}: all contact is stopped by {named or 'a suppression'}; no override may send it to "
        "anyone while it holds, so none was stored. Lift the suppression first if contact is allowed again"
    )


def override_lead(
    *,
    lead_id: str,
    spec: OverrideSpec,
    holder: ModelHolder,
    store: DecisionStore,
    metrics: ServiceMetrics,
    screening: Screening | None = None,
) -> dict:
    """Set the lead's route by hand (lifting any earlier override) and append the decision that applies it.

    Refused (ContactStopped, nothing stored) while a suppression stops all contact with the lead, and
    (ChampionUnloaded) while the champion fails to load and no gate decides the lead, as is lifting one.
    """
    row, automatic = _redecide(
        lead_id=lead_id,
        change=lambda now: set_override(spec, lead_id, now),
        trigger="override",
        holder=holder,
        store=store,
        screening=screening,
        refuse_when_stopped=True,
    )
    metrics.decisions.labels(route=spec.route, trigger="override").inc()
    return {
        "lead_id": lead_id,
        "decision_seq": row.seq,
        "route": spec.route,
        "control": "override",
        "automatic_route": automatic.route,
    }


def lift_lead_override(
    *,
    lead_id: str,
    by: str,
    note: str | None,
    holder: ModelHolder,
    store: DecisionStore,
    metrics: ServiceMetrics,
    screening: Screening | None = None,
) -> dict:
    """Lift the lead's override and append the automatic decision that now holds; NoActiveOverride if none."""
    row, automatic = _redecide(
        lead_id=lead_id,
        change=lambda now: lift_override(lead_id, by, note, now),
        trigger="override_lifted",
        holder=holder,
        store=store,
        screening=screening,
    )
    metrics.observe_decision(automatic, "override_lifted")
    return {
        "lead_id": lead_id,
        "decision_seq": row.seq,
        "route": automatic.route,
        "control": automatic.control,
        "automatic_route": automatic.route,
    }
