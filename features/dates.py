"""Export dates as moments in UTC: ISO 8601, a strptime format, or numbers (Excel serial days, Unix epoch)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

# Date formats that are numbers, not text: Excel's serial days (1900 system), Unix seconds or milliseconds.
NUMERIC_FORMATS = {"excel": 86_400, "epoch_s": 1, "epoch_ms": 0.001}
EXCEL_EPOCH = datetime(1899, 12, 30, tzinfo=UTC)  # serial 1 is 1900-01-01 after Excel's 1900 leap-year bug
UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
NUMERIC = re.compile(r"^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?$")
# strptime's directives; anything else is a typo the mapping should say when it loads, not on every row.
_DIRECTIVES = set("aAwdbBmyYHIpMSfzZjUWcxXGuV%")
_DIRECTIVE = re.compile(r"%(.?)", re.DOTALL)
# strptime's words for text that is not in the format's shape (its other errors are impossible dates).
_MISMATCH = re.compile(r"time data .* does not match format|unconverted data remains", re.DOTALL)


def check_format(date_format: str) -> str:
    """The format, when it is one of the numeric formats or a strptime format with known directives."""
    if date_format in NUMERIC_FORMATS:
        return date_format
    for directive in _DIRECTIVE.findall(date_format):
        if directive == "":
            raise ValueError(f"date_format {date_format!r} ends with a lone %")
        if directive not in _DIRECTIVES:
            raise ValueError(
                f"date_format {date_format!r} has an unknown directive %{directive} (see Python's strptime "
                f"codes, or use {', '.join(NUMERIC_FORMATS)} for numeric dates)"
            )
    return date_format


def moment(text: str, date_format: str | None = None) -> datetime:
    """The moment a cell writes (naive times taken as UTC); a number needs a numeric date_format."""
    if date_format in NUMERIC_FORMATS:
        if not NUMERIC.match(text):
            raise ValueError(f"{text!r} is not a number, as date_format {date_format} needs")
        value = float(text.replace(",", "."))
        start = EXCEL_EPOCH if date_format == "excel" else UNIX_EPOCH
        try:
            return start + timedelta(seconds=value * NUMERIC_FORMATS[date_format])
        except OverflowError:
            raise ValueError(f"{text!r} is out of range as date_format {date_format}") from None
    if date_format:
        try:
            parsed = datetime.strptime(text, date_format)
        except ValueError as error:
            if _MISMATCH.match(str(error)):
                raise ValueError(f"{text!r} does not match date_format {date_format!r}") from None
            # It has the format's shape but names no day of the calendar: '31.02.2025', month 13.
            raise ValueError(
                f"{text!r} is not a calendar date by date_format {date_format!r}: {error}"
            ) from None
    else:
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError as error:
            if NUMERIC.match(text):
                raise ValueError(
                    f"{text!r} is a number, not an ISO 8601 date: declare the column's date_format as excel "
                    "(serial days such as 45901.5), epoch_s or epoch_ms (Unix seconds or milliseconds)"
                ) from None
            if not str(error).startswith("Invalid isoformat"):  # ISO in shape, no real date: '2025-02-31'
                raise ValueError(f"{text!r} is not a calendar date (ISO 8601): {error}") from None
            raise ValueError(f"{text!r} is not an ISO 8601 date (declare the column's date_format)") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
