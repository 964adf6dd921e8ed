"""Money cells: the currency a cell is marked in, and a money column's amount in USD."""

from __future__ import annotations

import re
import unicodedata

from leadgate.features.number_marks import magnitude_word

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


def usd(rule, text: str, number: float) -> float:
    """A money column's amount in USD: converted by the rule's usd_per_unit from its currency, which a cell
    without a mark is in; a cell marked in another currency is an error that says how to read it."""
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
