"""A background thread that gives the challenger's decision to every lead of its shadow period that lacks one.

The live scorer's queue lives in a worker's memory: a lead still queued when the worker is killed, or dropped
by a full queue, has the champion's decision and no challenger's, and `promote` compares only leads with both.
This decides those leads afterwards exactly as the live scorer would have (shadow_rows.py: the same call, each
lead as of its own arrival, the store's lists, suppressions and counts), so the shadow period has no holes.
"""

from __future__ import annotations

import logging
import random
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy.exc import SQLAlchemyError

from leadgate.decision.count_words import plural
from leadgate.features.schema import parse_lead
from leadgate.serving.interval_thread import IntervalThread
from leadgate.serving.shadow_gaps import missing_shadow, record_shadows, shadow_began, still_missing
from leadgate.serving.shadow_rows import shadow_row, shadow_rows

if TYPE_CHECKING:
    from leadgate.serving.model_holder import Current
    from leadgate.serving.shadow import ShadowScorer

log = logging.getLogger(__name__)

# The live scorer's batch: the same call, at the same cost per lead.
BATCH = 64
# A lead younger than this may still be in some worker's queue (1000 leads decided 64 at a time take seconds):
# left to the live scorer, so the two never decide the same lead and a lead is counted once.
SETTLE = timedelta(seconds=60)


class ShadowCatchUp(IntervalThread):
    """Every `interval` seconds: the challenger's decision for each lead of its shadow period that has none.

    The shadow period begins at the arrival of the earliest lead the challenger decided in shadow in this
    store. Not the registry's alias: MLflow keeps no time for an alias, a version's creation time is before
    the alias when it is set by hand, and before the first worker loads the challenger (up to
    LEADGATE_MODEL_POLL_SECONDS) no lead was meant for it; a lead older than the first one scored in shadow
    would be back-testing, not shadow. What this leaves out: leads lost before any worker stored its first
    shadow decision of the version. Several workers may run it at once: each starts at a random lead of the
    list and looks again before each batch which leads still lack a decision, and the store keeps one per
    lead and version, so none is written twice. It rests as long as each batch took.
    """

    name = "shadow-catch-up"

    def __init__(
        self, interval: float, *, shadow: ShadowScorer, batch: int = BATCH, settle: timedelta = SETTLE
    ):
        super().__init__(interval)
        self.shadow = shadow
        self.batch = batch
        self.settle = settle
        self.caught_up = 0  # shadow decisions this process stored late
        self._looked: dict[str, datetime] = {}  # version → arrivals before this were looked at already

    def run_once(self) -> int | None:
        """Decide the leads of the shadow period that lack the challenger's decision: how many were stored, or
        None when no challenger is loaded, it has no shadow decision yet, or the run failed or was stopped."""
        current = self.shadow.holder.current()
        if current.loaded is None:
            return None
        began_at = time.monotonic()
        try:
            caught = self._catch_up(current)
        except SQLAlchemyError as error:
            self.failures += 1  # the store's health is /readyz's to report; the next run tries again
            log.warning("catching up shadow decisions failed, trying again later: %s", error)
            return None
        except Exception:  # noqa: BLE001 - a dead thread would catch up nothing, silently
            self.failures += 1
            log.exception("catching up shadow decisions failed, trying again later")
            return None
        if caught is None:
            return None
        if caught:  # a run that found every lead decided says nothing: it runs every poll
            log.info(
                "%s caught up for challenger %s (%.1f s)",
                plural(caught, "missing shadow decision"),
                current.model_version,
                time.monotonic() - began_at,
            )
        return caught

    def _catch_up(self, current: Current) -> int | None:
        engine, version = self.shadow.engine, current.model_version
        began = shadow_began(engine, version)
        if began is None:
            return None  # no lead was decided with it in shadow yet: nothing says when its period began
        until = datetime.now(UTC) - self.settle
        # Later runs start a settling time before where the last one stopped, so a lead whose transaction
        # committed late is not passed over; what was decided meanwhile is simply not missing.
        since = max(began, self._looked.get(version, began) - self.settle)
        pending = missing_shadow(engine, version, since, until)
        # Two workers running at once start at different leads, so they mostly decide different ones.
        start = random.randrange(len(pending)) if pending else 0
        pending = pending[start:] + pending[:start]
        caught = 0
        for first in range(0, len(pending), self.batch):
            took = time.monotonic()
            caught += self._decide(current, pending[first : first + self.batch])
            if self._stop.is_set():
                return None  # stopped between batches: the next run finds the rest
            if first + self.batch < len(pending):
                self._stop.wait(time.monotonic() - took)  # half the store's write turn at most
        self._looked[version] = until
        return caught

    def _decide(self, current: Current, lead_ids: list[str]) -> int:
        """Decide the leads that still lack a shadow decision and store those decisions; how many were stored."""
        engine, metrics = self.shadow.engine, self.shadow.metrics
        items, unreadable = [], []
        for lead_id, stored, arrived in still_missing(engine, current.model_version, lead_ids):
            try:
                items.append((parse_lead(stored, stored=True), arrived))
            except Exception as error:  # noqa: BLE001 - one lead the schema no longer reads stops no other
                unreadable.append(
                    shadow_row(current, lead_id, arrived, None, f"stored lead unreadable: {error}"[:500], 0.0)
                )
        rows = unreadable + (shadow_rows(current, engine, self.shadow.screening, items) if items else [])
        written = record_shadows(engine, rows)
        for row in written:
            metrics.scored.labels(outcome="failed" if row["error"] else "caught_up").inc()
        self.caught_up += len(written)
        return len(written)
