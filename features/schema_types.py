"""The value types of the lead schema: moments in time, listed answers, custom values; each with one clear error."""

from __future__ import annotations

import ipaddress
import math
import re
import socket
import unicodedata
from datetime import UTC, datetime
from typing import Annotated

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    PlainValidator,
    StringConstraints,
    ValidationError,
    ValidationInfo,
)
from pydantic.json_schema import WithJsonSchema

from leadgate.features.employee_bands import CANONICAL as EMPLOYEE_BAND
from leadgate.features.employee_bands import MAX_EMPLOYEES, read_band

NUMBER_TEXT = re.compile(r"^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$")


# Characters no id may hold: controls (Cc: NUL, TAB, DEL, C1), invisible formatting (Cf: zero-width space,
# bidi overrides), line and paragraph separators (Zl, Zp), spaces but the plain one (Zs: U+00A0 prints as
# U+0020), private use (Co: prints as whatever a font makes of it, often nothing), surrogates (Cs), and the rest
# of Unicode's Default_Ignorable_Code_Point (fillers, variation selectors): two ids differing only by one print
# alike, and an id travels in URLs, logs and database keys.
UNSEEN = frozenset({"Cc", "Cf", "Zl", "Zp", "Zs", "Co", "Cs"})


# The UNSEEN characters but surrogates (which no regex engine takes in a class, and pydantic refuses before) as
# a class body, written out: deriving it from unicodedata costs 0.3 s at import. Unicode 15; a test checks it.
UNSEEN_CLASS = (
    r"\x00-\x1f\x7f-\x9f"  # Cc
    r"\xad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
    r"\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    r"\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"  # Cf
    r"\u2028\u2029"  # Zl, Zp
    r"\xa0\u1680\u2000-\u200a\u202f\u205f\u3000"  # Zs but U+0020
    r"\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd"  # Co
    # Default_Ignorable_Code_Point, as DerivedCoreProperties.txt lists it (unicodedata does not expose it).
    r"\xad\u034f\u061c\u115f-\u1160\u17b4-\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164"
    r"\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff"
)
# Python's re takes surrogates in a class: a text built in Python (not JSON) may hold one.
_UNSEEN_CHARACTER = re.compile(rf"[{UNSEEN_CLASS}\ud800-\udfff]")
# What a character without a name is called: controls have only aliases, the others no name at all.
_NAMELESS = {"Cc": "CONTROL", "Co": "PRIVATE USE CHARACTER", "Cs": "SURROGATE", "Cn": "UNASSIGNED CHARACTER"}


def unseen_problem(text: str, also: str = "") -> str | None:
    """Why an id cannot be `text`: the first UNSEEN character (or one of `also`) named, with its place; None if clean."""
    first_also = min((i for i in map(text.find, also) if i >= 0), default=len(text))
    found = _UNSEEN_CHARACTER.search(text, 0, first_also)  # one pass: every lead's id comes through here
    if found:
        character = found.group()
        name = unicodedata.name(character, None) or _NAMELESS[unicodedata.category(character)]
        return f"U+{ord(character):04X} {name} at character {found.start() + 1}"
    if first_also < len(text):
        return f"{text[first_also]!r} at character {first_also + 1}"
    return None


def field_error(path: tuple, problem: str, value) -> ValidationError:
    """A validator's error located at `path` under the object it checks, where a ValueError names the object."""
    # pydantic takes a ValidationError raised in a validator as its own errors, each prefixed with the location.
    details = {"type": "value_error", "loc": path, "input": value, "ctx": {"error": problem}}
    return ValidationError.from_exception_data("field", [details])


def _split_listed(value):
    # A CSV cell or a single form box holds the list as text: "Salesforce, Snowflake; Segment".
    if isinstance(value, str):
        return [part for part in (p.strip() for p in value.replace(";", ",").split(",")) if part]
    return value


def _one_line(value: str) -> str:
    # A list travels through the lead table as one text column, its answers joined by newlines.
    if any(ord(ch) < 32 for ch in value):
        raise ValueError("control characters (newline, tab, NUL…) are not allowed in a listed answer")
    return value


ListedAnswer = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), AfterValidator(_one_line)
]
ListedAnswers = Annotated[list[ListedAnswer], BeforeValidator(_split_listed)]


