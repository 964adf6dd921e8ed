"""A background thread that settles expired suppressions: their stored leads are decided again."""

from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError

from leadgate.serving import suppression_service
from leadgate.serving.interval_thread import IntervalThread

log = logging.getLogger(__name__)


class ExpirySweeper(IntervalThread):
    """Every `interval` seconds, `suppression_service.settle_expired` with the service's own pipeline.

    A lift is an act that re-decides at once; an expiry is a time passing, so something has to notice it.
    With several workers each sweeps; the store lets only one settle each expiry.
    """

    name = "suppression-expiry"

    def __init__(self, interval: float, **deciding):
        super().__init__(interval)
        self.deciding = deciding  # holder, store, screening, metrics: as a lift is decided
        self.settled = 0  # expiries settled by this process

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
