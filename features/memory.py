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


def freeze_long_lived(collect: bool = True) -> None:
    """Put every object alive now out of the cyclic GC's reach: for what lives as long as the process.

    A service holds ~400k long-lived objects (libraries, model, policy, caches); a full collection that
    rescanned them paused every request for ~250 ms. `collect` first drops today's garbage, but holds the
    GIL for that long, so a background swap passes False.
    """
    if collect:
        gc.collect()
    gc.freeze()
