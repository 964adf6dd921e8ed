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


def shared_currencies(texts: Iterable[str]) -> tuple[str, ...]:
    """The currencies every marked cell may be in ('€' and 'EUR': EUR), sorted; () when none is marked or they
    share none."""
    shared: frozenset[str] | None = None
    for mark in currency_counts(texts):
        shared = _codes(mark) if shared is None else shared & _codes(mark)
    return tuple(sorted(shared or ()))


def check_trained_currency(codes: tuple[str, ...], text: str) -> None:
    """Refuse a cell marked in a currency other than the one training read its column's amounts in (`codes`):
    read as a number it would be taken as that unit (walk F6b)."""
    for mark in sorted(currency_marks(text)):
        if _codes(mark) & set(codes):
            continue
        # '$' for the dollars and pesos its sign stands for, as training's cells wrote it; else the code.
        named = next((sign for sign, of in SIGNS.items() if len(of) > 1 and set(of) == set(codes)), None)
        named = named or " or ".join(codes)
        raise ValueError(
            f"{text!r} is an amount in {mark}, but the model was trained on this column's amounts in {named}: "
            f"write it in {named}, as training's cells were (a model reads a column as one currency)"
        )


def with_trained_currencies(mapping, currencies: dict[str, list[str]] | None):
    """The mapping with each number column that names no currency refusing cells in another currency than
    training read it in (`currencies`: a model's metadata, by lead path: 'custom.budget': ['EUR'])."""
    if not currencies:
        return mapping

    def kept(path: str, rule):
        codes = currencies.get(path)
        if not codes or rule.type not in ("number", "integer") or rule.currency is not None:
            return rule
        rule = rule.model_copy()
        rule._trained_currencies = tuple(codes)
        return rule

    fields = {path: kept(path, rule) for path, rule in mapping.fields.items()}
    custom = {name: kept(f"custom.{name}", rule) for name, rule in mapping.custom.items()}
    return mapping.model_copy(update={"fields": fields, "custom": custom})


def mixed_currencies(column: str, texts: list[str], mapped: bool = True) -> str | None:
    """The problem of a number column whose cells are amounts in different currencies, or None.

    Read as numbers they would be one unit ('$ 1,000' and '€ 1.000' both 1000): the model would learn a
    dollar and a euro as the same amount (walk F6b). `mapped`: a mapping reads the column, whose options the
    line may name; else a lead-path table's (`custom.budget`), which has none.
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
    said = (
        f"column {column!r} holds amounts in different currencies (cells per currency mark: {held}; such as "
        f"{shown}), which a model would read as one unit: convert them to one currency in the"
    )
    if not mapped:
        return f"{said} file, or split the column into one per currency"
    return (
        f"{said} export, split the column into one per currency, give it its one `currency:` (the cells in "
        "another are then each their row's error), or read it as a category (leave out `type`)"
    )
