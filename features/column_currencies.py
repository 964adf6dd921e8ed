"""The currencies a number column's cells are marked in: a column the model learns is one unit, not several."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from leadgate.features.money_cells import SIGNS, currency_marks


def _codes(mark: str) -> frozenset[str]:
    """The currencies a mark may stand for: a code itself, a sign each its currencies ('$': USD, CAD…)."""
    return frozenset((mark,) if len(mark) == 3 else SIGNS.get(mark, (mark,)))


def currency_counts(texts: Iterable[str]) -> Counter[str]:
    """How many cells carry each currency mark, as written ('$', 'USD', '€'); unmarked cells are not counted."""
    counts: Counter[str] = Counter()
    for text, count in Counter(texts).items():
        for mark in currency_marks(text):
            counts[mark] += count
    return counts


def one_currency(counts: Counter[str]) -> bool:
    """Whether every mark may stand for one currency ('$' and 'USD' may; '$' and '€' may not)."""
    shared: frozenset[str] | None = None
    for mark in counts:
        shared = _codes(mark) if shared is None else shared & _codes(mark)
    return shared is None or bool(shared)


def mixed_currencies(column: str, texts: list[str]) -> str | None:
    """The problem of a number column whose cells are amounts in different currencies, or None.

    Read as numbers they would be one unit ('$ 1,000' and '€ 1.000' both 1000): the model would learn a
    dollar and a euro as the same amount (walk F6b).
    """
    counts = currency_counts(texts)
    if one_currency(counts):
        return None
    held = ", ".join(f"{mark!r} {count:,}" for mark, count in counts.most_common())
    examples = {}
    for text in texts:
        for mark in currency_marks(text):
            examples.setdefault(mark, text)
    shown = ", ".join(repr(examples[mark]) for mark, _ in counts.most_common(3))
    return (
        f"column {column!r} holds amounts in different currencies (cells per currency mark: {held}; such as "
        f"{shown}), which a model would read as one unit: convert them to one currency in the export, split "
        "the column into one per currency, give it its one `currency:` (the cells in another are then each "
        "their row's error), or read it as a category (leave out `type`)"
    )
