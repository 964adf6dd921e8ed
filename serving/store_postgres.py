"""PostgreSQL under a bound: pool checkout, connect, lock and statement waits all end within the store timeout."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import psycopg
from psycopg import errors
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.pool import QueuePool

from leadgate.serving.store_breaker import Breaker

# The server gives up first (statement_timeout, lock_timeout) with its own clean error and a usable
# connection; the client cuts a server that says nothing at all (frozen, or the network gone) at the bound.
SERVER_SHARE = 0.75
# A wait for a lock gives up a little before the statement bound, so that its error says "lock timeout" (the
# store is held by someone: unavailable, retry) and a statement timeout means the statement's own work was too
# long (retrying the same query does not help). At equal bounds a blocked statement hit the statement timeout.
LOCK_SHARE = 0.9
# libpq counts a connect timeout in whole seconds, 2 at least: a new connection may take 2 s whatever the bound.
CONNECT_FLOOR = 2
# When the current pool checkout must end: its wait for a free connection, the connect and the pre-ping share it.
_CHECKOUT_DEADLINE: ContextVar[float | None] = ContextVar("leadgate_checkout_deadline", default=None)
# False in an admin write: its running out of its long bound says nothing about the server.
_COUNTED: ContextVar[bool] = ContextVar("leadgate_timeout_counted", default=True)


class StoreTimeout(psycopg.OperationalError):
    """PostgreSQL did not answer within the bound; the connection was closed, its state being unknown."""

    # True when the wait was for a COMMIT: the server may have committed before it went silent.
    outcome_unknown = False


class BoundedConnection(psycopg.Connection):
    """A psycopg connection whose every wait on the server ends within `wait_bound` seconds."""

    wait_bound: float | None = None
    breaker: Breaker | None = None  # the engine's: told when the server goes silent

    def wait(self, gen, interval: float = 0.1, timeout: float | None = None):
        """psycopg's wait, with the bound (or what is left of the block's deadline) as its timeout."""
        if timeout is None and self.wait_bound is not None:
            timeout = _left(self.wait_bound)
        try:
            return super().wait(gen, interval, timeout)
        except errors._WaitTimeout:  # psycopg's own signal that the timeout passed
            self.pgconn.finish()  # mid-protocol: the connection cannot be reused
            if self.breaker is not None and _COUNTED.get():
                self.breaker.failed()
            raise StoreTimeout(f"PostgreSQL did not answer within {timeout:.2f} s") from None

    def commit(self) -> None:
        """Commit; a timeout here leaves the outcome unknown, and says so."""
        try:
            super().commit()
        except StoreTimeout as timeout:
            timeout.outcome_unknown = True
            raise

    @contextmanager
    def unbounded(self) -> Iterator[None]:
        """No client bound for a while (migrations may run long statements)."""
        bound, self.wait_bound = self.wait_bound, None
        try:
            yield
        finally:
            self.wait_bound = bound


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Every wait on PostgreSQL in this block (checkouts, statements, the commit) ends within `seconds`."""
    token = _CHECKOUT_DEADLINE.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _CHECKOUT_DEADLINE.reset(token)


@contextmanager
def uncounted() -> Iterator[None]:
    """Waits in this block that run out of time do not open the server breaker (an admin write's long bound)."""
    token = _COUNTED.set(False)
    try:
        yield
    finally:
        _COUNTED.reset(token)


def _left(bound: float) -> float:
    deadline = _CHECKOUT_DEADLINE.get()
    if deadline is None:
        return bound
    return max(deadline - time.monotonic(), 0.001)


