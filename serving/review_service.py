"""What the review, override and feedback endpoints do, as plain functions over the store."""

from __future__ import annotations

from datetime import UTC, datetime

from leadgate.decision.record import DecisionRecord
from leadgate.features.schema import parse_lead
from leadgate.serving.metrics import ServiceMetrics
from leadgate.serving.model_holder import ModelHolder
from leadgate.serving.overrides import OverrideSpec, lift_override, set_override
from leadgate.serving.service import LeadNotFound
from leadgate.serving.store import DecisionStore


def _redecide(*, lead_id: str, change, trigger: str, holder: ModelHolder, store: DecisionStore):
    """Make the change and decide the lead again as of now, in one transaction: (stored, automatic record)."""
    now = datetime.now(UTC)
    decided: list[DecisionRecord] = []

    def decide(lead: dict) -> DecisionRecord:
        decided.append(holder.current().pipeline.decide_one(parse_lead(lead), now=now))
        return decided[-1]

    try:
        row = store.redecide(lead_id=lead_id, decide=decide, trigger=trigger, at=now, change=change(now))
    except KeyError:
        raise LeadNotFound(lead_id) from None
    return row, decided[-1]


def override_lead(
    *,
    lead_id: str,
    spec: OverrideSpec,
    holder: ModelHolder,
    store: DecisionStore,
    metrics: ServiceMetrics,
) -> dict:
    """Set the lead's route by hand (lifting any earlier override) and append the decision that applies it."""
    row, automatic = _redecide(
        lead_id=lead_id,
        change=lambda now: set_override(spec, lead_id, now),
        trigger="override",
        holder=holder,
        store=store,
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
) -> dict:
    """Lift the lead's override and append the automatic decision that now holds; NoActiveOverride if none."""
    row, automatic = _redecide(
        lead_id=lead_id,
        change=lambda now: lift_override(lead_id, by, note, now),
        trigger="override_lifted",
        holder=holder,
        store=store,
    )
    metrics.observe_decision(automatic, "override_lifted")
    return {
        "lead_id": lead_id,
        "decision_seq": row.seq,
        "route": automatic.route,
        "control": automatic.control,
        "automatic_route": automatic.route,
    }
