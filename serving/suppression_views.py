"""HTTP routes for suppression records: sales stops a kind of contact, reads the records, lifts them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from leadgate.decision.suppression import CONTACTS, SOURCES, SUBJECT_KINDS, state_now
from leadgate.features.schema import NO_NUL, Moment
from leadgate.serving import suppression_pages, suppression_service, suppression_store, suppression_subjects
from leadgate.serving.auth import require
from leadgate.serving.lists_views import Why
from leadgate.serving.problems import problem
from leadgate.serving.schemas import READ_ERRORS, REDECIDING_ERRORS, ContactKind, Problem, SuppressionView
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
    contact: ContactKind = Field(
        description="marketing_email (no marketing email), phone (no phone call: a do-not-call request), "
        "all_contact (no contact at all)"
    )
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
    """One page of suppression records, oldest first: a subject's, or every subject's."""

    items: list[SuppressionView]
    total: int = Field(description="the records every page of this query holds")
    limit: int
    offset: int
    next_offset: int | None = Field(description="the next page's offset; None: this is the last")


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
    summary="Suppressions: every one bearing on a subject (theirs and their account's), or all subjects' by "
    "status, with paging",
)
def list_suppressions(
    request: Request,
    subject: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=320,
            pattern=NO_NUL,
            description="an email address or an account's domain: its records and its account's; none: all",
        ),
    ] = None,
    wanted: Annotated[
        Literal[suppression_pages.WANTED] | None,
        Query(alias="status", description="default: all with a subject (its history), active without"),
    ] = None,
    contact: Literal[tuple(CONTACTS)] | None = None,
    subject_kind: Literal[SUBJECT_KINDS] | None = None,
    source: Literal[SOURCES] | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
):
    """A page of records, oldest first."""
    subjects = None
    if subject is not None:
        try:
            _, normalized = suppression_subjects.parse_subject(subject)
        except suppression_store.SuppressionError as error:
            return problem(422, str(error))
        subjects = suppression_subjects.bearing_on(normalized)
    page = suppression_pages.suppression_page(
        request.app.state.store.engine,
        # A subject's records are its history; all subjects', what stops contact now unless asked otherwise.
        status=wanted or ("all" if subject is not None else "active"),
        contact=contact,
        subject_kind=subject_kind,
        source=source,
        subjects=subjects,
        limit=limit,
        offset=offset,
    )
    return {
        "items": [_view(s) for s in page.items],
        "total": page.total,
        "limit": limit,
        "offset": offset,
        "next_offset": page.next_offset,
    }


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
