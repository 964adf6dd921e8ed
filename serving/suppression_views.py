"""HTTP routes for suppression records: sales stops a kind of contact, reads the records, lifts them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from leadgate.decision.suppression import state_now
from leadgate.features.schema import NO_NUL, Moment
from leadgate.serving import suppression_service, suppression_store, suppression_subjects
from leadgate.serving.auth import require
from leadgate.serving.lists_views import Why
from leadgate.serving.problems import problem
from leadgate.serving.schemas import READ_ERRORS, REDECIDING_ERRORS, Problem, SuppressionView
from leadgate.settings import ApiKey

router = APIRouter()


class SuppressionIn(BaseModel):
    """A suppression asked for by a person: whose contact, which contact, why, until when."""

    subject: str = Field(
        ...,
        min_length=1,
        max_length=320,
        pattern=NO_NUL,
        description="an email address, or an account's domain",
    )
    contact: Literal["marketing_email", "all_contact"]
    reason: str = Field(..., min_length=1, max_length=500, pattern=NO_NUL)
    # A Moment, as every other time the API reads: an offset that pushes it past the calendar is a 422.
    expires_at: Moment | None = Field(None, description="when it stops acting by itself; none: until lifted")


class LiftIn(BaseModel):
    """Why a suppression is lifted."""

    why: Why


class SuppressionChanged(SuppressionView):
    """The suppression as stored after the change, and how many stored leads were decided again."""

    decided: int = Field(
        description="stored leads it bears on, decided again in the same transaction "
        "(trigger suppression, or suppression_lifted for a lift)"
    )


class SuppressionPage(BaseModel):
    """Suppression records of a subject, oldest first."""

    items: list[SuppressionView]


def _view(suppression) -> dict:
    return state_now(suppression, datetime.now(UTC)).to_json()


def _changed(changed: suppression_service.Changed) -> SuppressionChanged:
    # The count the CLI prints too ("2 stored leads decided again"): who made the change sees what it did.
    return SuppressionChanged.model_validate({**_view(changed.suppression), "decided": changed.decided})


@router.get(
    "/v1/suppressions",
    response_model=SuppressionPage,
    responses=READ_ERRORS,
    dependencies=[Depends(require("sales"))],
    summary="Every suppression bearing on a person (theirs and their account's) or an account, active and past",
)
def list_suppressions(
    request: Request, subject: Annotated[str, Query(min_length=1, max_length=320, pattern=NO_NUL)]
):
    """The records of one subject."""
    try:
        _, normalized = suppression_subjects.parse_subject(subject)
    except suppression_store.SuppressionError as error:
        return problem(422, str(error))
    found = suppression_store.for_subjects(
        request.app.state.store.engine, suppression_subjects.bearing_on(normalized)
    )
    return {"items": [_view(s) for s in found]}


@router.post(
    "/v1/suppressions",
    response_model=SuppressionChanged,
    status_code=status.HTTP_201_CREATED,
    responses=REDECIDING_ERRORS,
    summary="Stop a kind of contact with a person or an account",
)
def create_suppression(
    request: Request, body: SuppressionIn, key: Annotated[ApiKey, Depends(require("sales"))]
):
    """Record a suppression and decide again, in the same transaction, every stored lead it bears on."""
    try:
        row = suppression_store.new_row(
            subject=body.subject,
            contact=body.contact,
            reason=body.reason,
            who=key.name,
            source="api",
            expires_at=body.expires_at,
        )
    except suppression_store.SuppressionError as error:
        return problem(422, f"{error}; nothing was stored")
    made = suppression_service.create_suppression(row=row, **_deps(request))
    return JSONResponse(_changed(made).model_dump(mode="json"), status_code=201)


@router.post(
    "/v1/suppressions/{suppression_id}/lift",
    response_model=SuppressionChanged,
    responses={
        **REDECIDING_ERRORS,
        404: {"model": Problem, "description": "no such suppression"},
        409: {"model": Problem, "description": "lifted already"},
    },
    summary="Lift a suppression: the record stays, with who lifted it and why",
)
def lift_suppression(
    request: Request,
    suppression_id: Annotated[int, Path(ge=1, le=2**63 - 1)],  # what both databases' ids can hold
    body: LiftIn,
    key: Annotated[ApiKey, Depends(require("sales"))],
):
    """Record the lift and decide again, in the same transaction, every stored lead it bore on."""
    try:
        lifted = suppression_service.lift_suppression(
            suppression_id=suppression_id, why=body.why, who=key.name, **_deps(request)
        )
    except LookupError as error:
        return problem(404, str(error))
    except suppression_store.AlreadyLifted as error:
        return problem(409, str(error))
    except suppression_store.SuppressionError as error:
        return problem(422, str(error))
    return _changed(lifted)


def _deps(request: Request) -> dict:
    state = request.app.state
    return {
        "holder": state.holder,
        "store": state.store,
        "screening": state.screening,
        "metrics": state.metrics,
    }
