"""A circuit breaker for the decision store: after it failed to answer in time, attempts try and never queue."""

from __future__ import annotations

import threading

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

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
        self._probing = threading.Lock()

    def budget(self) -> float:
        """How long the next attempt may wait."""
        return min(PROBE_SECONDS, self.bound) if self.open else self.bound

    def failed(self) -> None:
        """The store did not answer in time: attempts only try until one succeeds."""
        self.open = True

    def succeeded(self) -> None:
        """The store answered: attempts wait the whole bound again."""
        self.open = False

    def claim_probe(self) -> bool:
        """While open, let one thread at a time try what cannot be shortened (a new connection); False if taken."""
        return self._probing.acquire(blocking=False)

    def end_probe(self) -> None:
        """The probe is over, whatever it found."""
        self._probing.release()


def is_outage(error: BaseException) -> bool:
    """A lost or refused connection: the store, not the data, failed, and a retry may succeed."""
    if isinstance(error, OperationalError | InterfaceError):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated


def ran_out_of_time(error: BaseException) -> bool:
    """PostgreSQL answered, but cut this statement at its bound: its own work was too long, a retry as long."""
    # A wait for a lock ends first, as a lock timeout (55P03, serving/store_postgres.py), and a server that said
    # nothing is a StoreTimeout: both stay outages. What is left under 57014 (query_canceled) is the statement
    # timeout, or a cancel: this client sends none (a silent server's connection is closed, not cancelled), so
    # that is an operator's pg_cancel_backend, said of a query that ran too long, which a retry loop would only
    # run again. The SQLSTATE alone decides: the message is in the server's lc_messages language.
    cause = getattr(error, "orig", None) or error
    return getattr(cause, "sqlstate", None) == "57014"
