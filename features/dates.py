"""Export dates as moments: ISO 8601, a strptime format, or numbers (Excel serial days, Unix epoch); a time
written without an offset is in the mapping's time zone (UTC unless it names one)."""

from __future__ import annotations

import difflib
import re
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

# Date formats that are numbers, not text: Excel's serial days (1900 system), Unix seconds or milliseconds.
NUMERIC_FORMATS = {"excel": 86_400, "epoch_s": 1, "epoch_ms": 0.001}
# Unix time counts seconds since 1970-01-01 UTC: such a cell names one moment, in no time zone of its own.
EPOCH_FORMATS = ("epoch_s", "epoch_ms")
# Excel's serial days are a wall clock: the sheet's own time zone, unmarked (serial 1 is 1900-01-01 after
# Excel's 1900 leap-year bug).
EXCEL_EPOCH = datetime(1899, 12, 30)
UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Serial numbers read as dates before this are no dates of a lead (a score, a count) or a system's zero date:
# the floor every lead time has (features/lead_times.py), applied to a number read as a date.
FLOOR = datetime(1990, 1, 1)
CEILING = datetime(2100, 1, 1)  # a number suggested as a date format must read as a date before this
NUMERIC = re.compile(r"^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?$")
# strptime's directives; anything else is a typo the mapping should say when it loads, not on every row.
_DIRECTIVES = set("aAwdbBmyYHIpMSfzZjUWcxXGuV%")
_DIRECTIVE = re.compile(r"%(.?)", re.DOTALL)
# strptime's words for text that is not in the format's shape (its other errors are impossible dates).
_MISMATCH = re.compile(r"time data .* does not match format|unconverted data remains", re.DOTALL)
# strptime's directives of a time of day and its zone: what a date written alone leaves out (%c is both).
_CLOCK = set("HIpMSfzZX")
_TOKEN = re.compile(r"%.|[^%]+", re.DOTALL)


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


_FIXED_ABBREVIATIONS = {
    "EST": "America/New_York, or America/Panama for EST all year",
    "MST": "America/Denver, or America/Phoenix for MST all year",
    "HST": "Pacific/Honolulu",
}


def time_zone(name: str) -> str:
    """The IANA time zone name, when zoneinfo knows it; ValueError naming it (and a close match) otherwise."""
    # 'localtime' is the zone of whichever machine runs leadgate: not the export's, nor the same on every machine.
    if name == "localtime":
        raise ValueError(
            "'localtime' is the zone of the machine running leadgate: name the export's own zone"
        )
    # zoneinfo knows EST, MST and HST as fixed offsets without daylight saving: New York read as EST is an hour
    # off all summer. A place says which rules apply (America/Phoenix keeps MST all year, as Arizona does).
    if name in _FIXED_ABBREVIATIONS:
        raise ValueError(
            f"timezone: {name!r} is a fixed offset without daylight saving: name the place "
            f"({_FIXED_ABBREVIATIONS[name]})"
        )
    try:
        ZoneInfo(name)
        return name
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder of zones ('America')
        pass
    close = _close_zone(name)
    if close:
        hint = f" (did you mean {close!r}?)"
    elif re.fullmatch(r"[A-Z]{3,5}", name):  # PST, CEST: which place, and its daylight saving, is not said
        hint = ": name the place, not the abbreviation (America/Los_Angeles for PST and PDT)"
    else:
        hint = ""
    raise ValueError(
        f"{name!r} is not an IANA time zone name such as Europe/Berlin or America/Los_Angeles{hint}"
    )


@lru_cache(maxsize=1)
def _zone_names() -> dict[str, str]:
    # Read from disk (a third of a second): only when a name is refused.
    return {name.casefold(): name for name in available_timezones() if name != "localtime"}


def _close_zone(name: str) -> str | None:
    """The zone name `name` most likely means: the same in another case, a city's zone ('Berlin'), a typo."""
    names, key = _zone_names(), name.strip().casefold().replace(" ", "_")
    if key in names:
        return names[key]
    cities = sorted(full for folded, full in names.items() if folded.rsplit("/", 1)[-1] == key)
    if cities:
        return cities[0]
    close = difflib.get_close_matches(key, list(names), n=1, cutoff=0.8)
    return names[close[0]] if close else None


@lru_cache(maxsize=64)
def date_part(date_format: str) -> str | None:
    """The format's date alone ('%d/%m/%Y' of '%d/%m/%Y %H:%M'): its time directives and the text between them
    and the date dropped. None for a format without a time or a date, or with a time amid its date."""
    tokens = _TOKEN.findall(date_format)
    kinds = [_kind(token) for token in tokens]
    days = [i for i, kind in enumerate(kinds) if kind == "date"]
    clocks = [i for i, kind in enumerate(kinds) if kind == "clock"]
    if date_format in NUMERIC_FORMATS or not days or not clocks or "%c" in tokens:
        return None
    if min(clocks) > max(days):  # '%d/%m/%Y %H:%M', '%Y-%m-%dT%H:%M:%S%z'
        return "".join(tokens[: max(days) + 1])
    if max(clocks) < min(days):  # '%H:%M %d.%m.%Y'
        return "".join(tokens[min(days) :])
    return None


