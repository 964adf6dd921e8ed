"""Abuse limits: intake requests per key and per client address, failed authentications, event posts per lead.

Counters of the first three live in the `limits` library's storage: each worker process's own memory by
default (so `--workers N` lets N times the rate through), or a shared Redis by URL. They are sliding-window
counters: two numbers per client whatever the rate (a moving window keeps one timestamp per request), the
previous window weighted by how much of it still overlaps. The event-post cap is counted exactly, in the
decision store, under the lead's lock, so every worker sees the same count.
"""

from __future__ import annotations

import ipaddress
import logging
import math
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from fastapi import Request
from limits import RateLimitItem, parse
from limits.storage import Storage, storage_from_string
from limits.strategies import SlidingWindowCounterRateLimiter
from sqlalchemy import Connection, func, select

from leadgate.serving.metrics import ServiceMetrics
from leadgate.serving.store_models import DecisionRow
from leadgate.settings import Settings

log = logging.getLogger(__name__)


class RateLimited(Exception):
    """A request refused by an abuse limit: answered 429 with `Retry-After`, nothing processed or stored."""

    def __init__(self, detail: str, retry_after: float, *, kind: str, key: str = "-"):
        super().__init__(detail)
        self.detail = detail
        self.retry_after = max(1, math.ceil(retry_after))  # whole seconds; 0 would invite an instant retry
        self.kind = kind  # which limit: key, ip, failed_auth, events_per_lead, review
        self.key = key  # the API key's name when the limit is the key's


def rate(value: str, enabled: bool) -> RateLimitItem | None:
    """A configured rate, or None when it (or every limit) is off."""
    return None if not enabled or value.strip().lower() == "off" else parse(value)


def per(item: RateLimitItem) -> str:
    """`600 per minute`, `200 per 2 days`: a rate as the refusal names it."""
    unit = item.GRANULARITY.name
    return (
        f"{item.amount} per {unit}" if item.multiples == 1 else f"{item.amount} per {item.multiples} {unit}s"
    )


@dataclass(frozen=True)
class EventsCap:
    """At most `item.amount` event posts per lead within the item's window, counted in the decision store."""

    item: RateLimitItem

    @classmethod
    def of(cls, settings: Settings) -> EventsCap | None:
        """The configured cap, or None when it is off."""
        item = rate(settings.rate_limit_events_per_lead, settings.rate_limits_enabled)
        return None if item is None else cls(item)

    def enforce(self, connection: Connection, lead_id: str, at: datetime) -> None:
        """Raise RateLimited when the lead already took its event posts in the window ending at `at`.

        Run inside the write transaction that holds the lead's lock, so concurrent posts cannot both pass.
        """
        window = timedelta(seconds=self.item.get_expiry())
        since = at - window
        if connection.dialect.name == "sqlite":
            since = since.replace(tzinfo=None)  # SQLite keeps naive UTC text; compare like with like
        posts, oldest = connection.execute(
            select(func.count(), func.min(DecisionRow.decided_at)).where(
                DecisionRow.lead_id == lead_id,
                DecisionRow.trigger == "events",
                DecisionRow.decided_at > since,
            )
        ).one()
        if posts < self.item.amount:
            return
        oldest = oldest.replace(tzinfo=at.tzinfo) if oldest.tzinfo is None else oldest
        raise RateLimited(
            f"lead {lead_id!r} reached its cap of {per(self.item)} event posts; these events were not stored",
            (oldest + window - at).total_seconds(),
            kind="events_per_lead",
        )


