"""HTTP routes for disputes (GDPR Art. 22), overrides and sales feedback; `install` wires them into the app."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Body, Depends, FastAPI, Path, Query, Request, Response, status
from fastapi.responses import JSONResponse

from leadgate.features.schema import LEAD_ID_PATTERN, NO_NUL
from leadgate.serving.auth import require
from leadgate.serving.feedback_store import label_word, record_feedback
from leadgate.serving.overrides import NoActiveOverride, OverrideSpec
from leadgate.serving.review_metrics import ReviewGauges
from leadgate.serving.review_schemas import (
    FeedbackAnswer,
    FeedbackIn,
    OverrideAnswer,
    OverrideIn,
    ResolutionIn,
    ReviewIn,
    ReviewItem,
    ReviewPage,
    ReviewReceipt,
)
from leadgate.serving.review_service import ContactStopped, lift_lead_override, override_lead
from leadgate.serving.reviews import (
    AlreadyResolved,
    NotAnswered,
    ReviewNotFound,
    UnknownReviewToken,
    list_reviews,
    open_review,
    resolve_review,
)
from leadgate.serving.schemas import NOT_FOUND, READ_ERRORS, REDECIDING_ERRORS, WRITE_ERRORS, Problem
from leadgate.serving.service import LeadNotFound
from leadgate.settings import ApiKey

router = APIRouter()
LeadId = Annotated[str, Path(min_length=1, max_length=200, pattern=LEAD_ID_PATTERN)]
Token = Annotated[str, Path(min_length=1, max_length=64, description="the review_token of the public answer")]
SalesKey = Annotated[ApiKey, Depends(require("sales"))]

_NO_KEY_ERRORS = {k: v for k, v in WRITE_ERRORS.items() if k not in (401, 403)} | {
    404: {"model": Problem, "description": "no decision carries this review token (or this decision_seq)"}
}


@router.post(
    "/v1/review/{token}",
    response_model=ReviewReceipt,
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {
            "model": ReviewReceipt,
            "description": "already requested: the same item, nothing written (a message sent is not added); "
            "header Idempotent-Replayed: true",
        },
        **_NO_KEY_ERRORS,
    },
    summary="Ask for a human to review an automatic decision (no key; the token comes with the public answer)",
)
def request_review(
    request: Request, token: Token, body: Annotated[ReviewIn | None, Body()] = None
) -> Response:
    """Open one review item per token and decision; a repeat answers the same item, says so, and writes nothing."""
    # Counted before the lookup: guessing tokens costs the same as using one.
    request.app.state.limiter.review_by_address(request)
    message = (body.message if body is not None else None) or None
    item, created = open_review(
        request.app.state.store.engine,
        token=token,
        message=message,
        at=datetime.now(UTC),
        decision_seq=body.decision_seq if body is not None else None,
    )
    receipt = ReviewReceipt(
        status=item["status"],
        opened_at=item["opened_at"],
        message=_receipt_words(item, created, message),
        already_received=not created,
    )
    if created:
        return Response(
            receipt.model_dump_json(), status_code=status.HTTP_201_CREATED, media_type="application/json"
        )
    # A repeat writes nothing, as a repeated lead does: answered alike, so a form backend tells them apart.
    return Response(
        receipt.model_dump_json(), media_type="application/json", headers={"Idempotent-Replayed": "true"}
    )


def _receipt_words(item: dict, created: bool, message: str | None) -> str:
    """What the person is told: received, or already received and (when it is new) the message not added."""
    if created:
        return "Thank you. A person will review the decision and get back to you."
    if item["status"] == "open":
        words = "We already have your request; a person will review the decision and get back to you."
    else:
        words = "This decision was already reviewed by a person."
    # The person believes what they add reaches sales: say plainly when it did not (a double click's
    # same text did reach it, with the first request).
    if message is not None and message != item["message"]:
        words += " This message was not added to your request."
    return words


@router.get(
    "/v1/reviews",
    response_model=ReviewPage,
    responses=READ_ERRORS,
    summary="The review queue: disputed decisions, oldest first",
)
def review_queue(
    request: Request,
    key: SalesKey,
    wanted: Annotated[Literal["open", "resolved", "all"], Query(alias="status")] = "open",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> dict:
    """A page of review items by status."""
    items, total = list_reviews(
        request.app.state.store.engine, status=None if wanted == "all" else wanted, limit=limit, offset=offset
    )
    next_offset = offset + len(items) if offset + len(items) < total else None
    return {"items": items, "total": total, "limit": limit, "offset": offset, "next_offset": next_offset}


@router.post(
    "/v1/reviews/{review_id}/resolution",
    response_model=ReviewItem,
    responses={
        **WRITE_ERRORS,
        404: {"model": Problem, "description": "no review item with this id"},
        409: {"model": Problem, "description": "the review was already resolved; its outcome stays"},
    },
    summary="Resolve a review: the automatic decision was misclassified or correct",
)
def resolve(
    request: Request,
    key: SalesKey,
    review_id: Annotated[int, Path(ge=1, le=2**62)],
    body: ResolutionIn,
) -> dict:
    """Record sales' finding; to change the route too, set an override."""
    return resolve_review(
        request.app.state.store.engine,
        review_id=review_id,
        outcome=body.outcome,
        note=body.note or None,
        by=key.name,
        at=datetime.now(UTC),
    )