class PastTheCalendar(ValueError):
    """A time whose offset moves it, in UTC, before 0001-01-01 or after 9999-12-31 (as the value's words say)."""


def as_utc(value: datetime) -> datetime:
    """The same moment in UTC; naive timestamps from CRM exports are taken as UTC rather than refused."""
    try:
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except OverflowError:
        # Only the calendar's first day at a positive offset, or its last at a negative one, leaves it.
        side = "before 0001-01-01T00:00:00Z" if value.year == 1 else "after 9999-12-31T23:59:59Z"
        raise PastTheCalendar(f"{value.isoformat()} is {side} in UTC: no time can be held there") from None


def not_a_number(value):
    """Validator (before) of a time: a number sent where a time is asked is refused, not read as seconds."""
    # pydantic would read 1e9, or the text "45901.5", as seconds since 1970: a CRM field holding a number (an
    # Excel serial day, epoch milliseconds) is a mistake, not a time.
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError("expected an ISO 8601 timestamp, not a number")
    if isinstance(value, str) and NUMBER_TEXT.match(value):
        raise ValueError(f"expected an ISO 8601 timestamp, not a number ({value.strip()!r})")
    return value


def _storable_text(value: str) -> None:
    # A text field's checks for a value no str field validated: a NUL or a lone surrogate cannot be stored.
    if len(value) > 2_000:
        raise ValueError("text longer than 2000 characters")
    if "\x00" in value:
        raise ValueError("text holds a NUL character (\\u0000)")
    if not value.isascii():
        try:
            value.encode()
        except UnicodeEncodeError:
            raise ValueError("text holds an unpaired surrogate (\\ud800-\\udfff), not Unicode text") from None


# The validation context of values read from table cells (CSV, Parquet, a DataFrame, a mapped export): text
# there is whatever the cell holds, read as its field's type. Without it a value is JSON's and taken as typed.
CELLS = {"cells": True}


# The validation context of a lead read back from the decision store: accepted once, it is not judged again by
# time rules that moved on since (a lead stored before a rule existed must still be re-decided and monitored).
STORED = {"stored": True}


def from_store(info: ValidationInfo) -> bool:
    """Whether the lead being validated was read back from the decision store (see STORED)."""
    return bool(info.context and info.context.get("stored"))


def from_cells(info: ValidationInfo) -> bool:
    """Whether the values being validated come from table cells (see CELLS)."""
    return bool(info.context and info.context.get("cells"))


def _json_number(value, info: ValidationInfo):
    # JSON says what a value is: true is no head count and "60" no number. pydantic's lax mode would read both
    # (true as 1), so a sender's type error would be decided on as if it were data.
    if isinstance(value, bool | str) and not from_cells(info):
        shown = "true/false" if isinstance(value, bool) else f"text {value[:50]!r}"
        raise ValueError(f"expected a number, got {shown}")
    if isinstance(value, bool):  # a typed table's true/false cell (Parquet, a DataFrame): no count either
        raise ValueError(f"expected a number, got {str(value).lower()}")
    if isinstance(value, str):  # a cell's text: quoted when it is no number, not pydantic's parsing words
        try:
            float(value)
        except ValueError:
            raise ValueError(f"expected a number, got the cell {value[:50]!r}") from None
    return value


def _float_number(value, info: ValidationInfo):
    value = _json_number(value, info)
    if isinstance(value, int) and abs(value) >= 10**308:  # past any float: pydantic says only "valid number"
        raise ValueError(f"expected a number within ±1e308, got {number_shown(value)}")
    return value


# A count or an amount: a JSON number (an integer where a float is asked is one), or a cell's text read as one.
JsonNumber = BeforeValidator(_float_number)


