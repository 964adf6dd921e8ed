"""Chunked decisions on two threads are the very decisions one thread makes on the whole batch."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime

import numpy as np
import pytest

from leadgate import runtime
from leadgate.decision import batching
from leadgate.decision.decisions import Decisions


def test_chunks_cover_every_lead_once_in_order():
    assert batching.chunk_bounds(10, size=4) == [(0, 3), (3, 7), (7, 10)]
    for n, size in [(1, 4096), (10, 4), (8_193, 4_096), (200_000, 4_096)]:
        bounds = batching.chunk_bounds(n, size)
        assert bounds[0][0] == 0 and bounds[-1][1] == n
        assert all(stop == start for (_, stop), (start, _) in zip(bounds, bounds[1:], strict=False))
        assert max(stop - start for start, stop in bounds) <= size


def _same(a, b, path="decisions"):
    if isinstance(a, np.ndarray):
        assert a.shape == b.shape and a.dtype == b.dtype, path
        assert np.array_equal(a, b, equal_nan=a.dtype.kind == "f"), path
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), path
        for key in a:
            _same(a[key], b[key], f"{path}.{key}")
    elif hasattr(a, "__dataclass_fields__"):
        for field in fields(a):
            _same(getattr(a, field.name), getattr(b, field.name), f"{path}.{field.name}")
    else:
        assert a == b, path


def test_chunked_decisions_equal_one_thread_s_decisions(pipeline, history, monkeypatch):
    leads = history.leads[:3_000]
    now = datetime(2026, 11, 1, tzinfo=UTC)
    monkeypatch.setattr(runtime, "worker_count", lambda: 1)
    whole = pipeline.decide(leads, now=now)
    monkeypatch.setattr(runtime, "worker_count", lambda: 2)
    monkeypatch.setattr(batching, "PARALLEL_MIN_LEADS", 1_000)
    monkeypatch.setattr(batching, "CHUNK_LEADS", 700)
    chunked = pipeline.decide(leads, now=now)
    assert isinstance(chunked, Decisions) and len(chunked) == len(leads)
    # TreeSHAP on one thread or several sums in the same order per row: exactly equal, not just close.
    _same(whole, chunked)
    assert whole.records() == chunked.records()
    joined, rendered = pipeline.decide_records(leads, now=now)
    _same(whole, joined)
    assert rendered == whole.records()


def test_an_unknown_kind_of_field_is_refused_rather_than_taken_from_one_chunk():
    from dataclasses import dataclass

    @dataclass
    class Odd:
        rows: np.ndarray
        total: int

    with pytest.raises(TypeError, match="Odd.total"):
        batching.concat([Odd(np.zeros(1), 1), Odd(np.zeros(1), 2)])
