"""Money cells: the currency a cell is marked in, and a money column's amount in USD."""

from __future__ import annotations

import re
import unicodedata

from leadgate.features.number_marks import magnitude_word, plain

# The currencies each sign number_marks reads may stand for: '$' is the US dollar's and other dollars' and pesos'
# sign, '¥' the yen's and the yuan's. A cell's sign fits a column in any of them; '¢' (cents) fits none.
SIGNS = {
    "$": ("USD", "CAD", "AUD", "NZD", "SGD", "HKD", "TWD", "MXN"),
    "€": ("EUR",),
    "£": ("GBP",),
    "¥": ("JPY", "CNY"),
    "₹": ("INR",),
    "₽": ("RUB",),
    "₩": ("KRW",),
    "₪": ("ILS",),
    "฿": ("THB",),
}


def currency_marks(text: str) -> set[str]:
    """The currency signs and codes ('€', 'EUR') in a cell that number_marks reads as a number: what it strips
    beside the digits, a sign, grouping, '%' and a magnitude ('1,2 MIO': an exponent is one letter, a code
    three)."""
    codes = {code for code in re.findall(r"[A-Z]{3}", text) if not magnitude_word(code)}
    return codes | {c for c in text if unicodedata.category(c) == "Sc"}


def listed(codes) -> str:
    """'EUR', 'EUR or USD', 'EUR, GBP or USD': a column's currencies as its messages name them."""
    codes = sorted(codes)
    return codes[0] if len(codes) == 1 else f"{', '.join(codes[:-1])} or {codes[-1]}"


def cell_currency(text: str, rates: dict[str, float], default: str | None) -> str:
    """The currency of a cell of a column converting several (`rates`, its usd_per_unit map): its mark's, '$'
    the one dollar the map lists; an unmarked cell is in `default` (the column's `currency`), else an error.

    Raises ValueError quoting the cell when its currency is not in the map, or its mark stands for several the
    map lists, or it has no mark and the column no `currency`.
    """
    found: set[str] = set()
    for mark in sorted(currency_marks(text)):
        codes = (mark,) if len(mark) == 3 else SIGNS.get(mark, ())
        if not codes:
            raise ValueError(f"{text!r} counts cents ({mark}): write the amount in {listed(rates)}")
        known = [code for code in codes if code in rates]
        if not known:
            shown = codes[0] if mark == codes[0] else f"{mark} ({listed(codes)})"
            rate = f"{codes[0]}'s rate" if len(codes) == 1 else "its currency's rate"
            raise ValueError(
                f"{text!r} is an amount in {shown}, but the column converts {' and '.join(sorted(rates))} "
                f"(`usd_per_unit`): add {rate} or correct the cell"
            )
        if len(known) > 1:  # '$' where the map lists USD and CAD: the sign alone does not say which
            raise ValueError(
                f"{text!r} is an amount in {mark}, which may be {listed(known)}, all of which the column "
                f"converts: write the code in the cell ({known[0]} {plain(text)})"
            )
        found.add(known[0])
    if len(found) > 1:
        raise ValueError(f"{text!r} is marked in {' and '.join(sorted(found))} at once: correct the cell")
    if found:
        return found.pop()
    if default is None:
        raise ValueError(
            f"{text!r} has no currency mark, and the column's amounts are in {listed(rates)}: mark the cell, or "
            f"give the column `currency: {sorted(rates)[0]}` for unmarked cells"
        )
    return default


def usd(rule, text: str, number: float, currency: str | None = None) -> float:
    """A money column's amount in USD: converted by the rule's usd_per_unit from its currency, which a cell
    without a mark is in; a cell marked in another currency is an error that says how to read it.

    A column converting several currencies (usd_per_unit a map) converts each cell from its own (`currency`,
    else `cell_currency`)."""
    if isinstance(rule.usd_per_unit, dict):
        code = currency or cell_currency(text, rule.usd_per_unit, rule.currency)
        return round(number * rule.usd_per_unit[code], 2)  # to the cent, as one currency's are
    for mark in sorted(currency_marks(text)):
        codes = (mark,) if len(mark) == 3 else SIGNS.get(mark, ())
        if rule.currency in codes:
            continue
        if not codes:
            raise ValueError(f"{text!r} counts cents ({mark}): write the amount in {rule.currency}")
        named = codes[0] if len(codes) == 1 else f"{', '.join(codes[:-1])} or {codes[-1]}"
        shown = named if mark == named else f"{mark} ({named})"
        if rule.currency == "USD":
            raise ValueError(
                f"{text!r} is an amount in {shown}, not USD, the currency of the lead's money fields and of the "
                f"policy's thresholds: convert the column with `currency: {codes[0]}` and `usd_per_unit:` "
                f"(the USD one {codes[0]} is worth)"
            )
        raise ValueError(
            f"{text!r} is an amount in {shown}, but the column's amounts are in {rule.currency} "
            f"(`currency: {rule.currency}`): correct the cell (a column holds one currency)"
        )
    if rule.usd_per_unit is None:
        return number
    return round(number * rule.usd_per_unit, 2)  # to the cent: the rate is no more exact than that