def _employees(value, info: ValidationInfo):
    # A size band ('51-200', '10,001+ employees') is how many CRMs and lead forms give a company's size, in a
    # cell or in JSON alike: kept as a band, never one made-up count, so a gate or reason says only what it says.
    if isinstance(value, str):
        band = read_band(value)
        if band is not None:
            return band
        if not from_cells(info) or not NUMBER_TEXT.match(value):
            shown = f"the cell {value[:50]!r}" if from_cells(info) else f"text {value[:50]!r}"
            raise ValueError(f"expected a number or a size band like '51-200' or '10001+', got {shown}")
    value = _json_number(value, info)
    if value is None:
        return None
    # An int is compared as one: float() of a JSON integer of 309 digits or more raises OverflowError, which
    # pydantic does not turn into a 422, and a cell's '1e400' reads as inf.
    count = value if isinstance(value, int) else float(value)
    if isinstance(count, float) and math.isfinite(count) and not count.is_integer():
        raise ValueError(f"expected a whole number of employees, got {number_shown(value)}")
    if not 0 <= count <= MAX_EMPLOYEES:
        raise ValueError(f"expected 0 to {MAX_EMPLOYEES:,} employees, got {number_shown(value)}")
    return int(count)


def number_shown(value) -> str:
    """A number as the sender wrote it, cut short when it is hundreds of digits long."""
    # A number as the sender wrote it, but not all 400 digits of one far out of range.
    if isinstance(value, int) and abs(value) >= 10**30:
        digits = str(abs(value))
        return f"{'-' if value < 0 else ''}{digits[:12]}… ({len(digits)} digits)"
    return repr(value)[:60]


# A company's size: a head count, or a size band kept as '51-200' / '10001+' (see features.employee_bands).
Employees = Annotated[
    Annotated[int, Field(ge=0, le=MAX_EMPLOYEES)]
    | Annotated[str, StringConstraints(pattern=EMPLOYEE_BAND, max_length=20)]
    | None,
    BeforeValidator(_employees),
]


def _ip_address(value: str | None) -> str | None:
    # The competitor-network gate and the per-address history read this: text that is no address passes both.
    if value is None:
        return None
    try:
        packed = socket.inet_pton(socket.AF_INET, value)  # the common case, ~10x cheaper than ipaddress
        if socket.inet_ntop(socket.AF_INET, packed) == value:
            return value
    except (OSError, ValueError):
        pass
    try:
        ipaddress.ip_address(value)
    except ValueError:
        hint = " (send null when it is not known)" if not value else ""
        raise ValueError(f"{value[:64]!r} is not an IPv4 or IPv6 address{hint}") from None
    return value


# The address a lead was sent from, as its text: IPv4 (198.51.100.7) or IPv6 (2001:db8::1, ::ffff:198.51.100.7).
IpAddress = AfterValidator(_ip_address)

# A point in time as leadgate keeps it: given as ISO 8601 text, naive taken as UTC, held in UTC, in range.
Moment = Annotated[datetime, BeforeValidator(not_a_number), AfterValidator(as_utc)]


# Beyond this a JSON integer loses precision as a float, or overflows one; written with an exponent (1e20) it is
# a float, bounded alike, or a reason would print all its digits.
MAX_CUSTOM_INTEGER = 10**15


def custom_number_problem(value: int | float) -> str | None:
    """Why a custom field's number is out of range (beyond ±1e15, integer or not), or None when it is not."""
    if abs(value) <= MAX_CUSTOM_INTEGER:
        return None
    if value > 0:
        return f"number larger than {MAX_CUSTOM_INTEGER:.0e}, got {number_shown(value)}"
    return f"number smaller than -{MAX_CUSTOM_INTEGER:.0e}, got {number_shown(value)}"


def _custom_value(value, info: ValidationInfo):
    # One readable error per bad value, where a union type would list a failure per member.
    if value is None or isinstance(value, bool | str):
        if isinstance(value, str):
            _storable_text(value)
        return value
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError("expected a finite number")
        # A lead stored before the bound covered floats is still decided again: the rule judges what arrives.
        problem = None if from_store(info) else custom_number_problem(value)
        if problem:
            raise ValueError(problem)
        return value
    raise ValueError(f"expected true/false, a number, text or null, got {type(value).__name__}")


# One custom field's value: JSON true/false, a finite number, text, or null (missing).
CustomValue = Annotated[
    object,
    PlainValidator(_custom_value),
    WithJsonSchema(
        {"anyOf": [{"type": "boolean"}, {"type": "number"}, {"type": "string"}, {"type": "null"}]}
    ),
]
# Any name up to a bound: whether it is one the model declares (or a valid custom field name at all) is the
# model's check to say (custom_problems), in words that list the names it does take.
CustomKey = Annotated[str, StringConstraints(max_length=200)]
