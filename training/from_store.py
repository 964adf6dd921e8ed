"""Training history from the decision store: stored leads as they were first decided, with their outcomes."""

from __future__ import annotations

from sqlalchemy import Engine

from leadgate.features.schema import LeadValidationError, parse_lead
from leadgate.serving.lifecycle_store import leads_with_outcomes
from leadgate.training.data import History, HistoryError, history_from_records


def history_from_store(engine: Engine) -> History:
    """Leads with a recorded outcome, each as of its first decision, so no later activity leaks in."""
    rows = leads_with_outcomes(engine)
    if not rows:
        raise HistoryError(
            "the store holds no leads with outcomes yet: record them with `leadgate outcomes import` "
            "or POST /v1/leads/{lead_id}/outcome"
        )
    records = []
    for row in rows:
        # Events appended after the first decision stay in the stored lead; scoring as of arrival
        # makes the pipeline ignore them, exactly as the live service did not know them.
        try:
            lead = parse_lead(row.lead).as_of(row.received_at).model_dump(mode="json", exclude_none=True)
        except LeadValidationError as error:
            raise HistoryError(
                f"stored lead {row.lead.get('lead_id')!r} no longer validates: {error}"
            ) from None
        outcome = {"sql": row.sql, "won": row.won, "rejection_reason": row.rejection_reason or ""}
        records.append({**lead, "outcome": outcome})
    return history_from_records(records)
