"""HTTP route for erasure (GDPR Art. 17): an admin removes a lead's personal data, an audit row stays."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel

from leadgate.features.schema import LEAD_ID_PATTERN
from leadgate.serving.auth import require
from leadgate.serving.erasure import erase_leads, lead_hash, salt_of
from leadgate.serving.schemas import Problem
from leadgate.serving.service import LeadNotFound

router = APIRouter()


class ErasureAnswer(BaseModel):
    """What was removed, and the hash the audit row keeps in place of the lead id (none without a salt)."""

    lead_id: str
    lead_hash: str | None
    decisions: int
    shadow_decisions: int
    outcomes: int


@router.delete(
    "/v1/leads/{lead_id}",
    response_model=ErasureAnswer,
    responses={
        401: {"model": Problem, "description": "missing or unknown API key"},
        403: {"model": Problem, "description": "only an admin key may erase"},
        404: {"model": Problem, "description": "no such lead, or already erased: nothing to erase"},
        422: {"model": Problem},
        429: {"model": Problem, "description": "too many failed authentications from this address"},
        503: {"model": Problem, "description": "decision store unavailable; nothing was erased"},
    },
    dependencies=[Depends(require("admin"))],
    summary="Erase a lead's personal data (GDPR Art. 17); an anonymised audit row is kept",
)
def erase_lead(
    request: Request,
    lead_id: Annotated[str, Path(min_length=1, max_length=200, pattern=LEAD_ID_PATTERN)],
) -> dict:
    """Delete the lead, its decisions, shadow decisions, outcome, reviews, overrides and feedback; answer what went."""
    salt = salt_of(request.app.state.settings)
    erased = erase_leads(request.app.state.store.engine, [lead_id], salt=salt)
    if not erased.lead_ids:
        raise LeadNotFound(lead_id)
    return {
        "lead_id": lead_id,
        "lead_hash": lead_hash(salt, lead_id),
        "decisions": erased.decisions,
        "shadow_decisions": erased.shadow_decisions,
        "outcomes": erased.outcomes,
    }