def _kind(token: str) -> str:
    """'clock' for a directive of the time of day, 'date' for one of the date, 'text' for the rest ('/', '%%')."""
    if len(token) != 2 or token[0] != "%" or token == "%%":
        return "text"
    return "clock" if token[1] in _CLOCK else "date"


def _strptime(text: str, date_format: str) -> datetime:
    """strptime by the format, else by its date alone at 00:00: Excel's General format writes a datetime at
    midnight as its date alone, so one column holds '06/12/2025 14:30' and '06/12/2025'."""
    try:
        return datetime.strptime(text, date_format)
    except ValueError as error:
        day = date_part(date_format)
        if day is None:
            raise
        try:
            return datetime.strptime(text, day)
        except ValueError as day_error:
            # '31/02/2025' is a date alone naming no day: say that, not that its time is missing.
            if _MISMATCH.match(str(error)) and not _MISMATCH.match(str(day_error)):
                raise day_error from None
            raise error from None


def moment(text: str, date_format: str | None = None, timezone: str | None = None) -> datetime:
    """The moment a cell writes; a time without an offset is in `timezone` (an IANA name; UTC when None).

    A wall-clock time the zone skips (clocks going forward) reads with the offset before the change, and one
    it repeats (clocks going back) as its first occurrence: Python's fold=0. Unix epoch numbers are UTC by
    definition, whatever `timezone` says. A number needs a numeric date_format. A cell holding only the date
    part of a strptime format with a time ('%d/%m/%Y' of '%d/%m/%Y %H:%M') is that date at 00:00.
    """
    zone = ZoneInfo(timezone) if timezone else UTC
    if date_format in NUMERIC_FORMATS:
        if not NUMERIC.match(text):
            raise ValueError(f"{text!r} is not a number, as date_format {date_format} needs")
        value = float(text.replace(",", "."))
        try:
            read = _serial(value, date_format)
        except OverflowError:
            raise ValueError(f"{text!r} is out of range as date_format {date_format}") from None
        if read.replace(tzinfo=None) < FLOOR:
            # Walk V: a 0-100 score declared excel read as days of 1900, silently ('46,302 days ago').
            raise ValueError(
                f"{text!r} read by date_format {date_format} is {read.date().isoformat()}, before "
                f"{FLOOR.date().isoformat()}: a number that is no date (a score, a count: is the column's type "
                "right?), or a system's zero date (list it in the mapping's placeholders)"
            )
        return read.replace(tzinfo=zone) if date_format == "excel" else read
    if date_format:
        try:
            parsed = _strptime(text, date_format)
        except ValueError as error:
            hint = _swapped_hint(text, date_format)
            if _MISMATCH.match(str(error)):
                raise ValueError(f"{text!r} does not match date_format {date_format!r}{hint}") from None
            # It has the format's shape but names no day of the calendar: '31.02.2025', month 13.
            raise ValueError(
                f"{text!r} is not a calendar date by date_format {date_format!r}: {error}{hint}"
            ) from None
    else:
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError as error:
            if NUMERIC.match(text):
                raise ValueError(
                    f"{text!r} is a number, not an ISO 8601 date: {_number_hint(text)}"
                ) from None
            if not str(error).startswith("Invalid isoformat"):  # ISO in shape, no real date: '2025-02-31'
                raise ValueError(f"{text!r} is not a calendar date (ISO 8601): {error}") from None
            raise ValueError(f"{text!r} is not an ISO 8601 date (declare the column's date_format)") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)


def _serial(value: float, date_format: str) -> datetime:
    """A number read by a numeric date format: Excel's a wall clock (naive), Unix time's UTC."""
    passed = timedelta(seconds=value * NUMERIC_FORMATS[date_format])
    return EXCEL_EPOCH + passed if date_format == "excel" else UNIX_EPOCH + passed


def _number_hint(text: str) -> str:
    """The numeric date formats that read this number as a date from 1990 to 2099, or, when none does, that the
    column may be no date at all (walk V: a score of 39 was told to declare excel, and read as 1900)."""
    value = float(text.replace(",", "."))
    fits = []
    for name, said in (
        ("excel", "serial days"),
        ("epoch_s", "Unix seconds"),
        ("epoch_ms", "Unix milliseconds"),
    ):
        try:
            read = _serial(value, name).replace(tzinfo=None)
        except OverflowError:
            continue
        if FLOOR <= read < CEILING:
            fits.append(f"{name} ({said}: {read.date().isoformat()})")
    if not fits:
        return (
            f"read as excel serial days or Unix time it is no date from {FLOOR.year} on: is the column's type "
            "right (type: number for a score or a count)?"
        )
    return f"declare the column's date_format as {' or '.join(fits)}"


def _swapped_hint(text: str, date_format: str) -> str:
    """' (it fits '%d/%m/%Y': day and month swapped?)' when the cell reads with the format's %d and %m swapped:
    an export's dd/mm read as mm/dd fails only on days after the 12th, so a failing cell is the clue."""
    if "%d" not in date_format or "%m" not in date_format:
        return ""
    swapped = date_format.replace("%d", "\0").replace("%m", "%d").replace("\0", "%m")
    try:
        _strptime(text, swapped)
    except ValueError:
        return ""
    return f" (it fits {swapped!r}: are day and month swapped?)"
