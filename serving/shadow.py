"""Shadow scoring: the challenger decides each new lead off the request path; its decision is only stored."""

from __future__ import annotations

import logging
import queue
import threading
import time
from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Gauge
from sqlalchemy import Engine

from features.schema import Lead
from leadgate.settings import Settings
from serving.lifecycle_store import record_shadow
from serving.model_holder import ModelHolder

log = logging.getLogger(__name__)
CHALLENGER = "challenger"


class ShadowMetrics:
    """Shadow counters in the app's registry."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.scored = Counter(
            "leadgate_shadow_decisions_total",
            "Challenger decisions by outcome: stored, failed (challenger error), dropped (queue full)",
            ["outcome"],
            registry=registry,
        )
        self.loaded = Gauge(
            "leadgate_challenger_loaded", "1 when a challenger model is scored in shadow", registry=registry
        )
        self.pending = Gauge("leadgate_shadow_queue", "Leads waiting for the challenger", registry=registry)


class ShadowScorer:
    """One background thread per process; the request thread only enqueues, so the answer never waits.

    A full queue drops the lead for the challenger (counted) rather than slowing the service, and any
    challenger failure is stored as an error row for that lead, never raised.
    """

    def __init__(
        self,
        settings: Settings,
        engine: Engine,
        metrics: ShadowMetrics,
        holder: ModelHolder | None = None,
        queue_size: int = 1000,
    ):
        self.holder = holder or ModelHolder(settings, alias=CHALLENGER, unload_when_alias_gone=True)
        self.engine = engine
        self.metrics = metrics
        self._queue: queue.Queue = queue.Queue(maxsize=queue_size)
        self._thread: threading.Thread | None = None

    @property
    def active(self) -> bool:
        """True when a challenger is loaded."""
        return self.holder.current().loaded is not None

    def submit(self, lead: Lead, now: datetime) -> None:
        """Queue a lead the champion just decided (as of `now`); returns at once."""
        if not self.active:
            return
        try:
            self._queue.put_nowait((lead, now))
        except queue.Full:
            self.metrics.scored.labels(outcome="dropped").inc()

    def start(self, poll: bool = True) -> None:
        """Load the challenger (if any), poll its alias (unless told not to), and start the worker thread."""
        if poll:
            self.holder.start()
        else:
            self.holder.refresh()
        self.metrics.loaded.set(1 if self.active else 0)
        self._thread = threading.Thread(target=self._work, name="shadow-scorer", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Finish queued leads (up to a few seconds) and stop."""
        self.drain(timeout=5)
        self._queue.put(None)
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.holder.stop()

    def drain(self, timeout: float = 30) -> bool:
        """Wait until every queued lead is scored; False on timeout."""
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    def _work(self) -> None:
        while True:
            item = self._queue.get()
            try:
                if item is None:
                    return
                self.score(*item)
            finally:
                self._queue.task_done()
                self.metrics.pending.set(self._queue.qsize())

    def score(self, lead: Lead, now: datetime) -> None:
        """Decide one lead with the challenger and store it; never raises."""
        current = self.holder.current()
        self.metrics.loaded.set(1 if current.loaded else 0)
        if current.loaded is None:
            return
        started = time.perf_counter()
        record, error = None, None
        try:
            record = current.pipeline.decide_one(lead, now=now)
        except Exception as failure:  # noqa: BLE001 - a failing challenger must never touch the live path
            error = f"{type(failure).__name__}: {failure}"[:500]
            log.warning("challenger %s failed on %s: %s", current.model_version, lead.lead_id, error)
        row = {
            "lead_id": lead.lead_id,
            "model_version": current.model_version,
            "policy_version": current.pipeline.policy.version,
            "route": record["route"] if record else None,
            "band": record["band"] if record else None,
            "p_sql": record["p_sql"] if record else None,
            "decided_at": now,
            "seconds": time.perf_counter() - started,
            "error": error,
            "record": record,
        }
        try:
            record_shadow(self.engine, row)
        except Exception as failure:  # noqa: BLE001 - the store being down must not kill the thread
            log.warning("shadow decision of %s not stored: %s", lead.lead_id, failure)
            self.metrics.scored.labels(outcome="failed").inc()
            return
        self.metrics.scored.labels(outcome="failed" if error else "stored").inc()