def _deps(request: Request) -> dict:
    state = request.app.state
    return {
        "holder": state.holder,
        "store": state.store,
        "metrics": state.metrics,
        "screening": getattr(state, "screening", None),
    }


@router.post(
    "/v1/leads/{lead_id}/override",
    response_model=OverrideAnswer,
    status_code=status.HTTP_201_CREATED,
    responses={
        **REDECIDING_ERRORS,
        **NOT_FOUND,
        409: {
            "model": Problem,
            "description": "a suppression stops all contact with the lead: nothing stored",
        },
    },
    summary="Override a lead's route (VIP, strategic, other); re-decisions keep it until it is lifted",
)
def set_override(request: Request, key: SalesKey, lead_id: LeadId, body: OverrideIn) -> dict:
    """Set the route by hand; the lead is decided again and the override applied to the new decision."""
    spec = OverrideSpec(body.route.value, body.reason_code, body.note or None, key.name)
    return override_lead(lead_id=lead_id, spec=spec, **_deps(request))


@router.delete(
    "/v1/leads/{lead_id}/override",
    response_model=OverrideAnswer,
    responses={
        **REDECIDING_ERRORS,
        404: {"model": Problem, "description": "no such lead, or no override in force"},
    },
    summary="Lift a lead's override; the automatic decision holds again",
)
def remove_override(
    request: Request,
    key: SalesKey,
    lead_id: LeadId,
    note: Annotated[str | None, Query(max_length=2000, pattern=NO_NUL)] = None,
) -> dict:
    """Lift the override (kept as a record) and append the automatic decision."""
    return lift_lead_override(lead_id=lead_id, by=key.name, note=note or None, **_deps(request))


@router.post(
    "/v1/leads/{lead_id}/feedback",
    response_model=FeedbackAnswer,
    status_code=status.HTTP_201_CREATED,
    responses={**WRITE_ERRORS, **NOT_FOUND},
    summary="Sales' verdict on a lead: accepted, or rejected with a standardized reason",
)
def add_feedback(request: Request, key: SalesKey, lead_id: LeadId, body: FeedbackIn) -> dict:
    """Store the verdict; the latest one labels the lead for training when no outcome is recorded."""
    try:
        feedback_id = record_feedback(
            request.app.state.store.engine,
            lead_id=lead_id,
            verdict=body.verdict,
            reason=body.reason,
            note=body.note or None,
            by=key.name,
            at=datetime.now(UTC),
        )
    except KeyError:
        raise LeadNotFound(lead_id) from None
    return {"lead_id": lead_id, "feedback_id": feedback_id, "label": label_word(body.verdict, body.reason)}


def install(app: FastAPI) -> None:
    """Add the routes, their errors as HTTP answers, and the review gauges on /metrics."""
    app.include_router(router)
    ReviewGauges(app.state.metrics.registry, lambda: getattr(app.state, "store", None))

    @app.exception_handler(UnknownReviewToken)
    async def unknown_token(request: Request, error: UnknownReviewToken):
        return JSONResponse(
            {"detail": "no decision carries this review token; check that it was copied whole"},
            status_code=404,
        )

    @app.exception_handler(NotAnswered)
    async def not_answered(request: Request, error: NotAnswered):
        return JSONResponse(
            {
                "detail": f"no answer numbered {error.args[0]} was given with this review token; nothing opened"
            },
            status_code=404,
        )

    @app.exception_handler(ReviewNotFound)
    async def no_review(request: Request, error: ReviewNotFound):
        return JSONResponse({"detail": f"no review item {error.args[0]}"}, status_code=404)

    @app.exception_handler(AlreadyResolved)
    async def resolved(request: Request, error: AlreadyResolved):
        return JSONResponse({"detail": str(error)}, status_code=409)

    @app.exception_handler(ContactStopped)
    async def contact_stopped(request: Request, error: ContactStopped):
        return JSONResponse({"detail": str(error)}, status_code=409)

    @app.exception_handler(NoActiveOverride)
    async def no_override(request: Request, error: NoActiveOverride):
        return JSONResponse(
            {"detail": f"lead {error.args[0]!r} has no override in force; nothing was lifted"},
            status_code=404,
        )
