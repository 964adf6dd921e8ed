"""The decision store's engine (SQLite WAL or PostgreSQL): bounded writes and reads, WAL upkeep."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from weakref import WeakKeyDictionary, ref

from sqlalchemy import Connection, Engine, create_engine, event, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from leadgate.serving.store_breaker import Breaker
from leadgate.serving.store_schema import MIGRATIONS, migrate  # noqa: F401 - kept importable from here
from leadgate.serving.store_turn import WriterTurn


# Every engine hides statement parameters from its errors: they hold the lead's personal data (name, email,
# message), and an error message ends up in logs that erasure cannot reach.
def make_engine(url: str, *, timeout: float | None = None, wal_max_bytes: int | None = None) -> Engine:
    """An engine that checks connections before use, so the service recovers when the database returns.

    With a `timeout`, no wait for the database (a free connection, connecting, a lock, a statement, the
    writer turn) lasts longer than that many seconds: it fails as an OperationalError instead of hanging.
    `wal_max_bytes` caps the size SQLite leaves its WAL file at when it starts it over (journal_size_limit).
    """
    if url.startswith("sqlite"):
        engine = _sqlite_engine(url, timeout, wal_max_bytes)
    elif timeout is not None:
        from leadgate.serving.store_postgres import make_bounded_engine

        engine = make_bounded_engine(url, timeout)
    else:
        from leadgate.serving.store_postgres import UTC_SESSION

        engine = create_engine(
            url, pool_pre_ping=True, pool_size=10, max_overflow=10, pool_timeout=5, hide_parameters=True
        )
        _in_utc(engine, UTC_SESSION)
        return engine
    if timeout is not None:
        _BREAKERS[engine] = Breaker(timeout)
    return engine


def _in_utc(engine: Engine, option: str) -> None:
    """Every new PostgreSQL connection of `engine` reads and writes times in UTC, whatever the server's zone."""

    @event.listens_for(engine, "do_connect")
    def _connect(dialect, record, cargs, cparams):
        cparams["options"] = f"{cparams.get('options', '')} {option}".strip()


def sqlite_file(url: str) -> Path | None:
    """The file of an on-disk SQLite URL; None for PostgreSQL, an in-memory database or a `file:` URI."""
    parsed = make_url(url)
    path = parsed.database or ""  # "sqlite://" is in memory: no database part
    on_disk = (
        parsed.get_backend_name() == "sqlite"
        and path not in ("", ":memory:")
        and not path.startswith("file:")
    )
    return Path(path) if on_disk else None