def _deadline_pool(breaker: Breaker) -> type[QueuePool]:
    class DeadlinePool(QueuePool):
        """A queue pool whose checkout (waiting, connecting, pre-pinging) ends within the bound.

        After the server went silent, within the breaker's probe instead: a thread pool of requests behind a
        frozen server then fails at once rather than each waiting its bound in turn.
        """

        # QueuePool waits for a free connection `_timeout` seconds: here, what is left of the deadline.
        @property
        def _timeout(self) -> float:
            return _left(self._bound)

        @_timeout.setter
        def _timeout(self, bound: float) -> None:
            self._bound = bound

        def connect(self):
            ends = time.monotonic() + breaker.budget()
            outer = _CHECKOUT_DEADLINE.get()
            token = _CHECKOUT_DEADLINE.set(ends if outer is None else min(outer, ends))
            try:
                return super().connect()
            finally:
                _CHECKOUT_DEADLINE.reset(token)

    return DeadlinePool


# Times are stored and read in UTC: a server or database whose `timezone` is another zone (often the OS's)
# made PostgreSQL hand back times in it, and the API answered +05:30 beside Z (walk P).
UTC_SESSION = "-c timezone=UTC"


def make_bounded_engine(url: str, timeout: float) -> Engine:
    """A PostgreSQL engine on which no wait for the server lasts longer than `timeout` seconds."""
    breaker = Breaker(timeout)  # the server's silence; writes that ran out of time have their own
    server_ms = max(int(timeout * SERVER_SHARE * 1000), 1)
    lock_ms = max(int(server_ms * LOCK_SHARE), 1)
    engine = create_engine(
        url,
        hide_parameters=True,  # statement parameters hold personal data; errors end up in logs
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=10,
        pool_timeout=timeout,
        poolclass=_deadline_pool(breaker),
        connect_args={
            # Kernel-level checks find a vanished host or network on idle pooled connections within ~16 s,
            # so a checkout gets a fresh connection instead of a dead one; a frozen server process still
            # acknowledges packets, which is what the client bound above is for.
            "keepalives": 1,
            "keepalives_idle": 10,
            "keepalives_interval": 2,
            "keepalives_count": 3,
            "tcp_user_timeout": 16_000,
        },
    )

    @event.listens_for(engine, "do_connect")
    def _connect(dialect, record, cargs, cparams):
        left = _left(timeout)
        cparams = {**cparams, "connect_timeout": max(CONNECT_FLOOR, math.ceil(left))}
        limits = f"{UTC_SESSION} -c statement_timeout={server_ms} -c lock_timeout={lock_ms}"
        cparams["options"] = f"{cparams.get('options', '')} {limits}".strip()
        if breaker.open and left < CONNECT_FLOOR:
            # libpq cannot wait less than 2 s: while the server is silent, a thread tries, not the request.
            _probe_in_background(breaker, cargs, cparams)
            raise StoreTimeout(
                "PostgreSQL did not answer lately; a connection is being tried in the background"
            )
        if left <= 0.01:
            breaker.failed()
            raise StoreTimeout(f"no time left within {timeout:.2f} s to connect to PostgreSQL")
        try:
            connection = BoundedConnection.connect(*cargs, **cparams)
        except psycopg.OperationalError:
            breaker.failed()
            raise
        breaker.succeeded()  # only a new connection proves the server answers: a wait may send nothing
        connection.wait_bound, connection.breaker = timeout, breaker
        return connection

    return engine


def _probe_in_background(breaker: Breaker, cargs, cparams) -> None:
    if not breaker.claim_probe():
        return  # one probe at a time

    def probe() -> None:
        try:
            psycopg.connect(*cargs, **cparams).close()
        except psycopg.Error:
            pass  # still silent: the next request after this probe starts another
        else:
            breaker.succeeded()
        finally:
            breaker.end_probe()

    threading.Thread(target=probe, name="postgres-probe", daemon=True).start()


@contextmanager
def without_bounds(connection: Connection) -> Iterator[None]:
    """Lift the statement and client bounds in this transaction (migrations may take long on big tables)."""
    raw = connection.connection.driver_connection
    if not isinstance(raw, BoundedConnection):
        yield
        return
    with raw.unbounded():
        connection.exec_driver_sql("SET LOCAL statement_timeout = 0")
        yield
