"""Leader/follower batching: every caller gets its own outcome, and concurrent callers share calls."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from leadgate.serving.batcher import Batcher


def test_a_lone_caller_runs_at_once_in_a_batch_of_its_own():
    calls = []
    batcher = Batcher(lambda items: calls.append(list(items)) or [i * 2 for i in items])
    assert batcher.submit(21) == 42
    assert calls == [[21]]


def _first_batch_blocks(answer=lambda item: item):
    """A batch function whose first call waits for `release`, so that later callers queue behind it."""
    started, release = threading.Event(), threading.Event()
    calls = []

    def run(items):
        calls.append(list(items))
        if len(calls) == 1:
            started.set()
            release.wait(5)
        return [answer(i) for i in items]

    return run, started, release, calls


def test_callers_arriving_while_a_batch_runs_share_the_next_call_and_get_their_own_results():
    run, started, release, calls = _first_batch_blocks(lambda i: f"r{i}")
    batcher = Batcher(run, max_batch=32)
    with ThreadPoolExecutor(12) as pool:
        first = pool.submit(batcher.submit, 0)
        assert started.wait(5)
        rest = [pool.submit(batcher.submit, i) for i in range(1, 12)]
        while len(batcher._queued) < 11:  # every follower is queued behind the running batch
            time.sleep(0.005)
        release.set()
        assert first.result(5) == "r0"
        assert [f.result(5) for f in rest] == [f"r{i}" for i in range(1, 12)]
    assert calls[0] == [0] and sorted(calls[1]) == list(range(1, 12))
    assert (batcher.batches, batcher.items) == (2, 12)


def test_max_batch_caps_a_call_and_the_queue_is_drained_in_order():
    run, started, release, calls = _first_batch_blocks()
    batcher = Batcher(run, max_batch=4)
    with ThreadPoolExecutor(11) as pool:
        first = pool.submit(batcher.submit, 0)
        assert started.wait(5)
        futures = []
        for i in range(1, 11):
            futures.append(pool.submit(batcher.submit, i))
            while len(batcher._queued) < i:  # queued in a known order
                time.sleep(0.002)
        release.set()
        assert [f.result(5) for f in [first, *futures]] == list(range(11))
    assert calls == [[0], [1, 2, 3, 4], [5, 6, 7, 8], [9, 10]]


def test_an_item_error_is_raised_in_its_own_caller_only():
    def run(items):
        return [ValueError(f"bad {i}") if i % 2 else i for i in items]

    batcher = Batcher(run)
    assert batcher.submit(2) == 2
    with pytest.raises(ValueError, match="bad 3"):
        batcher.submit(3)


def test_a_failing_batch_function_raises_in_every_caller_and_the_batcher_keeps_working():
    fail = [True]

    def run(items):
        if fail[0]:
            raise ConnectionError("store down")
        return items

    batcher = Batcher(run)
    with ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(batcher.submit, i) for i in range(8)]
        for future in futures:
            with pytest.raises(ConnectionError, match="store down"):
                future.result(5)
    fail[0] = False
    assert batcher.submit(5) == 5  # no leader left stuck: the next caller leads again


def test_a_result_count_that_does_not_match_is_an_error_not_a_silent_mixup():
    batcher = Batcher(lambda items: [])
    with pytest.raises(RuntimeError, match="0 results for 1 items"):
        batcher.submit(1)


def test_many_concurrent_callers_each_get_exactly_their_own_result():
    batcher = Batcher(lambda items: [(i, i * i) for i in items], max_batch=7)
    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(batcher.submit, range(2000)))
    assert results == [(i, i * i) for i in range(2000)]
    assert batcher.items == 2000
    assert not batcher._running and not batcher._queued


def test_max_batch_must_be_positive():
    with pytest.raises(ValueError, match="at least 1"):
        Batcher(lambda items: items, max_batch=0)
