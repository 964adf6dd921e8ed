"""Numbers as exports write them: currency, percent, grouped thousands, and each column's decimal mark."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

log = logging.getLogger(__name__)

# Currency symbols, and a three-letter code ("USD 1,200", "1.200 EUR"), before or after the number.
_CURRENCY = re.compile(r"^(?:[$€£¥₹₽₩₪฿¢]|[A-Z]{3}\b)\s*|\s*(?:[$€£¥₹₽₩₪฿¢]|\b[A-Z]{3})$")
# Spaces that group thousands: plain, no-break, narrow no-break, thin, figure; and the Swiss apostrophe.
_GROUP_SPACES = re.compile(r"(?<=\d)[ \u00a0\u202f\u2009\u2007'’](?=\d{3}(?:\D|$))")
_NUMBER = {
    # Digits (a trailing mark allowed: "5.") with an exponent, or a first group of 1-3 digits (not a lone 0) and groups of three after the
    # mark's other separator; then the mark and the decimals.
    mark: re.compile(
        rf"^(?:\d+(?:{re.escape(mark)}\d*)?(?:[eE][+-]?\d+)?"
        rf"|[1-9]\d{{0,2}}(?:{re.escape(group)}\d{{3}})+(?:{re.escape(mark)}\d+)?|{re.escape(mark)}\d+)$"
    )
    for mark, group in ((".", ","), (",", "."))
}

_SIMPLE = {".": re.compile(r"-?\d{1,15}(?:\.\d+)?$"), ",": re.compile(r"-?\d{1,15}(?:,\d+)?$")}


def plain(text: str) -> str:
    """The number's own characters: no currency, percent sign or grouping spaces; a sign in front."""
    text = text.strip().replace("\u2212", "-")  # U+2212, the typographic minus
    sign = ""
    for _ in range(2):  # "-€ 5", "€ -5", "USD 5", "5 €"
        if not sign and text[:1] in ("-", "+"):
            sign, text = text[0], text[1:].strip()
        text = _CURRENCY.sub("", text).strip()
    text = text.removesuffix("%").strip()  # "43%" is 43, as the export shows it
    return sign + _GROUP_SPACES.sub("", text)


def read(text: str, mark: str) -> float | None:
    """The number `text` writes with decimal mark `mark`, or None when it is not written so."""
    if _SIMPLE[mark].match(text):  # most cells: digits and perhaps decimals, read without the cleaning
        return float(text.replace(",", ".")) if mark == "," else float(text)
    digits = plain(text)
    sign = digits[:1] if digits[:1] in ("-", "+") else ""
    if not _NUMBER[mark].match(digits[len(sign) :]):
        return None
    other = "," if mark == "." else "."
    number = float(digits.replace(other, "").replace(mark, "."))
    return number if number == number and abs(number) != float("inf") else None


def evidence(text: str) -> str | None:
    """Which mark a value shows: '.' or ',' when only one reads it, 'both' when each reads it differently
    ('6,080', '1.234'), None when the mark makes no difference or neither reads it."""
    as_point, as_comma = read(text, "."), read(text, ",")
    if as_point is None and as_comma is None:
        return None
    if as_point is None:
        return ","
    if as_comma is None:
        return "."
    return None if as_point == as_comma else "both"


def column_mark(column: str, texts: Iterable[str], declared: str | None) -> str:
    """The decimal mark of one number column: the declared one, checked against its values, or inferred.

    Raises ValueError naming the column and example cells when the values contradict the declared mark, mix
    both marks, or fit both readings with a point ('1.234': 1234 or 1.234?) and nothing was declared.
    """
    seen: dict[str, list[str]] = {".": [], ",": [], "both": []}
    dotted = False  # a value that reads either way with a point: '1.234'
    for text in dict.fromkeys(texts):
        kind = evidence(text)
        if kind is None:
            continue
        dotted = dotted or (kind == "both" and "." in text)
        if len(seen[kind]) < 3:
            seen[kind].append(text)
    point, comma, both = seen["."], seen[","], seen["both"]
    if declared is not None:
        wrong = comma if declared == "." else point
        if wrong:
            other = "," if declared == "." else "."
            raise ValueError(
                f"column {column!r} writes numbers with a decimal {other!r} ({_quoted(wrong)}) but the mapping "
                f"says decimal {declared!r}: give that column its own `decimal: {other!r}`"
            )
        return declared
    if point and comma:
        raise ValueError(
            f"column {column!r} mixes decimal marks ({_quoted(point)} and {_quoted(comma)}): set the column's "
            "`decimal` ('.' or ',') and correct the cells that do not follow it"
        )
    if comma:
        log.warning("%s: numbers read with a decimal comma, as its values show (%s)", column, _quoted(comma))
        return ","
    if dotted and not point:
        raise ValueError(
            f"column {column!r} holds numbers such as {_quoted(both)} that read either way (1234 or 1.234): "
            "set the column's or the mapping's `decimal` ('.' or ',')"
        )
    return "."


def _quoted(texts: list[str]) -> str:
    return ", ".join(repr(text) for text in texts)
