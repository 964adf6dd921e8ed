"""What the endpoints do, as plain functions: decide, store, replay, re-score, read."""

from __future__ import annotations

import dataclasses
import logging
from datetime import UTC, datetime, timedelta

from leadgate.decision.record import DecisionRecord
from leadgate.decision.suppression import state_now, stopped_in
from leadgate.features.schema import Event, Lead, LeadValidationError
from leadgate.serving.feedback_store import verdicts_of
from leadgate.serving.intake import Arrival, Intake
from leadgate.serving.lifecycle_store import outcome_of
from leadgate.serving.live_monitor import LiveMonitor
from leadgate.serving.metrics import ServiceMetrics
from leadgate.serving.model_holder import ModelHolder
from leadgate.serving.public import MESSAGES
from leadgate.serving.rate_limits import EventsCap
from leadgate.serving.redecide import Redecider
from leadgate.serving.reviews import reviews_of
from leadgate.serving.screening import Screening
from leadgate.serving.shadow import ShadowScorer
from leadgate.serving.store import DecisionStore, Stored
from leadgate.serving.stored_times import stored_utc

log = logging.getLogger(__name__)


class LeadNotFound(LookupError):
    """No lead with this id is stored."""


def answer_of(stored: Stored) -> dict:
    """The public answer stored with a decision."""
    return {
        "lead_id": stored.lead_id,
        "next_step": stored.next_step,
        "message": MESSAGES[stored.public_message],
        "review_token": stored.review_token,
    }


def create_lead(
    *,
    lead: Lead,
    idempotency_key: str | None,
    holder: ModelHolder,
    intake: Intake,
    metrics: ServiceMetrics,
    shadow: ShadowScorer | None = None,
    live: LiveMonitor | None = None,
) -> tuple[dict, bool]:
    """Decide and store a new lead; a repeated lead id or key returns the stored answer. (answer, created)

    Once stored, a new lead is counted for live monitoring and queued for the challenger in shadow.
    """
    # Decide first and let the insert detect a repeat: a replay costs one wasted decision, a new lead no query.
    now = datetime.now(UTC)
    current = holder.current()  # one snapshot per request: an alias move never splits a decision
    # A challenger in shadow may read fields the champion does not: they are accepted so it can learn them.
    challenger = shadow.holder.current().pipeline.custom_fields if shadow is not None else ()
    problems = current.pipeline.custom_problems(lead, also=challenger)
    if problems:
        raise LeadValidationError(problems)
    arrival = Arrival(
        current=current,
        # The API decides at arrival: a client-sent scored_at would let the sender move the decision time.
        lead=lead.as_of(now),
        stored_lead=lead.model_dump(mode="json", exclude={"scored_at"}),
        idempotency_key=idempotency_key,
        received_at=now,
    )
    decided = intake.submit(arrival)
    if decided.stored.created:
        try:
            metrics.observe_decision(decided.record, "created")
            loaded = arrival.current.loaded
            metrics.observe_gaps(lead, loaded.model if loaded else None)
            if live is not None:
                live.observe(
                    decided.decisions, decided.index, decided.record, loaded.model if loaded else None
                )
            if shadow is not None:
                shadow.submit(arrival.lead, now)
        except Exception:  # noqa: BLE001 - the lead is stored: its sender gets its answer, not an error
            log.exception("lead %r stored, but counting it for monitoring or shadow failed", lead.lead_id)
    return answer_of(decided.stored), decided.stored.created


MAX_EVENTS = 10_000  # the schema's limit; the oldest activity gives way first


def _event_key(event: dict) -> tuple[str, datetime]:
    return event["type"], stored_utc(datetime.fromisoformat(event["at"]))


def merge_events(stored: dict, events: list[Event]) -> dict:
    """The stored lead with new events appended: exact repeats (same type and instant) dropped, newest kept."""
    known = {_event_key(e) for e in stored.get("events", [])}
    merged = list(stored.get("events", []))
    for event in events:
        item = event.model_dump(mode="json")
        key = _event_key(item)
        if key not in known:
            known.add(key)
            merged.append(item)
    if len(merged) > MAX_EVENTS:
        merged = sorted(merged, key=lambda e: _event_key(e)[1])[-MAX_EVENTS:]
    return {**stored, "events": merged}


def add_events(
    *,
    lead_id: str,
    events: list[Event],
    holder: ModelHolder,
    store: DecisionStore,
    metrics: ServiceMetrics,
    cap: EventsCap | None = None,
    screening: Screening | None = None,
) -> tuple[dict, int]:
    """Append new activity, re-score, and append a decision, all under the lead's lock (and within its cap).

    With `screening`, the store's lists and the lead's suppression records are read first and the
    suppressions the decision creates or lifts are stored after it. Refused with nothing stored, events
    included (ChampionUnloaded), while the champion fails to load and no gate or suppression decides the lead.
    """
    now = datetime.now(UTC)
    decide = Redecider(holder=holder, store=store, screening=screening, now=now)
    try:
        decide.prefetch(lead_id)
        row = store.append_events(
            lead_id=lead_id, merge=lambda stored: merge_events(stored, events), decide=decide, at=now, cap=cap
        )
    except KeyError:
        raise LeadNotFound(lead_id) from None
    decided = decide.decided
    record = decided[-1]
    if row.route is not None and row.route != record.route:  # an override in force set the stored route
        record = dataclasses.replace(record, route=row.route)
    metrics.observe_decision(record, "events")
    if screening is not None and decided[-1].suppressions:
        screening.persist(lead_id, decided[-1].suppressions)
    return answer_of(row), row.seq


