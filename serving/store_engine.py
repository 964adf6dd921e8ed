"""The decision store's engine (SQLite WAL or PostgreSQL), its migrations, and SQLite writers taking turns."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from weakref import WeakKeyDictionary, ref

from sqlalchemy import Connection, Engine, create_engine, event, make_url

try:
    import fcntl
except ImportError:  # not POSIX: processes fall back on SQLite's own busy handler
    fcntl = None

MIGRATIONS = Path(__file__).parent / "migrations"


def make_engine(url: str) -> Engine:
    """An engine that checks connections before use, so the service recovers when the database returns."""
    if url.startswith("sqlite"):
        path = make_url(url).database or ""  # "sqlite://" is in memory: no database part
        on_disk = bool(path) and path != ":memory:" and not path.startswith("file:")
        if on_disk:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # No pre-ping: a file has no connection to lose, and a SELECT 1 per request cost ~5% of a request.
        engine = create_engine(url, connect_args={"timeout": 10, "check_same_thread": False})
        weak_engine = ref(engine)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection, _record) -> None:
            cursor = connection.cursor()
            # WAL lets readers run beside the one writer; foreign keys are off by default in SQLite.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            pages = _AUTOCHECKPOINT.get(weak_engine(), SQLITE_AUTOCHECKPOINT_PAGES)
            cursor.execute(f"PRAGMA wal_autocheckpoint={int(pages)}")
            cursor.close()

        _TURNS[engine] = WriterTurn(f"{path}-writer.lock" if on_disk else None)
        if on_disk:
            _AUTOCHECKPOINT[engine] = SQLITE_AUTOCHECKPOINT_PAGES
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10, pool_timeout=5)


class WriterTurn:
    """SQLite's one-writer turn, handed over at once: a thread lock in the process, an flock between processes.

    A SQLite writer that finds the write lock taken polls it with sleeps of 1, 2, 5 … up to 100 ms; with two
    workers on two busy cores, a writer descheduled while holding the lock made the other wait tens of ms.
    Waiting on these locks instead wakes the next writer as soon as the turn is free.
    """

    def __init__(self, lock_path: str | None):
        self.thread_lock = threading.Lock()
        self._lock_path = lock_path if fcntl is not None else None
        self._fd: int | None = None
        self._pid: int | None = None

    @contextmanager
    def held(self) -> Iterator[None]:
        """This process's turn, then (for a file database) the turn among processes."""
        with self.thread_lock:
            fd = self._file()
            if fd is None:
                yield
                return
            fcntl.flock(fd, fcntl.LOCK_EX)  # releases the GIL while it waits
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)

    def _file(self) -> int | None:
        if self._lock_path is None:
            return None
        if self._pid != os.getpid():  # a forked worker needs its own open file: flock is per open file
            self._fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o644)
            self._pid = os.getpid()
        return self._fd

    def __del__(self) -> None:
        if self._fd is not None and self._pid == os.getpid():
            os.close(self._fd)


_TURNS: WeakKeyDictionary[Engine, WriterTurn] = WeakKeyDictionary()
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


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A write transaction; on SQLite, queued behind the other writers of this and other processes."""
    turn = _TURNS.get(engine)
    with turn.held() if turn is not None else nullcontext(), engine.begin() as connection:
        yield connection


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
