"""The FastAPI application: wiring, body-size limit, latency metrics, and errors mapped in one place."""

from __future__ import annotations

import logging
import time
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, Request, status
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from leadgate.features import countries, offensive
from leadgate.features.schema import LeadValidationError
from leadgate.runtime import freeze_long_lived
from leadgate.serving.account_views import router as account_router
from leadgate.serving.accounts import AccountNotFound
from leadgate.serving.body_checks import BodyChecks
from leadgate.serving.checkpoints import WalCheckpointer
from leadgate.serving.erasure import salt_of
from leadgate.serving.erasure_views import router as erasure_router
from leadgate.serving.expiry_sweeper import ExpirySweeper
from leadgate.serving.intake import Intake
from leadgate.serving.lifecycle_views import router as outcome_router
from leadgate.serving.lists_views import router as lists_router
from leadgate.serving.live_monitor import LiveMonitor
from leadgate.serving.metrics import ServiceMetrics
from leadgate.serving.model_holder import ModelHolder
from leadgate.serving.model_less_sweeper import ModelLessSweeper
from leadgate.serving.problems import WRITES, champion_unloaded, field_problems, lead_problems, unparsable
from leadgate.serving.query_checks import checked_query
from leadgate.serving.rate_limits import Limiter, RateLimited
from leadgate.serving.redecide import ChampionUnloaded
from leadgate.serving.review_views import install as install_reviews
from leadgate.serving.screening import Screening
from leadgate.serving.server import MetricsOnItsOwnPort
from leadgate.serving.service import LeadNotFound
from leadgate.serving.shadow import ShadowMetrics, ShadowScorer
from leadgate.serving.shadow_catch_up import ShadowCatchUp
from leadgate.serving.store import DecisionStore, IdempotencyConflict, Unstorable, make_engine, migrate
from leadgate.serving.store_breaker import ran_out_of_time
from leadgate.serving.store_schema import SchemaMismatch
from leadgate.serving.suppression_views import router as suppressions_router
from leadgate.serving.views import router
from leadgate.settings import Settings

log = logging.getLogger(__name__)


class Timing:
    """Pure ASGI middleware recording latency by route template (Starlette's http middleware costs ~0.3 ms)."""

    def __init__(self, app, metrics: ServiceMetrics):
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        start = time.perf_counter()
        status_code = 500

        async def record_status(message):
            nonlocal status_code
            if message["type"] == "http.response.start":
                status_code = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, record_status)
        finally:
            route = scope.get("route")
            path = route.path if route is not None else "unmatched"
            elapsed = time.perf_counter() - start
            self.metrics.latency.labels(path, scope["method"], str(status_code)).observe(elapsed)


def _store_down_detail(method: str, error: Exception) -> str:
    """What a 503 can say: a read stored nothing anyway; a write is unknown if its COMMIT went silent."""
    # A statement the store cut at its time bound is no outage: the store answered, and the same query again
    # would take as long, so a read says to narrow it.
    too_long = ran_out_of_time(error)
    if method not in WRITES:
        if too_long:
            return (
                "the query took too long for the decision store's time bound; narrow the filter "
                "(the same query again takes as long)"
            )
        return "decision store unavailable, please retry"
    if getattr(getattr(error, "orig", None), "outcome_unknown", False):
        return (
            "decision store did not confirm the write in time: it may have been stored; check before retrying"
        )
    cause = "the decision store ran out of time on this request" if too_long else "decision store unavailable"
    if method == "DELETE":
        return f"{cause}; nothing was erased, please retry"
    return f"{cause}; nothing was stored, please retry"


