"""Sales feedback in the decision store: each verdict kept, the latest one per lead a training label."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, exists, func, insert, select

from leadgate.decision.count_words import plural
from leadgate.features.feedback import feedback_label
from leadgate.serving.lifecycle_store import StoredOutcome
from leadgate.serving.store_engine import writing
from leadgate.serving.store_models import FeedbackRow, LeadRow, OutcomeRow
from leadgate.serving.stored_times import stored_utc


def label_word(verdict: str, reason: str | None) -> str:
    """The training label a verdict gives, as the API names it: sql, not_sql, or none."""
    label = feedback_label(verdict, reason)
    return "none" if label is None else ("sql" if label else "not_sql")


def record_feedback(
    engine: Engine, *, lead_id: str, verdict: str, reason: str | None, note: str | None, by: str, at: datetime
) -> int:
    """Append one verdict on a stored lead and return its id; KeyError when the lead is not stored."""
    with writing(engine) as connection:
        if connection.scalar(select(LeadRow.lead_id).where(LeadRow.lead_id == lead_id)) is None:
            raise KeyError(lead_id)
        values = {
            "lead_id": lead_id,
            "verdict": verdict,
            "reason": reason,
            "note": note,
            "recorded_by": by,
            "recorded_at": at,
        }
        return connection.execute(insert(FeedbackRow), values).inserted_primary_key[0]


def _latest_feedback(connection, *, without_outcome: bool):
    newest = select(FeedbackRow.lead_id, func.max(FeedbackRow.id).label("id")).group_by(FeedbackRow.lead_id)
    if without_outcome:
        # A recorded outcome always wins: feedback labels only leads with none.
        newest = newest.where(~exists().where(OutcomeRow.lead_id == FeedbackRow.lead_id))
    newest = newest.subquery()
    query = (
        select(LeadRow.lead, LeadRow.received_at, FeedbackRow.verdict, FeedbackRow.reason)
        .join(newest, newest.c.lead_id == LeadRow.lead_id)
        .join(FeedbackRow, FeedbackRow.id == newest.c.id)
        .order_by(LeadRow.received_at)
    )
    return connection.execute(query)


def feedback_outcomes(engine: Engine) -> list[StoredOutcome]:
    """Leads with no recorded outcome labelled by their latest feedback, oldest first; verdicts without a label skipped."""
    labelled = []
    with engine.connect() as connection:
        for lead, received_at, verdict, reason in _latest_feedback(connection, without_outcome=True):
            label = feedback_label(verdict, reason)
            if label is None:
                continue
            # Feedback says nothing of a won deal: unknown, not "not won".
            labelled.append(
                StoredOutcome(lead, stored_utc(received_at), label, None, None if label else reason)
            )
    return labelled


@dataclass(frozen=True)
class LabelSources:
    """Where the store's training labels come from."""

    outcomes: int  # leads with a recorded outcome
    feedback: int  # leads labelled by sales feedback (no outcome recorded)
    feedback_unlabelled: int  # leads whose latest feedback gives no label (timing, duplicate)

    def describe(self) -> str:
        """One line for people."""
        return (
            f"labels: {plural(self.outcomes, 'recorded outcome')}, {self.feedback:,} from sales feedback; "
            f"{plural(self.feedback_unlabelled, 'feedback verdict gives', 'feedback verdicts give')} no label "
            "(timing, duplicate)"
        )


def label_sources(engine: Engine) -> LabelSources:
    """How many leads each label source gives training."""
    with engine.connect() as connection:
        outcomes = connection.scalar(select(func.count()).select_from(OutcomeRow)) or 0
        verdicts = [
            feedback_label(verdict, reason)
            for _, _, verdict, reason in _latest_feedback(connection, without_outcome=True)
        ]
    labelled = sum(label is not None for label in verdicts)
    return LabelSources(outcomes, labelled, len(verdicts) - labelled)


def feedback_of(engine: Engine, lead_id: str) -> list[dict]:
    """Every verdict on a lead, oldest first."""
    with engine.connect() as connection:
        return verdicts_of(connection, lead_id)[::-1]


def verdicts_of(connection: Connection, lead_id: str) -> list[dict]:
    """Every verdict on a lead, newest first (it labels the lead when no outcome is recorded), with its label."""
    query = select(FeedbackRow).where(FeedbackRow.lead_id == lead_id).order_by(FeedbackRow.id.desc())
    verdicts = []
    for row in connection.execute(query):
        verdicts.append(
            {
                "id": row.id,
                "verdict": row.verdict,
                "reason": row.reason,
                "note": row.note,
                "label": label_word(row.verdict, row.reason),
                "recorded_by": row.recorded_by,
                "recorded_at": stored_utc(row.recorded_at),
            }
        )
    return verdicts