def _ip(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    return ip.ipv4_mapped or ip if isinstance(ip, ipaddress.IPv6Address) else ip


def client_address(request: Request) -> str:
    """Who a request is counted against; an IPv6 client counts as its /64, which one subscriber holds whole.

    Behind a trusted proxy (settings.forwarded_allow_ips) the app has already put the client it names in
    request.client, so this is the one rule for who the client is.
    """
    address = request.client.host if request.client else "unknown"
    ip = _ip(address)
    if isinstance(ip, ipaddress.IPv6Address):
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return address if ip is None else str(ip)


STORAGE_RETRY_SECONDS = 5


def _storage(uri: str) -> Storage:
    # A shared Redis that stops answering must cost a request 0.2 s at most, not hang it.
    options = {"socket_timeout": 0.2, "socket_connect_timeout": 0.2} if uri.startswith("redis") else {}
    return storage_from_string(uri, **options)


class Limiter:
    """The app's request limits: intake per key and per client address, and failed authentications."""

    def __init__(self, settings: Settings, metrics: ServiceMetrics):
        on = settings.rate_limits_enabled
        self.per_key = rate(settings.rate_limit_per_key, on)
        self.per_ip = rate(settings.rate_limit_per_ip, on)
        self.failed_auth = rate(settings.rate_limit_failed_auth, on)
        self.reviews_per_ip = rate(settings.rate_limit_reviews_per_ip, on)
        self.events_cap = EventsCap.of(settings)
        self.metrics = metrics
        needed = self.per_key or self.per_ip or self.failed_auth or self.reviews_per_ip
        # No storage, and no expiry thread, when nothing is counted here.
        self._limiter = (
            SlidingWindowCounterRateLimiter(_storage(settings.rate_limit_storage)) if needed else None
        )
        self._storage_down_until = 0.0
        log.info("abuse limits: %s", self.describe(settings.rate_limit_storage))

    def describe(self, storage: str) -> str:
        """One line saying which limits are on and where their counters live."""
        parts = [
            f"{per(item)} {what}"
            for item, what in (
                (self.per_key, "intake per key"),
                (self.per_ip, "intake per client address"),
                (self.failed_auth, "failed authentications per client address"),
                (self.reviews_per_ip, "review requests per client address"),
                (self.events_cap.item if self.events_cap else None, "event posts per lead"),
            )
            if item is not None
        ]
        if not parts:
            return "off"
        # A URL's password stays out of the log: only what follows the last "@".
        where = "each worker's own memory" if storage.startswith("memory") else storage.split("@")[-1]
        return "; ".join(parts) + (f"; rates counted in {where}" if self._limiter else "")

    def intake_by_address(self, request: Request) -> None:
        """Count an intake request against its client address; RateLimited past the limit."""
        self._hit(self.per_ip, "ip", client_address(request), key="-", what="this client address")

    def intake_by_key(self, key_sha256: str, key_name: str) -> None:
        """Count an intake request against its API key; RateLimited past the limit."""
        self._hit(self.per_key, "key", key_sha256, key=key_name, what=f"API key {key_name!r}")

    def review_by_address(self, request: Request) -> None:
        """Count a review request (no key, valid token or not) against its client address; RateLimited past it."""
        self._hit(
            self.reviews_per_ip,
            "review",
            client_address(request),
            key="-",
            what="review requests from this client address",
        )

    def failed_authentication(self, request: Request) -> None:
        """Count a 401 against its client address; RateLimited (429 instead of 401) past the limit."""
        self._hit(
            self.failed_auth,
            "failed_auth",
            client_address(request),
            key="-",
            what="failed authentications from this client address",
        )

    def _hit(self, item: RateLimitItem | None, kind: str, who: str, *, key: str, what: str) -> None:
        if item is None or self._limiter is None:
            return
        if time.monotonic() < self._storage_down_until:
            self.metrics.rate_limit_errors.inc()  # let through unlimited: the storage failed moments ago
            return
        try:
            if self._limiter.hit(item, kind, who):
                return
            reset = self._limiter.get_window_stats(item, kind, who).reset_time
        except Exception as error:  # noqa: BLE001 - a limiter outage must not stop intake: let it through
            # Not asked again for a few seconds: each request would otherwise wait out the storage's timeout.
            self._storage_down_until = time.monotonic() + STORAGE_RETRY_SECONDS
            log.error("rate-limit storage failed; unlimited for %s s: %s", STORAGE_RETRY_SECONDS, error)
            self.metrics.rate_limit_errors.inc()
            return
        raise RateLimited(
            f"rate limit of {per(item)} reached for {what}; retry later",
            reset - time.time(),
            kind=kind,
            key=key,
        )
