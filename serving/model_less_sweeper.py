"""A background thread that, once the champion serves, decides again the leads stored while no model did."""

from __future__ import annotations

import logging
import time

from sqlalchemy.exc import SQLAlchemyError

from leadgate.serving.interval_thread import IntervalThread
from leadgate.serving.model_less import redecide_model_less

log = logging.getLogger(__name__)

# Leads a transaction: 70 ms of SQLite's write turn on a busy 2-core VM (100,000 leads stored; 25 a batch still
# took 47 ms, the rest being each transaction's own queries), so new leads queued behind one wait little.
BATCH = 100


class ModelLessSweeper(IntervalThread):
    """Every `interval` seconds until it has run once: if the champion serves, `redecide_model_less`.

    Only a process without a model stores leads decided without one, and its champion, once loaded, stays
    loaded: so each process runs once, when its champion first serves (at start, or when the registry answers
    again), which finds what it and any earlier process stored meanwhile. Between batches it rests as long as
    the batch took, keeping to half the store's write turn at most. With several workers each runs; a lead
    is decided again by whichever locks it first, once.
    """

    name = "model-less-leads"

    def __init__(self, interval: float, *, batch: int = BATCH, **deciding):
        super().__init__(interval)
        self.batch = batch
        self.deciding = deciding  # holder, store, screening, metrics: as a suppression's leads are decided
        self.done = False
        self.decided = 0  # stored leads this process decided again

    def finished(self) -> bool:
        """Once one run has gone to the end: the champion, once loaded, stays loaded."""
        return self.done

    def run_once(self) -> int | None:
        """Decide the leads again if the champion serves: how many, or None when it did not run to the end."""
        if self.done or self.deciding["holder"].current().loaded is None:
            return None
        began = time.monotonic()
        try:
            run = redecide_model_less(**self.deciding, batch=self.batch, pace=self._rest)
        except SQLAlchemyError as error:
            # The store's health is reported by /readyz and the writes; the next look tries again.
            self.failures += 1
            log.warning(
                "deciding again the leads stored without a model failed, trying again later: %s", error
            )
            return None
        except Exception:  # noqa: BLE001 - a dead thread would decide nothing again, silently
            self.failures += 1
            log.exception("deciding again the leads stored without a model failed, trying again later")
            return None
        self.decided += run.decided
        if run.decided:
            log.info("%s (%.1f s)", run.describe(), time.monotonic() - began)
        if self._stop.is_set():
            return None  # stopped between batches: the next process finds the rest
        self.done = True
        return run.decided

    def _rest(self, took: float) -> bool:
        return not self._stop.wait(took)
