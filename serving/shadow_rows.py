"""How the challenger decides leads in shadow: one function the live scorer and the catch-up both call."""

from __future__ import annotations

import logging
import time
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from leadgate.decision.history_facts import HistoryFacts
from leadgate.decision.record import DecisionRecord
from leadgate.features.schema import Lead
from leadgate.serving.history_store import history_facts, stored_submission, uses_facts

if TYPE_CHECKING:
    from leadgate.serving.model_holder import Current
    from leadgate.serving.screening import Screening

log = logging.getLogger(__name__)


def shadow_rows(
    current: Current, engine: Engine, screening: Screening | None, items: list[tuple[Lead, datetime]]
) -> list[dict]:
    """shadow_decisions rows for (lead, arrival) pairs, each decided as of its arrival; a failure is an error row."""
    started = time.perf_counter()
    # scored_at pins each lead's decision time, so one batch call decides each as of its arrival.
    arrived = [lead.as_of(now) for lead, now in items]
    try:
        pipeline, suppressions = current.pipeline, None
        if screening is not None:
            stored = [lead.model_dump(mode="json") for lead in arrived]
            pipeline, suppressions = screening.read(pipeline, stored)
        outcomes = pipeline.decide_each(
            arrived,
            now=max(now for _, now in items),
            suppressions=suppressions,
            facts=_facts(engine, pipeline, items),
        )
    except Exception as error:  # noqa: BLE001 - whatever the challenger does, the thread goes on
        outcomes = [error] * len(items)
    seconds = (time.perf_counter() - started) / len(items)
    rows = []
    for (lead, now), outcome in zip(items, outcomes, strict=True):
        if isinstance(outcome, Exception):
            # A failing challenger must never touch the live path: its error is only stored.
            error = f"{type(outcome).__name__}: {outcome}"[:500]
            log.warning("challenger %s failed on %s: %s", current.model_version, lead.lead_id, error)
            rows.append(shadow_row(current, lead.lead_id, now, None, error, seconds))
        else:
            rows.append(shadow_row(current, lead.lead_id, now, outcome[2], None, seconds))
    return rows


def shadow_row(
    current: Current,
    lead_id: str,
    now: datetime,
    record: DecisionRecord | None,
    error: str | None,
    seconds: float,
) -> dict:
    """One shadow_decisions row: the challenger's decision of a lead as of `now`, or why it failed."""
    return {
        "lead_id": lead_id,
        "model_version": current.model_version,
        "policy_version": current.pipeline.policy.version,
        "route": record.route if record else None,
        "band": record.band if record else None,
        "p_sql": record.p_sql if record else None,
        "decided_at": now,
        "seconds": seconds,
        "error": error,
        "record": record.to_json() if record else None,
    }


def _facts(engine: Engine, pipeline, items: list[tuple[Lead, datetime]]) -> HistoryFacts | None:
    """What the store counted for each lead, as the champion's decision of it saw it (None: no gate reads it)."""
    if not uses_facts(pipeline.policy):
        return None
    parts = []
    # One lead at a time: a shadow batch spans seconds, and each lead's windows end at its own arrival.
    for lead, now in items:
        submission = stored_submission(engine, lead.lead_id, now)
        if submission is None:  # erased since the champion decided it: nothing left to count
            parts.append(HistoryFacts.empty(1))
        else:
            parts.append(history_facts(engine, [submission], pipeline.policy))
    return HistoryFacts.join(parts)
