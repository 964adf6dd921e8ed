"""A time pydantic cannot read, said in words that ask for ISO 8601 and name the part out of range."""

from __future__ import annotations

import re

# pydantic's errors for a time it cannot read, whose words ("invalid character in year") say nothing of ISO 8601.
_TIME_ERRORS = {"datetime_type", "datetime_parsing", "datetime_from_date_parsing"}
_ISO_SHAPED = re.compile(r"^\d{4}-\d{2}")
TIME_EXAMPLE = "2026-12-02 or 2026-12-02T09:30:00Z"


def time_problem(item: dict) -> str | None:
    """A pydantic error for a time it cannot read in words that ask for ISO 8601; None for any other error."""
    if item["type"] not in _TIME_ERRORS:
        return None
    value = item.get("input")
    if not isinstance(value, str):
        return f"expected an ISO 8601 date or time as text, such as {TIME_EXAMPLE}"
    # ISO in shape but no real time ('2026-13-01'): pydantic's detail says which part is out of range.
    detail = item.get("ctx", {}).get("error") if _ISO_SHAPED.match(value) else None
    if detail == "unexpected extra characters at the end of the input":
        detail = _clock_out_of_range(value) or detail  # said of hour 25: its date was read, its time not
    return f"expected an ISO 8601 date or time, such as {TIME_EXAMPLE}, got {value[:64]!r}" + (
        f" ({detail})" if detail else ""
    )


_CLOCK = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ](\d{2}):(\d{2})(?::(\d{2}))?")


def _clock_out_of_range(value: str) -> str | None:
    """Which part of an ISO time's clock is out of range ('hour 25 is out of range, 00-23'), or None."""
    found = _CLOCK.match(value)
    if not found:
        return None
    for part, text, top in zip(("hour", "minute", "second"), found.groups(), (23, 59, 59), strict=True):
        if text is not None and int(text) > top:
            return f"{part} {text} is out of range, 00-{top}"
    return None
