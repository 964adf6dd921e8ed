"""Batch-building helpers that keep Python's cyclic garbage collector out of the way."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic GC while many small acyclic objects are built; it would rescan them for nothing.

    Measured on 200k leads: validating history spent two thirds of its time in full collections.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
