"""Ctrl-C or SIGTERM during `train`: a clean stop, and never a registered version or a moved alias after one."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

import typer

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(KeyboardInterrupt):
    """A SIGINT or SIGTERM turned into a stop; its exit code is the shell's for that signal (130, 143)."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def name(self) -> str:
        """SIGINT or SIGTERM."""
        return signal.Signals(self.signum).name

    @property
    def exit_code(self) -> int:
        """128 + the signal's number, as a shell reports a process the signal ended."""
        return 128 + self.signum


class StopSignals(AbstractContextManager):
    """SIGINT and SIGTERM while a training runs: raised at once while nothing is registered, and always noted.

    Noted because MLflow's logging runs Python inside garbage-collector and weakref callbacks, where a raised
    KeyboardInterrupt is printed as "Exception ignored" and dropped: the training went on and made the model it
    was told to stop the champion (walk tiny, F6). Raised once only, and not at all from the first `go_on` on:
    later signals are only noted, so neither the cleanup after a stop (the run marked, a version deleted) nor a
    registry write is cut in half, and `check`/`go_on` decide instead. Python's "Exception ignored" report of a
    dropped one is left out: the stop is said where it takes effect. Without handlers outside the main thread
    (Python allows them only there).
    """

    def __init__(self) -> None:
        self.received: int | None = None
        self._raising = True
        self._before: dict[int, object] = {}

    def __enter__(self) -> StopSignals:
        if threading.current_thread() is threading.main_thread():
            for signum in STOP_SIGNALS:
                self._before[signum] = signal.signal(signum, self._note)
            self._hook, sys.unraisablehook = sys.unraisablehook, self._unraisable
        return self

    def __exit__(self, *exc) -> None:
        for signum, handler in self._before.items():
            signal.signal(signum, handler)
        if self._before:
            sys.unraisablehook = self._hook
        self._before.clear()

    def _unraisable(self, unraisable) -> None:
        if not isinstance(unraisable.exc_value, Interrupted):  # a dropped stop is noted: `check` raises it
            self._hook(unraisable)

    def _note(self, signum: int, frame) -> None:
        self.received = self.received or signum
        if self._raising:
            self._raising = False
            raise Interrupted(signum)

    def check(self) -> None:
        """Raise Interrupted if a stop signal came, even one whose exception was dropped."""
        if self.received is not None:
            self._raising = False  # the cleanup after this stop is not cut short by the next signal
            raise Interrupted(self.received)

    @contextmanager
    def held(self) -> Iterator[None]:
        """Signals only noted while a step that must not be cut in half runs, then `check`."""
        raising, self._raising = self._raising, False
        try:
            yield
        finally:
            self._raising = raising
        self.check()

    def go_on(self) -> None:
        """`check`; from now on signals are only noted, for the next `check` or `go_on` to raise."""
        self._raising = False
        self.check()


def stopped(interrupted, started: float) -> typer.Exit:
    """One line: stopped, nothing registered, the MLflow run it cut short marked KILLED; the signal's exit code."""
    from leadgate.cli.common import console

    run_id = kill_cut_run(started)
    marked = f"; MLflow run {run_id} marked KILLED" if run_id else ""
    console.print(
        f"[red]training stopped by {interrupted.name}: nothing was registered and no alias moved{marked}[/]"
    )
    return typer.Exit(code=interrupted.exit_code)


def kill_cut_run(started: float) -> str | None:
    """The run this command started, if the stop came after it began, marked KILLED (else it would read
    RUNNING, or FINISHED with no model version)."""
    import sys

    if "mlflow" not in sys.modules:  # stopped before anything was logged
        return None
    import mlflow
    from mlflow.exceptions import MlflowException

    try:
        run = mlflow.last_active_run()
        if run is None or run.info.start_time < started * 1000:  # an earlier command's, in this process
            return None
        mlflow.MlflowClient().set_terminated(run.info.run_id, "KILLED")
    except MlflowException:
        return None
    return run.info.run_id
