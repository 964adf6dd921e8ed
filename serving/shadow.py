"""Shadow scoring: the challenger decides each new lead off the request path; its decision is only stored."""

from __future__ import annotations

import logging
import queue
import threading
import time
from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Gauge
from sqlalchemy import Engine

from leadgate.features.schema import Lead
from leadgate.serving.lifecycle_store import record_shadow
from leadgate.serving.model_holder import ModelHolder
from leadgate.serving.screening import Screening
from leadgate.serving.shadow_rows import shadow_rows
from leadgate.settings import Settings

log = logging.getLogger(__name__)
CHALLENGER = "challenger"
SHADOW_BATCH = 64  # queued leads the challenger decides in one call
# Rest between batches: leads gather meanwhile and are decided together, so the challenger takes the GIL a
# few times a second rather than once per request (each time, an answer in flight can wait for it).
SHADOW_PAUSE_SECONDS = 0.05


class ShadowMetrics:
    """Shadow counters in the app's registry."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.scored = Counter(
            "leadgate_shadow_decisions_total",
            "Challenger decisions by outcome: stored, failed (challenger error), dropped (queue full), "
            "caught_up (a lead it missed, decided later as of its arrival)",
            ["outcome"],
            registry=registry,
        )
        self.loaded = Gauge(
            "leadgate_challenger_loaded",
            "1 when a challenger model is scored in shadow",
            multiprocess_mode="livemax",  # 1 when some live worker scores it
            registry=registry,
        )
        self.pending = Gauge(
            "leadgate_shadow_queue",
            "Leads waiting for the challenger",
            multiprocess_mode="livesum",  # each worker has its own queue
            registry=registry,
        )


class ShadowScorer:
    """One background thread per process; the request thread only enqueues, so the answer never waits.

    A full queue drops the lead for the challenger (counted) rather than slowing the service, and any
    challenger failure is stored as an error row for that lead, never raised. A dropped lead, or one still
    queued when the worker is killed, is decided later by ShadowCatchUp (shadow_catch_up.py).
    """

    def __init__(
        self,
        settings: Settings,
        engine: Engine,
        metrics: ShadowMetrics,
        holder: ModelHolder | None = None,
        queue_size: int = 1000,
        screening: Screening | None = None,
    ):
        self.holder = holder or ModelHolder(
            settings, alias=CHALLENGER, unload_when_alias_gone=True, loaded_gauge=metrics.loaded
        )
        self.engine = engine
        self.metrics = metrics
        self.screening = screening  # the store's lists and suppressions, as the champion decides with them
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

    def start_beside(self, champion: ModelHolder, poll: bool = True) -> None:
        """Start the champion's holder and this scorer at once: a registry that does not answer holds the service's
        start one bound (LEADGATE_REGISTRY_TIMEOUT_SECONDS), not one for each."""
        challenger = threading.Thread(target=self.start, kwargs={"poll": poll}, name="challenger-start")
        challenger.start()
        champion.start(poll=poll)
        challenger.join()

    def start(self, poll: bool = True) -> None:
        """Load the challenger (if any), poll its alias (unless told not to), and start the worker thread."""
        self.holder.start(poll=poll)
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
            batch = [self._queue.get()]
            # Whatever else is waiting goes in the same call: a batch costs far less per lead than single
            # decisions, so under load the challenger takes less of the CPU the answers need, not more.
            while len(batch) < SHADOW_BATCH:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            leads = [item for item in batch if item is not None]
            try:
                if leads:
                    self.score_batch(leads)
            finally:
                for _ in batch:
                    self._queue.task_done()
                self.metrics.pending.set(self._queue.qsize())
            if len(leads) < len(batch):
                return
            time.sleep(SHADOW_PAUSE_SECONDS)

    def score(self, lead: Lead, now: datetime) -> None:
        """Decide one lead with the challenger and store it; never raises."""
        self.score_batch([(lead, now)])

    def score_batch(self, items: list[tuple[Lead, datetime]]) -> None:
        """Decide leads with the challenger, each as of its own arrival, and store them; never raises."""
        current = self.holder.current()
        self.metrics.loaded.set(1 if current.loaded else 0)
        if current.loaded is None:
            return
        for row in shadow_rows(current, self.engine, self.screening, items):
            self._store(row)

    def _store(self, row: dict) -> None:
        try:
            written = record_shadow(self.engine, row)
        except Exception as failure:  # noqa: BLE001 - the store being down must not kill the thread
            log.warning("shadow decision of %s not stored: %s", row["lead_id"], failure)
            self.metrics.scored.labels(outcome="failed").inc()
            return
        if written:  # else the catch-up stored this lead's decision first (shadow_catch_up.py): counted there
            self.metrics.scored.labels(outcome="failed" if row["error"] else "stored").inc()
