"""A sequence column's order: each cell's rank among an export's values, read exactly (19-digit CRM ids too)."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from datetime import UTC
from decimal import Decimal

from leadgate.features.cells import Row
from leadgate.features.mapping import Mapping, MappingError, Sequence

log = logging.getLogger(__name__)

_INTEGER = re.compile(r"[+-]?\d+")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
# A CRM's own prefix before the number (Zoho's 'zcrm_4876876000000123001', 'LEAD-0042'): no digit in it.
_PREFIXED = re.compile(r"(\D*)(\d+)")


def sequence_ranks(mapping: Mapping, keys: Iterable[str | None]) -> dict[str, int]:
    """Each sequence value's rank among all of an export's values (empty: none when created_at is no sequence).

    Values compare as the exact numbers they write: above 2**53 a float cannot tell 19-digit ids apart, and
    ties would then take a set's order, which changes with every process. Cells writing the same number
    ('7', '007') share a rank; a blank cell ranks after every other. A prefix the same on every cell
    ('zcrm_') is read past; cells with different prefixes are refused, as their order is no number's.
    """
    if not isinstance(mapping.created_at, Sequence):
        return {}
    column = mapping.created_at.column
    distinct = {key for key in keys if key}
    numbers = _numbers(column, distinct)
    order = {value: rank for rank, value in enumerate(sorted(set(numbers.values())))}
    ranks = {key: order[value] for key, value in numbers.items()}
    ranks[""] = len(order)  # a blank cell: after every value (training says so, or leaves such rows out)
    # Said once per read, as an inferred decimal mark is: the dates shown for these leads are made up.
    if order:
        log.warning("%s", invented_note(mapping.created_at))
    return ranks


def invented_note(rule: Sequence) -> str:
    """What a sequence's dates are: its order, from `start` a step a rank, not when a lead was created."""
    start = rule.start if rule.start.tzinfo else rule.start.replace(tzinfo=UTC)
    step = f"{rule.step_seconds:g}"
    return (
        f"{rule.column}: leads dated by their order in the sequence ({start.isoformat()} plus {step} s a rank), "
        "not by when they were created: each is decided as it stood when created, and a date shown for one "
        "(a suppression's created_at) is its place in that order"
    )


def sequence_keys(mapping: Mapping, raw_rows: Iterable[dict]) -> Iterator[str | None]:
    """The sequence column's cell of each row, as the ranks read it."""
    placeholders = set(mapping.placeholders)
    for raw in raw_rows:
        yield Row(raw, placeholders).text(mapping.created_at.column)


def _numbers(column: str, keys: set[str]) -> dict[str, int | Decimal]:
    """Each cell's exact number: an int for whole numbers, a Decimal for decimal text (the two compare exactly),
    or the whole number after a prefix every cell shares."""
    plain = {key: _number(key) for key in keys}
    if all(value is not None for value in plain.values()):
        return plain
    parts = {key: _PREFIXED.fullmatch(key) for key in keys}
    odd = sorted(key for key, part in parts.items() if part is None)
    if odd:
        raise MappingError(
            f"{column}: a sequence column must hold numbers, or whole numbers after one prefix on every cell "
            f"(zcrm_4876876000000123001), not {_quoted(odd)}"
        )
    prefixes = sorted({part.group(1) for part in parts.values()})
    if len(prefixes) > 1:
        written = [
            f"{prefix!r} ({_example(parts, prefix)})" if prefix else f"none ({_example(parts, prefix)})"
            for prefix in prefixes
        ]
        raise MappingError(
            f"{column}: a sequence column's cells must all write the same prefix before their number, not "
            f"{', '.join(written[:3])}{_more(written)}: which comes first is no number's order"
        )
    return {key: int(part.group(2)) for key, part in parts.items()}


def _number(text: str) -> int | Decimal | None:
    """The exact number a cell writes, or None when it writes none ('1,000', 'inf' and 'nan' write none)."""
    if _INTEGER.fullmatch(text):
        return int(text)
    if _NUMBER.fullmatch(text):
        return Decimal(text)
    return None


def _example(parts: dict[str, re.Match], prefix: str) -> str:
    """One cell written with the prefix, as the export writes it."""
    return min(key for key, part in parts.items() if part.group(1) == prefix)


def _quoted(values: list[str]) -> str:
    """A few values quoted as the export writes them: "'a', 'b' and 3 more"."""
    return ", ".join(repr(value) for value in values[:3]) + _more(values)


def _more(values: list) -> str:
    return f" and {len(values) - 3:,} more" if len(values) > 3 else ""
