"""Leader/follower batching: concurrent callers share one call of a batch function, with no waiting for company."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


class _Slot(Generic[Item, Result]):
    """One caller's item, its outcome, and the event it waits on."""

    __slots__ = ("item", "result", "error", "leads", "done")

    def __init__(self, item: Item):
        self.item = item
        self.result: Result | None = None
        self.error: BaseException | None = None
        self.leads = False  # this caller runs the next batch
        self.done = threading.Event()  # set when decided, or when made the leader


class Batcher(Generic[Item, Result]):
    """Runs `run(items)` for everything submitted while an earlier batch was running.

    A caller that finds no batch running runs one at once with its own item, so a lone request waits for
    nobody. Callers arriving meanwhile queue; when the leader's batch ends, the oldest of them leads the next
    batch with every item queued by then (up to `max_batch`). Under load, batches grow by themselves, and the
    fixed cost of one call (a vectorized pipeline, a transaction) is shared by all their items.

    `run` returns one entry per item: a result, or an exception to raise in that item's caller. If `run`
    itself raises, every caller of the batch gets that exception.
    """

    def __init__(self, run: Callable[[list[Item]], list[Result | BaseException]], max_batch: int = 32):
        if max_batch < 1:
            raise ValueError("max_batch must be at least 1")
        self._run = run
        self.max_batch = max_batch
        self._lock = threading.Lock()
        self._queued: list[_Slot] = []
        self._running = False
        self.batches = 0  # batches run so far, and the items in them: for metrics and tests
        self.items = 0

    def submit(self, item: Item) -> Result:
        """Run `item` in the current or next batch and return its result (or raise its exception)."""
        slot: _Slot = _Slot(item)
        with self._lock:
            self._queued.append(slot)
            if not self._running:
                self._running = slot.leads = True
        if not slot.leads:
            slot.done.wait()
        if slot.leads:
            self._lead()
        if slot.error is not None:
            raise slot.error
        return slot.result

    def _lead(self) -> None:
        with self._lock:
            batch, self._queued = self._queued[: self.max_batch], self._queued[self.max_batch :]
        try:
            outcomes = self._run([slot.item for slot in batch])
            if len(outcomes) != len(batch):
                raise RuntimeError(f"batch function gave {len(outcomes)} results for {len(batch)} items")
        except BaseException as error:  # noqa: BLE001 - handed to every caller of the batch
            outcomes = [error] * len(batch)
        for slot, outcome in zip(batch, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                slot.error = outcome
            else:
                slot.result = outcome
        with self._lock:
            self.batches += 1
            self.items += len(batch)
            # Hand over before waking the batch's callers: the next leader starts as soon as possible.
            if self._queued:
                self._queued[0].leads = True
                self._queued[0].done.set()
            else:
                self._running = False
        for slot in batch:
            slot.leads = False
            slot.done.set()