def _sqlite_engine(url: str, timeout: float | None, wal_max_bytes: int | None) -> Engine:
    path = sqlite_file(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    # No pre-ping: a file has no connection to lose, and a SELECT 1 per request cost ~5% of a request.
    # `timeout` is SQLite's busy timeout: how long a statement waits for a lock another process holds.
    busy = 10.0 if timeout is None else timeout
    engine = create_engine(
        url, connect_args={"timeout": busy, "check_same_thread": False}, hide_parameters=True
    )
    weak_engine = ref(engine)

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(connection, _record) -> None:
        cursor = connection.cursor()
        # WAL lets readers run beside the one writer; foreign keys are off by default in SQLite.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # Every delete and update zeroes what it frees: an erased person's data must not linger in free space,
        # and old versions of a lead row (rewritten when events arrive) are not reached by the erasure itself.
        cursor.execute("PRAGMA secure_delete=ON")
        pages = _AUTOCHECKPOINT.get(weak_engine(), SQLITE_AUTOCHECKPOINT_PAGES)
        cursor.execute(f"PRAGMA wal_autocheckpoint={int(pages)}")
        if wal_max_bytes is not None:
            cursor.execute(f"PRAGMA journal_size_limit={int(wal_max_bytes)}")
        cursor.close()

    _TURNS[engine] = WriterTurn(f"{path}-writer.lock" if path is not None else None, timeout)
    if path is not None:
        _AUTOCHECKPOINT[engine] = SQLITE_AUTOCHECKPOINT_PAGES
    return engine


_TURNS: WeakKeyDictionary[Engine, WriterTurn] = WeakKeyDictionary()
_BREAKERS: WeakKeyDictionary[Engine, Breaker] = WeakKeyDictionary()  # engines made with a timeout
SQLITE_AUTOCHECKPOINT_PAGES = 1000  # SQLite's default
# WAL pages after which a commit checkpoints, per SQLite file engine; 0 while a background thread does it.
_AUTOCHECKPOINT: WeakKeyDictionary[Engine, int] = WeakKeyDictionary()


def set_autocheckpoint(engine: Engine, pages: int) -> bool:
    """Set the WAL pages after which a commit checkpoints (0: never); False if not a SQLite file engine."""
    if engine not in _AUTOCHECKPOINT:
        return False
    _AUTOCHECKPOINT[engine] = pages
    engine.dispose()  # pooled connections took the old setting when they opened
    return True


# An admin write (a suppression deciding an account's thousands of stored leads again) may take this many
# times the store's bound: it is rare, a person waits for it, and it cannot be split without losing its
# all-or-nothing.
ADMIN_BOUNDS = 10


@contextmanager
def writing(engine: Engine, *, admin: bool = False) -> Iterator[Connection]:
    """A write transaction; on SQLite, queued behind the other writers of this and other processes.

    On an engine made with a timeout, the whole transaction (the turn, locks, statements) ends within it, or
    within the breaker's short probe after a write ran out of time. `admin`: ADMIN_BOUNDS times the bound,
    and running out of it is this write's failure, not the store's: the breaker stays as it was, so intake
    is not refused for a rep's long write. While the breaker is open an admin write only probes, too.
    """
    breaker = _BREAKERS.get(engine)
    if breaker is None:
        turn = _TURNS.get(engine)
        with turn.held() if turn is not None else nullcontext(), engine.begin() as connection:
            yield connection
        return
    patient = admin and not breaker.open
    budget = breaker.bound * ADMIN_BOUNDS if patient else breaker.budget()
    try:
        with (
            _uncounted(engine) if patient else nullcontext(),
            _bounded_transaction(engine, budget) as connection,
        ):
            yield connection
    except (OperationalError, PoolTimeout):
        if not patient:
            breaker.failed()
        raise
    breaker.succeeded()


@contextmanager
def _uncounted(engine: Engine) -> Iterator[None]:
    if engine in _TURNS:  # SQLite: no server breaker
        yield
        return
    from leadgate.serving.store_postgres import uncounted

    with uncounted():
        yield


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A read on the way to a write (what a batch of new leads is decided with): bounded as `writing` is.

    On PostgreSQL it gets the writes' budget, so after a write ran out of time the reads of the batches
    queued behind it only try (the breaker) instead of each waiting the whole bound. SQLite's readers never
    wait for its writer (WAL), so they need no turn.
    """
    breaker = _BREAKERS.get(engine)
    if breaker is None or engine in _TURNS:
        with engine.connect() as connection:
            yield connection
        return
    from leadgate.serving.store_postgres import deadline

    try:
        with deadline(breaker.budget()), engine.connect() as connection:
            yield connection
    except (OperationalError, PoolTimeout):
        breaker.failed()
        raise
    breaker.succeeded()


@contextmanager
def _bounded_transaction(engine: Engine, budget: float) -> Iterator[Connection]:
    turn = _TURNS.get(engine)
    if turn is None:
        from leadgate.serving.store_postgres import deadline

        with deadline(budget), engine.begin() as connection:
            yield connection
        return
    with turn.held(budget) as left, engine.begin() as connection:
        if left < turn.bound * 0.9:
            # The turn took a while: SQLite's own wait (behind a writer outside leadgate) gets what is left.
            with _busy_timeout(connection, left, turn.bound):
                yield connection
        else:
            yield connection


@contextmanager
def _busy_timeout(connection: Connection, seconds: float, usual: float) -> Iterator[None]:
    raw = connection.connection.driver_connection
    raw.execute(f"PRAGMA busy_timeout={max(int(seconds * 1000), 1)}")
    try:
        yield
    finally:
        raw.execute(f"PRAGMA busy_timeout={int(usual * 1000)}")


def ready(engine: Engine) -> bool:
    """True when the store answers within its bound; on SQLite, when its write lock can be had, too."""
    try:
        if engine in _TURNS:
            with writing(engine) as connection:
                # Reads go on while another process holds the write lock: only taking it shows writes can.
                connection.connection.driver_connection.execute("BEGIN IMMEDIATE")
        else:
            with engine.connect() as connection:
                # Waits out a lock on either table every decision writes (a query locks all it names); one
                # row of each, never a join that would scan one table when the other is empty.
                connection.exec_driver_sql(
                    "SELECT (SELECT 1 FROM leads LIMIT 1), (SELECT 1 FROM decisions LIMIT 1)"
                )
    except Exception:  # noqa: BLE001 - any failure means "not ready"
        return False
    return True


def truncate_wal(engine: Engine, wait: float) -> tuple[int, int, int] | None:
    """A TRUNCATE checkpoint in the writer's turn, waiting at most `wait` s for the turn and for readers.

    Answers SQLite's (busy, frames, checkpointed), busy 1 when readers kept the WAL; None for no SQLite file.
    """
    turn = _TURNS.get(engine)
    if turn is None or engine not in _AUTOCHECKPOINT:
        return None
    with (
        turn.held(wait) as left,
        engine.connect() as connection,
        _busy_timeout(connection, max(left, 0.001), turn.bound or 10.0),
    ):
        raw = connection.connection.driver_connection
        return tuple(raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone())


def wal_bytes(engine: Engine) -> int | None:
    """The size of a SQLite file's WAL (0 when there is none); None for no SQLite file."""
    if engine not in _AUTOCHECKPOINT:
        return None
    try:
        return os.stat(f"{engine.url.database}-wal").st_size
    except FileNotFoundError:
        return 0
