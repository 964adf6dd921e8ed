"""Numbers as exports write them: currency, percent, grouped thousands, and each column's decimal mark."""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal

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

# A magnitude written after the number, as amounts are in reports and hand-kept exports: '$1.2M', '€500K',
# '1,2 Mio', '3 Mrd.', '2.5bn'. A single lower-case 'm' or 'b' is not read (minutes, metres, bytes): of
# letters alone, only 'k'/'K', 'M' and 'B'; the words in any case. Their powers of ten.
_MAGNITUDES = {"k": 3, "K": 3, "tsd": 3, "M": 6, "MM": 6, "mio": 6, "B": 9, "bn": 9, "mrd": 9}
_MAGNITUDE = re.compile(r"(?<=[\d.,])\s*(k|K|M|MM|B|(?i:tsd|mio|bn|mrd))\.?$")

_SIMPLE = {".": re.compile(r"-?\d{1,15}(?:\.\d+)?$"), ",": re.compile(r"-?\d{1,15}(?:,\d+)?$")}


def plain(text: str) -> str:
    """The number's own characters: no currency, percent sign or grouping spaces; a sign in front."""
    return scaled(text)[0]


def scaled(text: str) -> tuple[str, int]:
    """`plain`'s characters and the power of ten a magnitude after them writes: ('1,2', 6) for '1,2 Mio €'."""
    text = text.strip().replace("\u2212", "-")  # U+2212, the typographic minus
    sign, power = "", 0
    for _ in range(2):  # "-€ 5", "€ -5", "USD 5", "5 €", "$1.2M", "1,2 Mio €"
        if not sign and text[:1] in ("-", "+"):
            sign, text = text[0], text[1:].strip()
        if not power:  # before the currency: 'MIO' is no currency code
            text, power = _magnitude(text)
        text = _CURRENCY.sub("", text).strip()
        if not power:
            text, power = _magnitude(text)
    if not power:
        text = text.removesuffix("%").strip()  # "43%" is 43, as the export shows it; "4M%" is no number
    return sign + _GROUP_SPACES.sub("", text), power


def _magnitude(text: str) -> tuple[str, int]:
    """The text without a magnitude at its end, and that magnitude's power of ten (0 without one)."""
    found = _MAGNITUDE.search(text)
    if found is None:
        return text, 0
    word = found.group(1)
    return text[: found.start()].strip(), _MAGNITUDES.get(word, _MAGNITUDES.get(word.casefold(), 0))


def magnitude_word(code: str) -> bool:
    """Whether a three capitals a cell holds ('MIO', 'MRD') write a magnitude, not a currency."""
    return code.casefold() in _MAGNITUDES


def read(text: str, mark: str) -> float | None:
    """The number `text` writes with decimal mark `mark`, or None when it is not written so."""
    if _SIMPLE[mark].match(text):  # most cells: digits and perhaps decimals, read without the cleaning
        return float(text.replace(",", ".")) if mark == "," else float(text)
    digits, power = scaled(text)
    sign = digits[:1] if digits[:1] in ("-", "+") else ""
    if not _NUMBER[mark].match(digits[len(sign) :]):
        return None
    other = "," if mark == "." else "."
    written = digits.replace(other, "").replace(mark, ".")
    # Scaled exactly, in decimal: 1.1 * 1000 in floats is 1100.0000000000002.
    number = float(Decimal(written).scaleb(power)) if power else float(written)
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


def column_mark(
    column: str,
    texts: Iterable[str],
    declared: str | None,
    *,
    trained: str | None = None,
    strays: float = 0.0,
) -> str:
    """The decimal mark of one number column: the declared one, checked against its values, or inferred.

    Inferred, it is the mark the cells write; `trained` (the mark training read the column with) when no cell
    shows one. `strays` is the share of the cells that show a mark which may write the other one and be
    each its row's error (scoring reads a stray cell so; training, at 0, refuses it).

    Raises ValueError naming the column and example cells when more cells than that contradict the declared
    mark or the mark most cells write, or when all fit both readings with a point ('1.234': 1234 or 1.234?)
    and nothing was declared or trained.
    """
    counts = {".": 0, ",": 0, "both": 0}
    seen: dict[str, list[str]] = {".": [], ",": [], "both": []}
    dotted = False  # a value that reads either way with a point: '1.234'
    for text, count in Counter(texts).items():
        kind = evidence(text)
        if kind is None:
            continue
        dotted = dotted or (kind == "both" and "." in text)
        counts[kind] += count
        if len(seen[kind]) < 3:
            seen[kind].append(text)
    marked = counts["."] + counts[","]

    def followed(mark: str) -> bool:  # few enough cells write the other mark to be their rows' errors
        return counts[_other(mark)] <= strays * marked

    if declared is not None:
        if not followed(declared):
            other = _other(declared)
            if counts[other] < counts[declared]:  # a few cells off the mark most follow: they are the fault
                raise ValueError(
                    f"column {column!r} has {_cells(counts[other], seen[other], _name(other))}, where the "
                    f"mapping gives it the decimal {declared!r} ({counts[declared]:,} cells follow it): correct "
                    "those cells, or read them with the column's `values`"
                )
            raise ValueError(
                f"column {column!r} writes numbers with a decimal {other!r} ({_quoted(seen[other])}) but the "
                f"mapping says decimal {declared!r}: give that column its own `decimal: {other!r}`"
            )
        return declared
    if marked:
        mark = "." if counts["."] >= counts[","] else ","
        if not followed(mark):
            raise ValueError(
                f"column {column!r} mixes decimal marks ({_cells(counts['.'], seen['.'], 'point')}; "
                f"{_cells(counts[','], seen[','], 'comma')}): set the column's `decimal` ('.' or ',') and "
                "correct the cells that do not follow it"
            )
        stray = counts[_other(mark)]
        if mark == "," or stray:
            left = ""
            if stray:
                verb = "is its row's error" if stray == 1 else "are each their row's error"
                left = f"; {_cells(stray, seen[_other(mark)], _name(_other(mark)))}, {verb}"
            said = "a decimal comma" if mark == "," else "a decimal point"
            log.warning(
                "%s: numbers read with %s, as its values show (%s)%s", column, said, _quoted(seen[mark]), left
            )
        return mark
    if trained is not None:
        return trained
    if dotted:
        raise ValueError(
            f"column {column!r} holds numbers such as {_quoted(seen['both'])} that read either way (1234 or "
            "1.234): set the column's or the mapping's `decimal` ('.' or ',')"
        )
    return "."


def _other(mark: str) -> str:
    return "," if mark == "." else "."


def _name(mark: str) -> str:
    return "point" if mark == "." else "comma"


# The convention, not the character: '€ 60.568.325' holds no comma but is written the decimal-comma way (walk V
# read "827 cells with a comma, such as '€ 60.568.325'" as a mislabel).
_WRITTEN = {"point": "a decimal point (1,234.5)", "comma": "a decimal comma (1.234,5)"}


def _cells(count: int, examples: list[str], name: str) -> str:
    """ "1 cell written with a decimal point (1,234.5), '71.5'" or "4,861 cells written with a decimal comma
    (1.234,5), such as '85,7', '56,3'"."""
    if count == 1:
        return f"1 cell written with {_WRITTEN[name]}, {_quoted(examples)}"
    return f"{count:,} cells written with {_WRITTEN[name]}, such as {_quoted(examples)}"


def _quoted(texts: list[str]) -> str:
    return ", ".join(repr(text) for text in texts)