URGENCY_WINDOW = timedelta(days=7)


def p_sql_change(history: list, now: datetime, window: timedelta = URGENCY_WINDOW) -> float | None:
    """P(SQL) of the latest decision minus that of the latest decision at or before `now - window`."""
    before = [row for row in history if stored_utc(row.decided_at) <= now - window]
    current = history[-1].p_sql if history else None
    if not before or current is None or before[-1].p_sql is None:
        return None
    return current - before[-1].p_sql


def _suppressions_now(record: DecisionRecord, screening: Screening | None, lead: dict | None) -> list[dict]:
    """Every suppression of the lead's person or account, with its status as of now."""
    found = {s["id"]: s for s in record.suppressions if s["id"] is not None}
    unstored = [s for s in record.suppressions if s["id"] is None]
    if screening is not None and lead is not None:
        # The store's records carry lifts and expiries recorded since the latest decision.
        now = datetime.now(UTC)
        for stored in screening.suppressions([lead])[0]:
            found[stored.id] = state_now(stored, now).to_json()
    # A record this lead's events created is in the decision without an id and in the store with one.
    stored_keys = {_key(s) for s in found.values()}
    unstored = [s for s in unstored if _key(s) not in stored_keys]
    return sorted([*found.values(), *unstored], key=lambda s: s["created_at"])


def _key(suppression: dict) -> tuple:
    created = datetime.fromisoformat(suppression["created_at"])
    return suppression["subject"], suppression["contact"], suppression["source"], stored_utc(created)


def decision_view(
    *, lead_id: str, store: DecisionStore, screening: Screening | None = None, now: datetime | None = None
) -> dict:
    """The latest decision in full with its history, overrides, suppressions, outcome, feedback and reviews."""
    from leadgate.serving.overrides import overrides_of

    history = store.history(lead_id)
    if not history:
        raise LeadNotFound(lead_id)
    latest = history[-1]
    record = DecisionRecord.from_json(latest.record)
    with store.engine.connect() as connection:
        overrides = overrides_of(connection, lead_id)
        said = {
            "outcome": outcome_of(connection, lead_id),
            "feedback": verdicts_of(connection, lead_id),
            "reviews": reviews_of(connection, lead_id),
        }
    suppressions = _suppressions_now(record, screening, store.lead(lead_id) if screening else None)
    return {
        "lead_id": record.lead_id,
        "route": record.route,
        "route_source": record.route_source,
        "control": record.control,
        "automatic_route": (record.override or {}).get("automatic", {}).get("route", record.route),
        "p_sql": record.p_sql,
        "p_sql_change_7d": p_sql_change(history, now or datetime.now(UTC)),
        "band": record.band,
        "gates": [gate.to_json() for gate in record.gates],
        "negative_reasons": [reason.to_json() for reason in record.negative_reasons],
        "positive_reasons": [reason.to_json() for reason in record.positive_reasons],
        "next_step": latest.next_step,
        "model_version": latest.model_version,
        "model_missing": latest.model_missing,
        "policy_version": latest.policy_version,
        "lists_version": record.lists_version,
        "decided_at": stored_utc(latest.decided_at),
        "suppressed": stopped_in(suppressions),
        "suppressions": suppressions,
        "history": [
            {
                "seq": row.seq,
                "trigger": row.trigger,
                "route": row.route,
                "p_sql": row.p_sql,
                "model_version": row.model_version,
                "policy_version": row.policy_version,
                "decided_at": stored_utc(row.decided_at),
                "control": row.record.get("control"),
                "lists_version": row.record.get("lists_version"),
                "suppressed": stopped_in(row.record.get("suppressions", [])),
            }
            for row in history
        ],
        "overrides": overrides,
        "override_held_back": bool((record.override or {}).get("held_back")),
        **said,
    }


def list_leads(
    *,
    store: DecisionStore,
    route: str | None,
    gate: str | None,
    since: datetime | None,
    limit: int,
    offset: int,
) -> dict:
    """A page of leads by their latest decision."""
    rows, total = store.latest(route=route, gate=gate, since=since, limit=limit, offset=offset)
    items = [
        {
            "lead_id": row.lead_id,
            "route": row.route,
            "p_sql": row.p_sql,
            "band": row.band,
            "gates": [gate.code for gate in DecisionRecord.from_json(row.record).gates],
            "decided_at": stored_utc(row.decided_at),
        }
        for row in rows
    ]
    next_offset = offset + len(items) if offset + len(items) < total else None
    return {"items": items, "total": total, "limit": limit, "offset": offset, "next_offset": next_offset}
