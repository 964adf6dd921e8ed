"""Big batches cut into chunks and the chunks' decisions joined back into one batch, as if decided at once."""

from __future__ import annotations

from dataclasses import fields
from functools import partial
from itertools import chain
from typing import TYPE_CHECKING

import numpy as np

from leadgate.features.table import LeadTable

if TYPE_CHECKING:
    from leadgate.decision.decisions import Decisions

# Below this many leads one thread is faster: the chunks would be too small to amortize their setup.
PARALLEL_MIN_LEADS = 8_192
CHUNK_LEADS = 4_096


def chunk_bounds(n: int, size: int = CHUNK_LEADS) -> list[tuple[int, int]]:
    """(start, stop) of consecutive chunks of at most `size` leads, as even as can be, covering 0..n."""
    count = max(1, -(-n // size))
    edges = np.linspace(0, n, count + 1).round().astype(int).tolist()
    return list(zip(edges[:-1], edges[1:], strict=True))


def concat_tables(parts: list[LeadTable]) -> LeadTable:
    """One table from tables of consecutive leads; event lead indexes are shifted to the joined rows."""
    offsets = np.cumsum([0] + [part.n for part in parts[:-1]])
    return LeadTable(
        text={name: list(chain.from_iterable(p.text[name] for p in parts)) for name in parts[0].text},
        numbers={name: np.concatenate([p.numbers[name] for p in parts]) for name in parts[0].numbers},
        event_lead=np.concatenate([p.event_lead + offset for p, offset in zip(parts, offsets, strict=True)]),
        event_type=np.concatenate([p.event_type for p in parts]),
        event_age_days=np.concatenate([p.event_age_days for p in parts]),
        custom=list(chain.from_iterable(p.custom for p in parts)),
    )


def concat(parts: list, shared: tuple[str, ...] = (), nested: dict | None = None):
    """One dataclass from index-aligned parts: arrays and lists joined in order, `shared` fields from the first.

    `nested` maps a field to the function that joins it. Any other kind of field is an error, so a field
    added later cannot be silently taken from the first chunk only.
    """
    nested = nested or {}
    first = parts[0]
    values = {}
    for field in fields(first):
        column = [getattr(part, field.name) for part in parts]
        if field.name in nested:
            values[field.name] = nested[field.name](column)
        elif field.name in shared or column[0] is None:
            values[field.name] = column[0]
        elif isinstance(column[0], np.ndarray):
            values[field.name] = np.concatenate(column)
        elif isinstance(column[0], list):
            values[field.name] = list(chain.from_iterable(column))
        else:
            raise TypeError(f"{type(first).__name__}.{field.name}: cannot join {type(column[0]).__name__}")
    return type(first)(**values)


def join_decisions(parts: list[Decisions]) -> Decisions:
    """One batch from the decisions of consecutive chunks (decided by one pipeline at one time)."""
    if len(parts) == 1:
        return parts[0]
    return concat(
        parts,
        shared=("model_version", "policy_version", "decided_at", "book", "policy", "lists_version"),
        nested={
            "gates": partial(concat, shared=("specs",)),
            "derived": partial(concat, nested={"table": concat_tables}),
        },
    )
