"""HTTP route for sales outcomes: the feedback that later training and promotion learn from."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationError

from leadgate.features.lead_times import LeadMoment
from leadgate.features.outcome import Outcome
from leadgate.features.schema import LEAD_ID_PATTERN, NO_NUL
from leadgate.serving import outcome_service
from leadgate.serving.auth import require
from leadgate.serving.schemas import NOT_FOUND, REDECIDING_ERRORS
from leadgate.serving.service import LeadNotFound

router = APIRouter()


class OutcomeIn(BaseModel):
    """What sales learned of the lead; sending it again replaces the earlier outcome."""

    model_config = ConfigDict(extra="forbid")

    # Strict, as lead fields are: "off", 1, "t" or "no" is a 422, never a label guessed into training.
    sql: StrictBool = Field(..., description="the lead became a sales-qualified lead")
    won: StrictBool | None = Field(
        None, description="a deal was won (implies sql); left out or null: unknown, never read as not won"
    )
    rejection_reason: str | None = Field(
        None, max_length=100, pattern=NO_NUL, description="standardized reason when sales rejected the lead"
    )
    feedback: str | None = Field(None, max_length=2000, pattern=NO_NUL, description="free text a rep left")
    # As a lead's own times: a typo dated 2099 would keep the lead from retention for good.
    at: LeadMoment | None = Field(
        None, description="when it became known; now when missing; at most a day after now, not before 1990"
    )


class OutcomeAnswer(BaseModel):
    """The stored outcome's lead, and how many stored leads of its account it decided again."""

    lead_id: str
    recorded: bool
    changed: bool = Field(
        description="false when this outcome was recorded already just as sent: nothing written, nothing "
        "decided again"
    )
    decided: int = Field(
        description="stored leads of the lead's account decided again in the same transaction: a bad-fit "
        "rejection new, replaced or removed (or moved in time) holds or frees every contact of the account"
    )


@router.put(
    "/v1/leads/{lead_id}/outcome",
    response_model=OutcomeAnswer,
    responses={**REDECIDING_ERRORS, **NOT_FOUND},
    dependencies=[Depends(require("sales"))],
    summary="Record what became of a lead (SQL, won, rejection reason); repeats replace it",
)
def put_outcome(
    request: Request,
    lead_id: Annotated[str, Path(min_length=1, max_length=200, pattern=LEAD_ID_PATTERN)],
    body: OutcomeIn,
) -> dict:
    """Store or replace the lead's outcome."""
    try:
        outcome = Outcome(lead_id=lead_id, **body.model_dump())
    except ValidationError as error:
        # Told like any other bad body: the field, or the body as a whole for a rule across fields.
        raise RequestValidationError(error.errors()) from None
    state = request.app.state
    deps = {
        "holder": state.holder,
        "store": state.store,
        "screening": state.screening,
        "metrics": state.metrics,
    }
    recorded = outcome_service.record([outcome], source="api", **deps)
    if recorded.imported.unknown_leads:
        raise LeadNotFound(lead_id)
    changed = recorded.imported.written > 0
    return {"lead_id": lead_id, "recorded": True, "changed": changed, "decided": recorded.decided}
