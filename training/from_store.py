"""Training history from the decision store: stored leads as they were first decided, with their labels.

A lead's label is its recorded outcome; a lead with none is labelled by sales' latest feedback on it when
that feedback says something about conversion (leadgate.features.feedback: accepted = an SQL, rejected
for fit or need = not one; timing and duplicate give no label).
"""

from __future__ import annotations

from sqlalchemy import Engine

from leadgate.features.schema import LeadValidationError, parse_lead
from leadgate.serving.feedback_store import feedback_outcomes
from leadgate.serving.lifecycle_store import leads_with_outcomes
from leadgate.training.data import History, HistoryError, history_from_records


def history_from_store(engine: Engine) -> History:
    """Leads with a recorded outcome or labelling feedback, each as of its first decision (no later activity)."""
    rows = sorted(leads_with_outcomes(engine) + feedback_outcomes(engine), key=lambda row: row.received_at)
    if not rows:
        raise HistoryError(
            "the store holds no leads with outcomes yet: record them with `leadgate outcomes import`, "
            "PUT /v1/leads/{lead_id}/outcome or POST /v1/leads/{lead_id}/feedback"
        )
    records = []
    for row in rows:
        # Events appended after the first decision stay in the stored lead; scoring as of arrival
        # makes the pipeline ignore them, exactly as the live service did not know them.
        try:
            lead = (
                parse_lead(row.lead, stored=True)
                .as_of(row.received_at)
                .model_dump(mode="json", exclude_none=True)
            )
        except LeadValidationError as error:
            raise HistoryError(
                f"stored lead {row.lead.get('lead_id')!r} no longer validates: {error}"
            ) from None
        outcome = {"sql": row.sql, "rejection_reason": row.rejection_reason or ""}
        if row.won is not None:  # left out when unknown: no won label, as a history file without outcome.won
            outcome["won"] = row.won
        records.append({**lead, "outcome": outcome})
    return history_from_records(records)