def create_app(
    settings: Settings | None = None,
    *,
    holder: ModelHolder | None = None,
    store: DecisionStore | None = None,
    poll: bool = True,
    shadow: ShadowScorer | None = None,
) -> FastAPI:
    """Build the service; the store is migrated and the model loaded at start-up, not at import."""
    settings = settings or Settings()
    metrics = ServiceMetrics()
    # Made once per app, not per start: a lifespan can run more than once and a registry takes a name once.
    shadow_metrics = ShadowMetrics(metrics.registry)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.store = store or DecisionStore(
            make_engine(
                settings.decisions_url(),
                timeout=settings.db_timeout_seconds,
                wal_max_bytes=settings.wal_max_bytes,
            )
        )
        # The store's lists and suppressions, read before each decision (README "Lists", "Suppressions").
        app.state.screening = Screening(app.state.store.engine, salt_of(settings))
        app.state.intake = Intake(app.state.store, metrics, screening=app.state.screening)
        try:
            migrate(app.state.store.engine)
        except (SQLAlchemyError, SchemaMismatch) as error:
            # Start anyway: /readyz says the store is down and writes answer 503 until it returns.
            log.error("decision store not migrated at start: %s", error)
        app.state.checkpointer = WalCheckpointer(
            app.state.store.engine, metrics, max_bytes=settings.wal_max_bytes
        )
        app.state.checkpointer.start()
        try:  # where the champion's policy is kept for a start without the registry (kept_policy.py)
            settings.ensure_data_dir()
        except OSError as error:
            log.warning("cannot make the data folder %s: %s", settings.data_dir, error.strerror or error)
        # The gauge follows every refresh: with several workers, each one's value is read from its file.
        app.state.holder = holder or ModelHolder(settings, loaded_gauge=metrics.model_loaded)
        app.state.shadow = shadow or ShadowScorer(
            settings, app.state.store.engine, shadow_metrics, screening=app.state.screening
        )
        app.state.shadow.start_beside(app.state.holder, poll=poll)
        # What the sweepers decide stored leads again with: as a person's change decides them.
        deciding = {"holder": app.state.holder, "store": app.state.store, "screening": app.state.screening}
        app.state.expiries = ExpirySweeper(settings.suppression_sweep_seconds, **deciding, metrics=metrics)
        # Leads stored while no model served are decided again once the champion serves (README "Model").
        app.state.model_less = ModelLessSweeper(settings.model_poll_seconds, **deciding, metrics=metrics)
        # Leads the challenger missed in shadow (a killed worker's queue, a full one) (README "Model lifecycle").
        app.state.shadow_catch_up = ShadowCatchUp(settings.model_poll_seconds, shadow=app.state.shadow)
        if poll:
            app.state.expiries.start()
            app.state.model_less.start()
            app.state.shadow_catch_up.start()
        # Only a message with an insult aimed at the reader reaches this classifier: without the warm-up,
        # the first such lead of a process would wait ~0.1 s for its load. Before the freeze, so it is frozen too.
        offensive.warm_up()
        # The same for the first country the plain lookup misses ('Brasil', 'The Netherlands'): ~0.7 s to build.
        countries.warm_up()
        freeze_long_lived()
        yield
        app.state.shadow_catch_up.stop()
        app.state.model_less.stop()
        app.state.expiries.stop()
        app.state.shadow.stop()
        app.state.holder.stop()
        app.state.checkpointer.stop()

    app = FastAPI(
        # A query parameter a route does not take, or one given twice, is refused by name, for every route alike.
        dependencies=[Depends(checked_query)],
        title="leadgate",
        version="0.1.0",
        description=(
            "Decides, for every new B2B lead, what should stop, slow or redirect it. `POST /v1/leads` answers "
            "the form backend with only what the sender may see; sales reads the full decision with a key."
        ),
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.metrics = metrics
    app.state.limiter = Limiter(settings, metrics)
    app.state.live = LiveMonitor(metrics.registry)
    app.include_router(router)
    app.include_router(outcome_router)
    app.include_router(erasure_router)
    app.include_router(account_router)
    install_reviews(app)  # disputes, overrides, sales feedback (GDPR Art. 22): routes, errors, gauges
    app.include_router(lists_router)
    app.include_router(suppressions_router)
    app.add_middleware(BodyChecks, max_bytes=settings.max_body_bytes)

    app.add_middleware(Timing, metrics=metrics)
    if settings.metrics_port is not None:
        app.add_middleware(MetricsOnItsOwnPort, metrics_port=settings.metrics_port)
    if settings.proxy_headers:
        # One rule for who the client is (rate limits, scheme, logs): the address a trusted proxy names.
        # Applied by the app, not by uvicorn, so every server and the tests see the same client.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.forwarded_allow_ips)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError):
        return JSONResponse({"detail": field_problems(error.errors(), error.body)}, status_code=422)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException):
        detail = unparsable(error)
        if detail is None:
            return await http_exception_handler(request, error)
        return JSONResponse({"detail": detail}, status_code=400)

    @app.exception_handler(LeadValidationError)
    async def invalid_lead(request: Request, error: LeadValidationError):
        return JSONResponse({"detail": lead_problems(error.problems)}, status_code=422)

    @app.exception_handler(Unstorable)
    async def unstorable(request: Request, error: Unstorable):
        log.warning("%s", error)
        return JSONResponse(
            {"detail": [{"field": "body", "problem": f"{error}; nothing was stored"}]}, status_code=422
        )

    @app.exception_handler(LeadNotFound)
    async def not_found(request: Request, error: LeadNotFound):
        return JSONResponse({"detail": f"no lead {error.args[0]!r}"}, status_code=404)

    @app.exception_handler(AccountNotFound)
    async def no_account(request: Request, error: AccountNotFound):
        return JSONResponse({"detail": f"no contact and no status stored for account {error.args[0]!r}"}, 404)

    @app.exception_handler(RateLimited)
    async def rate_limited(request: Request, error: RateLimited):
        metrics.rate_limited.labels(kind=error.kind, key=error.key).inc()
        return JSONResponse(
            {"detail": error.detail},
            status_code=status.HTTP_429_TOO_MANY_REQUESTS,
            headers={"Retry-After": str(error.retry_after)},
        )

    @app.exception_handler(ChampionUnloaded)
    async def unloaded(request: Request, error: ChampionUnloaded):
        log.warning("a change was refused: the champion does not load (%s)", error.problem)
        return champion_unloaded(error, settings.model_poll_seconds)

    @app.exception_handler(IdempotencyConflict)
    async def conflict(request: Request, error: IdempotencyConflict):
        return JSONResponse({"detail": str(error)}, status_code=status.HTTP_409_CONFLICT)

    # Only a lost, refused or silent connection is an outage worth a retry; other database errors are bugs
    # (500). A pool timeout is one too: every connection was taken for the whole bound.
    @app.exception_handler(OperationalError)
    @app.exception_handler(InterfaceError)
    @app.exception_handler(PoolTimeout)
    async def store_down(request: Request, error: Exception):
        metrics.store_errors.inc()
        if ran_out_of_time(error) and request.method not in WRITES:
            # No Retry-After: a client retrying on it would run the same long query again and again.
            log.warning("a query ran out of the store's time bound: %s %s", request.method, request.url.path)
            return JSONResponse({"detail": _store_down_detail(request.method, error)}, status_code=503)
        log.error("decision store unavailable: %s", error)
        return JSONResponse(
            {"detail": _store_down_detail(request.method, error)},
            status_code=503,
            headers={"Retry-After": "5"},
        )

    return app
