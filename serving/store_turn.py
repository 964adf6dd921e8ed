"""SQLite's one-writer turn among the threads of a process and between worker processes (an flock)."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import OperationalError

try:
    import fcntl
except ImportError:  # not POSIX: processes fall back on SQLite's own busy handler
    fcntl = None


class StoreBusy(OperationalError):
    """The writer turn did not come within the bound (another writer holds the database)."""

    def __init__(self, waited: float):
        super().__init__(None, None, Exception(f"the SQLite write lock stayed taken for {waited:.2f} s"))


class WriterTurn:
    """SQLite's one-writer turn, handed over at once: a thread lock in the process, an flock between processes.

    A SQLite writer that finds the write lock taken polls it with sleeps of 1, 2, 5 … up to 100 ms; with two
    workers on two busy cores, a writer descheduled while holding the lock made the other wait tens of ms.
    Waiting on these locks instead wakes the next writer as soon as the turn is free. With a `bound`, the
    whole wait for the turn ends within it (StoreBusy), and so does SQLite's own wait behind it.
    """

    def __init__(self, lock_path: str | None, bound: float | None = None):
        self.thread_lock = threading.Lock()
        self.bound = bound
        self._lock_path = lock_path if fcntl is not None else None
        self._fd: int | None = None
        self._pid: int | None = None

    @contextmanager
    def held(self, bound: float | None = None) -> Iterator[float | None]:
        """This process's turn, then (for a file database) the turn among processes; yields the time left.

        `bound` replaces the turn's own bound for this wait (the checkpointer waits less than a request).
        """
        bound = self.bound if bound is None else bound
        started = time.monotonic()
        if not self.thread_lock.acquire(timeout=-1 if bound is None else bound):
            raise StoreBusy(time.monotonic() - started)
        try:
            fd = self._file()
            if fd is not None:
                self._lock_file(fd, started, bound)
            try:
                yield None if bound is None else bound - (time.monotonic() - started)
            finally:
                if fd is not None:
                    fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            self.thread_lock.release()

    def _lock_file(self, fd: int, started: float, bound: float | None) -> None:
        if bound is None:
            fcntl.flock(fd, fcntl.LOCK_EX)  # releases the GIL while it waits
            return
        # flock has no timeout: poll, but at most 1 ms apart (SQLite's own polling sleeps up to 100 ms).
        pause = 0.0002
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                waited = time.monotonic() - started
                if waited >= bound:
                    raise StoreBusy(waited) from None
                time.sleep(min(pause, bound - waited))
                pause = min(pause * 2, 0.001)

    def _file(self) -> int | None:
        if self._lock_path is None:
            return None
        if self._pid != os.getpid():  # a forked worker needs its own open file: flock is per open file
            try:
                self._fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as error:
                # The database's folder is gone or not writable: an outage to answer 503, not a bug (500).
                raise OperationalError(None, None, error) from error
            self._pid = os.getpid()
        return self._fd

    def __del__(self) -> None:
        if self._fd is not None and self._pid == os.getpid():
            os.close(self._fd)
