"""SQLite WAL checkpoints in a background thread, so no request's commit has to copy the WAL back, and a bounded WAL."""

from __future__ import annotations

import logging
import threading

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from leadgate.serving.metrics import ServiceMetrics
from leadgate.serving.store_engine import (
    SQLITE_AUTOCHECKPOINT_PAGES,
    set_autocheckpoint,
    truncate_wal,
    wal_bytes,
)
from leadgate.serving.store_turn import StoreBusy

log = logging.getLogger(__name__)
CHECKPOINT_SECONDS = 1.0
WAL_MAX_BYTES = 64 * 2**20
# How long a TRUNCATE checkpoint may hold writers back waiting for readers; past it, the next second tries again.
TRUNCATE_WAIT_SECONDS = 0.1
# Past three quarters of the bound it waits this long: writers are held back for up to that, once in a while,
# the price of a WAL that stays under its bound while readers keep overlapping (a busy machine makes them slow).
OVER_BOUND_WAIT_SECONDS = 2.0


class WalCheckpointer:
    """Checkpoints a SQLite file's WAL every second in its own thread, in place of checkpoints at commit.

    By default the commit that takes the WAL past 1,000 pages copies it into the database file and syncs it,
    holding the write turn: at 100 leads/s that was every ~0.8 s, and each time the requests queued behind
    it answered in 30-60 ms. A PASSIVE checkpoint here blocks neither readers nor writers, and SQLite does
    its copying without the GIL.

    A PASSIVE checkpoint never shrinks the WAL file, and SQLite starts the WAL over only when a writer finds
    no reader in it: under constant load with overlapping readers that never happened, and the file grew to
    317 MiB. So once the WAL passes half of `max_bytes`, a TRUNCATE checkpoint takes the writers' turn and
    waits up to 0.1 s for the readers to leave the WAL, then empties it; past three quarters, up to 2 s.
    """

    def __init__(
        self,
        engine: Engine,
        metrics: ServiceMetrics | None = None,
        interval: float = CHECKPOINT_SECONDS,
        max_bytes: int = WAL_MAX_BYTES,
    ):
        self.engine = engine
        self.metrics = metrics
        self.interval = interval
        self.max_bytes = max_bytes
        self.failures = 0
        self.truncations = 0  # TRUNCATE checkpoints that emptied the WAL
        self.busy = 0  # TRUNCATE checkpoints given up: readers (or the writers' turn) kept the WAL
        self.last: tuple[int, int, int] | None = None  # the newest checkpoint's (busy, frames, checkpointed)
        self.wal_bytes: int | None = None  # the WAL file's size after the newest checkpoint
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        """Whether the background thread is checkpointing."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> bool:
        """Take over checkpoints from commits; False (and nothing started) if the engine is no SQLite file."""
        if self._thread is not None or not set_autocheckpoint(self.engine, 0):
            return self._thread is not None
        self._stop.clear()
        self._thread = threading.Thread(target=self._work, name="wal-checkpoint", daemon=True)
        self._thread.start()
        return True

    def stop(self) -> None:
        """Checkpoint what is left and hand checkpoints back to commits."""
        if self._thread is None:
            return
        self._stop.set()
        self._thread.join()
        self._thread = None
        self.run_once()
        set_autocheckpoint(self.engine, SQLITE_AUTOCHECKPOINT_PAGES)

    def run_once(self) -> tuple[int, int, int] | None:
        """One PASSIVE checkpoint, then a TRUNCATE one if the WAL is past half its bound.

        Answers the PASSIVE checkpoint's (busy, WAL frames, frames checkpointed), or None if the store failed.
        """
        try:
            with self.engine.connect() as connection:
                busy, frames, done = connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").one()
            self.last = (busy, frames, done)
            size = wal_bytes(self.engine)
            if size is not None and size > self.max_bytes // 2:
                size = self._truncate(size)
        except SQLAlchemyError as error:
            # A store that is away is reported by /readyz and the writes; this thread just tries again.
            self.failures += 1
            if self.metrics is not None:
                self.metrics.checkpoint_failures.inc()
            log.warning("WAL checkpoint failed: %s", error)
            return None
        self.wal_bytes = size
        if self.metrics is not None and size is not None:
            self.metrics.wal_bytes.set(size)
        return self.last

    def _truncate(self, size: int) -> int:
        wait = TRUNCATE_WAIT_SECONDS if size <= self.max_bytes * 3 // 4 else OVER_BOUND_WAIT_SECONDS
        try:
            busy = truncate_wal(self.engine, wait)[0]
        except StoreBusy:
            busy = 1  # the writers' turn stayed taken: try again next time
        if busy:
            self.busy += 1
            self._count("wal_truncate_busy")
            if size > self.max_bytes:
                log.warning("WAL at %d bytes, over its bound: readers kept it from being emptied", size)
        else:
            self.truncations += 1
            self._count("wal_truncations")
        return wal_bytes(self.engine) or 0

    def _count(self, counter: str) -> None:
        if self.metrics is not None:
            getattr(self.metrics, counter).inc()

    def _work(self) -> None:
        while not self._stop.wait(self.interval):
            self.run_once()
