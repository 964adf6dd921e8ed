"""Thin HTTP routes over leadgate.serving.service; plain `def` so model calls run in the thread pool."""

from __future__ import annotations

import unicodedata
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Header, Path, Query, Request, Response, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import AfterValidator

from leadgate.decision.routes import Route
from leadgate.features.schema import LEAD_ID_PATTERN, Lead, Moment
from leadgate.features.schema_types import unseen_problem
from leadgate.serving import service
from leadgate.serving.auth import require
from leadgate.serving.examples import LEAD_EXAMPLE
from leadgate.serving.schemas import (
    NOT_FOUND,
    READ_ERRORS,
    REDECIDING_ERRORS,
    WRITE_ERRORS,
    DecisionView,
    EventsAnswer,
    EventsIn,
    LeadPage,
    Problem,
    PublicAnswer,
)

router = APIRouter()
# The lead schema's own rule for an id: a NUL (`%00`) or a slash can be neither stored nor routed.
LeadId = Annotated[str, Path(min_length=1, max_length=200, pattern=LEAD_ID_PATTERN)]


def _visible_key(key: str | None) -> str | None:
    # A key is an id too: one with a zero-width or control character would print as another and never match it.
    if key is None:
        return None
    try:  # the server reads header bytes as Latin-1; a UTF-8 key's own characters are the ones to check
        text = key.encode("latin-1").decode()
    except UnicodeError:
        text = key
    unseen = unseen_problem(text)
    if unseen:
        raise ValueError(f"may not hold control or invisible characters ({unseen})")
    # HTTP carries a header's bytes, not its text: 'ą' sent as UTF-8 was stored as its Latin-1 reading 'Ä\x85'
    # (a C1 control), and another client's bytes for the same key may differ. A key is visible ASCII.
    beyond = next((i for i, ch in enumerate(text) if not ch.isascii()), None)
    if beyond is not None:
        character = text[beyond]
        name = unicodedata.name(character, "UNNAMED CHARACTER")
        raise ValueError(
            f"may hold only visible ASCII characters (letters, digits, punctuation, spaces), not "
            f"U+{ord(character):04X} {name} at character {beyond + 1}; a UUID makes a good key"
        )
    return key


def _one_key(request: Request) -> None:
    """Dependency: two Idempotency-Key headers are a 422 naming it, never read as one of them (a proxy may add one)."""
    keys = request.headers.getlist("idempotency-key")
    if len(keys) > 1:
        shown = ", ".join(repr(key[:60]) for key in keys[:5])
        raise RequestValidationError(
            [
                {
                    "type": "repeated_header",
                    "loc": ("header", "idempotency-key"),
                    "msg": f"given {len(keys)} times ({shown}): a lead takes one Idempotency-Key, and none is "
                    "picked for you; send it once",
                    "input": keys,
                }
            ]
        )


def _deps(request: Request) -> dict:
    state = request.app.state
    return {"holder": state.holder, "store": state.store, "metrics": state.metrics}


def _arrival_deps(request: Request) -> dict:
    # Only new leads go to the challenger and to live drift: both compare arrival decisions.
    state = request.app.state
    return {
        "holder": state.holder,
        "intake": state.intake,
        "metrics": state.metrics,
        "shadow": state.shadow,
        "live": state.live,
    }


@router.post(
    "/v1/leads",
    response_model=PublicAnswer,
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {"model": PublicAnswer, "description": "repeat of a stored lead: the same answer"},
        **WRITE_ERRORS,
        409: {"model": Problem, "description": "the Idempotency-Key was already used for another lead"},
    },
    dependencies=[Depends(require("intake", rate_limited=True)), Depends(_one_key)],
    summary="Decide a new lead; answers only what the sender may see",
)
def create_lead(
    request: Request,
    lead: Annotated[Lead, Body(openapi_examples={"lead": {"value": LEAD_EXAMPLE}})],
    # An empty key would be stored as '' and make every later keyless-looking request a conflict.
    idempotency_key: Annotated[
        str | None, Header(min_length=1, max_length=200), AfterValidator(_visible_key)
    ] = None,
) -> Response:
    """Validate, decide, store, and answer with the public next step; repeats write nothing."""
    answer, created = service.create_lead(
        lead=lead, idempotency_key=idempotency_key, **_arrival_deps(request)
    )
    # Serialized here, in the worker thread: a returned dict costs FastAPI a second thread-pool hop to check it.
    body = PublicAnswer.model_validate(answer).model_dump_json()
    if created:
        return Response(body, status_code=status.HTTP_201_CREATED, media_type="application/json")
    return Response(body, media_type="application/json", headers={"Idempotent-Replayed": "true"})


