"""A background task of the service: run once now, then every `interval` seconds in a daemon thread."""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod


class IntervalThread(ABC):
    """Runs `run_once` now and every `interval` seconds until stopped or `finished`; subclasses say what it does."""

    name = "interval-task"

    def __init__(self, interval: float):
        self.interval = interval
        self.failures = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @abstractmethod
    def run_once(self) -> object:
        """One turn of the task."""

    def finished(self) -> bool:
        """Whether the task has nothing left to do (a task that runs for good never is)."""
        return False

    def start(self) -> None:
        """Run once now (what happened while no service ran), then every `interval`, in a daemon thread."""
        self._stop.clear()
        self._thread = threading.Thread(target=self._work, name=self.name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop; a turn under way finishes its current transaction first."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None

    def _work(self) -> None:
        self.run_once()
        while not self.finished() and not self._stop.wait(self.interval):
            self.run_once()
