"""Training history from the decision store: stored leads as they were first decided, with their labels.

A lead's label is its recorded outcome; a lead with none is labelled by sales' latest feedback on it when
that feedback says something about conversion (leadgate.features.feedback: accepted = an SQL, rejected
for fit or need = not one; timing and duplicate give no label).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import Engine

from leadgate.features.lead_times import FUTURE_SLACK
from leadgate.features.schema import LeadValidationError, parse_lead
from leadgate.serving.feedback_store import feedback_outcomes
from leadgate.serving.lifecycle_store import leads_with_outcomes
from leadgate.training.data import HistoryError, history_from_records
from leadgate.training.history import History


def history_from_store(engine: Engine) -> History:
    """Leads with a recorded outcome or labelling feedback, each as of its first decision (no later activity)."""
    rows = sorted(leads_with_outcomes(engine) + feedback_outcomes(engine), key=lambda row: row.received_at)
    if not rows:
        raise HistoryError(
            "the store holds no leads with outcomes yet: record them with `leadgate outcomes import`, "
            "PUT /v1/leads/{lead_id}/outcome or POST /v1/leads/{lead_id}/feedback"
        )
    records, late = [], []
    for row in rows:
        # Events appended after the first decision stay in the stored lead; scoring as of arrival
        # makes the pipeline ignore them, exactly as the live service did not know them.
        try:
            stored = parse_lead(row.lead, stored=True)
        except LeadValidationError as error:
            raise HistoryError(
                f"stored lead {row.lead.get('lead_id')!r} no longer validates: {error}"
            ) from None
        lead = stored.as_of(row.received_at).model_dump(mode="json", exclude_none=True)
        if row.received_at - stored.created_at > DECIDED_LATE:
            late.append(row.received_at - stored.created_at)
        outcome = {"sql": row.sql, "rejection_reason": row.rejection_reason or ""}
        if row.won is not None:  # left out when unknown: no won label, as a history file without outcome.won
            outcome["won"] = row.won
        records.append({**lead, "outcome": outcome})
    history = history_from_records(records)
    note = decided_late_note(late, len(records))
    return replace(history, notes=(*history.notes, note)) if note else history


# The service decides a lead within seconds of its arrival; the slack a lead's own times get (a queue replayed
# after an outage, local time sent as UTC) is all a lead decided as it arrived can be later than its creation.
DECIDED_LATE = FUTURE_SLACK


def decided_late_note(delays: list[timedelta], total: int) -> str | None:
    """A warning when leads were first decided long after creation (a backfill): they carry later activity."""
    if not delays:
        return None
    days = sorted(delay.days for delay in delays)
    span = f"{days[0]} days later" if days[0] == days[-1] else f"{days[0]}–{days[-1]} days later"
    return (
        f"{len(delays):,} of {total:,} training leads were first decided more than a day after their "
        f"created_at ({span}): posted as a backfill, they carry activity from after their arrival that a "
        "lead decided live never has, and the model may learn from it. Record outcomes only for leads posted "
        "as they arrived, or train from an export (`leadgate train --data FILE`), which takes each lead as of its "
        "creation"
    )