@router.post(
    "/v1/leads/{lead_id}/events",
    response_model=EventsAnswer,
    responses={**REDECIDING_ERRORS, **NOT_FOUND},
    dependencies=[Depends(require("intake", rate_limited=True))],
    summary="Add activity to a lead and re-score it; a new decision is appended",
)
def add_events(request: Request, lead_id: LeadId, body: EventsIn) -> dict:
    """Append events, re-decide, keep the old decision."""
    cap = request.app.state.limiter.events_cap
    screening = request.app.state.screening
    answer, seq = service.add_events(
        lead_id=lead_id, events=body.events, cap=cap, screening=screening, **_deps(request)
    )
    return {**answer, "decision_seq": seq}


@router.get(
    "/v1/leads/{lead_id}/decision",
    response_model=DecisionView,
    responses={**READ_ERRORS, **NOT_FOUND},
    dependencies=[Depends(require("sales"))],
    summary="The full decision for sales: route, gates, reasons, versions and history",
)
def get_decision(request: Request, lead_id: LeadId) -> dict:
    """The latest decision with every earlier one."""
    return service.decision_view(
        lead_id=lead_id, store=request.app.state.store, screening=request.app.state.screening
    )


@router.get(
    "/v1/leads",
    response_model=LeadPage,
    responses=READ_ERRORS,
    dependencies=[Depends(require("sales"))],
    summary="Leads by latest decision, filtered by route, gate and time",
)
def list_leads(
    request: Request,
    route: Route | None = None,
    gate: Annotated[str | None, Query(max_length=60, pattern=r"^[a-z][a-z0-9_]*$")] = None,
    since: Moment | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> dict:
    """A page of leads, newest decision first."""
    page = service.list_leads(
        store=request.app.state.store,
        route=route.value if route else None,
        gate=gate,
        since=since,
        limit=limit,
        offset=offset,
    )
    if gate and not page["total"]:
        # Nothing found: a misspelt gate must not read as "no lead was stopped by it". A code some stored
        # decision names (an older policy's gate) is a real gate, whatever the other filters left.
        policy = request.app.state.holder.current().pipeline.policy
        codes = [spec.code for spec in policy.gates]
        store = request.app.state.store
        if gate not in codes and not store.gate_named(gate):
            words = (
                f"no gate {gate!r} in policy {policy.version}, and no stored decision names it; its gates: "
            )
            return JSONResponse(
                {
                    "detail": [
                        {"field": "query.gate", "problem": words + ", ".join(codes), "type": "value_error"}
                    ]
                },
                status_code=422,
            )
    return page


@router.get("/healthz", summary="The process is up")
def healthz() -> dict:
    """Liveness: answers while the process runs."""
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="Model and store readiness",
    responses={
        503: {
            "description": "store unavailable, no API key configured (every lead would get 401), or no champion "
            "serves and LEADGATE_READY_REQUIRES_MODEL is on"
        }
    },
)
def readyz(request: Request):
    """Ready when the store answers, an API key is configured (and a champion serves, if the settings require it);
    says which model serves."""
    state = request.app.state
    current = state.holder.current()
    store_ok = state.store.ping()
    # Without a key every lead is refused with 401: a balancer must not send traffic here.
    keys_ok = bool(state.settings.api_keys)
    body = {
        "store": "ok" if store_ok else "unavailable",
        "api_keys": "ok" if keys_ok else NO_KEYS,
        "model": current.model_version or "missing",
        "model_problem": current.problem,
        "policy": current.pipeline.policy.version,
    }
    model_ok = current.loaded is not None or not state.settings.ready_requires_model
    return JSONResponse(body, status_code=200 if store_ok and keys_ok and model_ok else 503)


NO_KEYS = "none configured (LEADGATE_API_KEYS): every endpoint but health answers 401"


# Load balancers often probe with HEAD: answered as GET is, status and headers, without the body. Kept out of the
# OpenAPI schema, which lists each probe once.
@router.head("/healthz", include_in_schema=False)
def healthz_head() -> Response:
    """HEAD /healthz: GET's answer without its body."""
    return _without_body(JSONResponse(healthz()))


@router.head("/readyz", include_in_schema=False)
def readyz_head(request: Request) -> Response:
    """HEAD /readyz: GET's answer without its body."""
    return _without_body(readyz(request))


def _without_body(response: Response) -> Response:
    # Content-Length stays GET's (RFC 9110 9.3.2): the server sends no body to a HEAD request.
    return Response(status_code=response.status_code, headers=dict(response.headers))


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    # With LEADGATE_METRICS_PORT set, metrics are served on that port only and this path is 404 here.
    responses={404: {"description": "metrics are served on their own port (LEADGATE_METRICS_PORT)"}},
)
def metrics(request: Request) -> Response:
    """Latency, decisions by route, gate firings, model state."""
    state = request.app.state
    state.metrics.model_loaded.set(0 if state.holder.current().loaded is None else 1)
    return Response(state.metrics.render(), media_type="text/plain; version=0.0.4")
