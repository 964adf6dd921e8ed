"""A circuit breaker for the decision store: after it failed to answer in time, attempts try and never queue."""

from __future__ import annotations

# How long an attempt may wait while the breaker is open: enough for a free lock or a quick answer.
PROBE_SECONDS = 0.1


class Breaker:
    """After a wait for the store ran out, the next attempts get PROBE_SECONDS, not the whole bound.

    Requests queue behind a hung database (a batch of new leads behind the one running, a thread pool full of
    waiting requests): each waiting the bound in its turn made the last one wait many bounds. While open, an
    attempt that finds the store free still succeeds at once and closes the breaker.
    """

    def __init__(self, bound: float):
        self.bound = bound
        self.open = False

    def budget(self) -> float:
        """How long the next attempt may wait."""
        return min(PROBE_SECONDS, self.bound) if self.open else self.bound

    def failed(self) -> None:
        """The store did not answer in time: attempts only try until one succeeds."""
        self.open = True

    def succeeded(self) -> None:
        """The store answered: attempts wait the whole bound again."""
        self.open = False
