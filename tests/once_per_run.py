"""A session fixture's value made once per run and shared by every pytest-xdist worker."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def once_per_run(tmp_path_factory, name: str, make: Callable[[], T]) -> T:
    """`make()`'s value: made by the first worker that asks, read by the others from the run's shared temporary
    folder (fresh each run); a run without workers just makes it."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return make()
    import cloudpickle  # an MLflow dependency; plain pickle cannot carry the model's local reason renderers

    # Each worker's basetemp is a folder of the controller's, which no other run uses.
    shared = tmp_path_factory.getbasetemp().parent
    path = shared / f"{name}.pickle"
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(
            lock, fcntl.LOCK_EX
        )  # a second worker waits for the first's value rather than making its own
        if path.exists():
            return cloudpickle.loads(path.read_bytes())
        value = make()
        partial = path.with_suffix(".partial")
        partial.write_bytes(cloudpickle.dumps(value))
        partial.replace(path)
        return value
