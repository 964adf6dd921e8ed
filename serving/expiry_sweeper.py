"""A background thread that settles expired suppressions: their stored leads are decided again."""

from __future__ import annotations

import logging
import threading

from sqlalchemy.exc import SQLAlchemyError

from leadgate.serving import suppression_service

log = logging.getLogger(__name__)


class ExpirySweeper:
    """Every `interval` seconds, `suppression_service.settle_expired` with the service's own pipeline.

    A lift is an act that re-decides at once; an expiry is a time passing, so something has to notice it.
    With several workers each sweeps; the store lets only one settle each expiry.
    """

    def __init__(self, interval: float, **deciding):
        self.interval = interval
        self.deciding = deciding  # holder, store, screening, metrics: as a lift is decided
        self.settled = 0  # expiries settled by this process
        self.failures = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Sweep once now (expiries passed while no service ran), then every `interval` in a daemon thread."""
        self._stop.clear()
        self._thread = threading.Thread(target=self._work, name="suppression-expiry", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop sweeping; a sweep under way finishes its current transaction first."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None

    def run_once(self) -> int:
        """Settle every expiry due now; the number settled, or 0 when the store failed (tried again later)."""
        try:
            changed = suppression_service.settle_expired(**self.deciding)
        except SQLAlchemyError as error:
            # The store's health is reported by /readyz and the writes; the next sweep tries again.
            self.failures += 1
            log.warning("settling expired suppressions failed, trying again later: %s", error)
            return 0
        except Exception:  # noqa: BLE001 - a dead thread would settle nothing again, silently
            self.failures += 1
            log.exception("settling expired suppressions failed, trying again later")
            return 0
        for c in changed:
            log.info(
                "suppression %s of %s expired: %d stored %s decided again",
                c.suppression.id,
                c.suppression.subject,
                c.decided,
                "lead" if c.decided == 1 else "leads",
            )
        self.settled += len(changed)
        return len(changed)

    def _work(self) -> None:
        self.run_once()
        while not self._stop.wait(self.interval):
            self.run_once()
