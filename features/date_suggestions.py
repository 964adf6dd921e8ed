"""The date formats that read a date column's cells when its own does not: tried on a sample, with counts."""

from __future__ import annotations

import logging

from leadgate.features.blank_cells import cell
from leadgate.features.cells import Row
from leadgate.features.date_readings import dated_columns
from leadgate.features.dates import NUMERIC_FORMATS, date_part, moment

log = logging.getLogger(__name__)

SAMPLE = 1_000  # filled cells tried per column: enough to meet a day after the 12th, quick on any export
# The shapes CRM exports write dates in: day or month first, ISO order, German points; each with no time, a
# 24-hour clock with or without seconds, or Salesforce's US 12-hour clock. None is ISO 8601 (no date_format).
_DATES = ("%d/%m/%Y", "%m/%d/%Y", "%Y-%m-%d", "%Y/%m/%d", "%d.%m.%Y", "%d-%m-%Y")
_CLOCKS = ("", " %H:%M", " %H:%M:%S", " %I:%M %p", " %I:%M:%S %p")
CANDIDATES: tuple[str | None, ...] = (None, *(date + clock for date in _DATES for clock in _CLOCKS))


def _read(text: str, date_format: str | None) -> bool:
    try:
        moment(text, date_format)
    except ValueError:
        return False
    return True


def cells_read(texts: list[str], date_format: str | None) -> int:
    """How many of the cells the format reads as a moment."""
    return sum(_read(text, date_format) for text in texts)


def _named(date_format: str | None) -> str:
    return "ISO 8601 (leave out date_format)" if date_format is None else repr(date_format)


def _swapped(date_format: str | None) -> str | None:
    if date_format is None or "%d" not in date_format or "%m" not in date_format:
        return None
    return date_format.replace("%d", "\0").replace("%m", "%d").replace("\0", "%m")


def _redundant(date_format: str | None, counts: dict[str | None, int]) -> bool:
    """A format with a clock reads its date alone too: of the two, only the one reading more cells is named."""
    if date_format is None:
        return False
    day = date_part(date_format)
    if day is not None and counts.get(day) == counts[date_format]:
        return True
    return any(
        other is not None and date_part(other) == date_format and counts[other] > counts[date_format]
        for other in counts
    )


def format_suggestion(texts: list[str], date_format: str | None) -> str | None:
    """What reads the cells the declared format reads fewer of: the formats reading most of the sample, each
    with its count, or that day-first and month-first both read them all. None when the format reads some and
    no other reads more: the cells it fails are each their row's fault, not the format's."""
    texts = texts[:SAMPLE]
    unread = next((text for text in texts if not _read(text, date_format)), None)
    if unread is None:
        return None
    own = cells_read(texts, date_format)
    counts = {fmt: cells_read(texts, fmt) for fmt in CANDIDATES if fmt != date_format}
    counts = {fmt: n for fmt, n in counts.items() if not _redundant(fmt, counts)}
    best = sorted((fmt for fmt, n in counts.items() if n > own), key=lambda fmt: -counts[fmt])[:3]
    if not best and own:
        return None
    sample = f"{len(texts):,} sampled cells" if len(texts) > 1 else "1 sampled cell"
    reader = "ISO 8601 (no date_format)" if date_format is None else f"date_format {date_format!r}"
    said = f"{reader} reads {f'{own:,} of' if own else 'none of'} {sample}, not {unread!r}"
    if not best:
        return f"{said}, and no common format reads any: declare the one the CRM writes"
    top = best[0]
    other = _swapped(top)
    if other is not None and counts.get(other) == counts[top] == len(texts):
        first, second = sorted((top, other), key=lambda fmt: fmt.index("%d") > fmt.index("%m"))
        return (
            f"{said}; both {first!r} (day first) and {second!r} (month first) read all of them, so the cells do "
            "not say which: check one date you know in the CRM, then declare that date_format"
        )
    fits = "; ".join(f"{_named(fmt)} reads {counts[fmt]:,}" for fmt in best)
    return f"{said}; {fits}: declare the one the CRM writes"


def date_format_mismatches(mapping, rows: list[dict]) -> list[str]:
    """One line per date column (created_at, datetime custom fields) whose date_format reads fewer of its
    sampled filled cells than a common format does, naming the formats that read them."""
    placeholders, lines = set(mapping.placeholders), []
    for target, rule in dated_columns(mapping).items():
        if rule.date_format in NUMERIC_FORMATS:
            continue  # numbers read as dates (excel, epoch_s, epoch_ms) say their own hint
        texts = []
        for raw in rows:
            row = Row(raw, placeholders)
            text = cell(rule, row)
            text = rule.values.get(text, text) if text is not None else None
            if text is not None and not row.is_time(rule.column):
                texts.append(text)
            if len(texts) == SAMPLE:
                break
        suggestion = format_suggestion(texts, rule.date_format)
        if suggestion:
            lines.append(f"{target} ({rule.column}): {suggestion}")
    return lines


def say_date_formats(mapping, rows: list[dict], where: str = "") -> None:
    """Log each date column's line (`where`: the file, 'new_leads.csv: '): scoring still gives each row it cannot
    read its own error; the line says which format would read them. The Python API gives it as a warning."""
    for line in date_format_mismatches(mapping, rows):
        log.warning("%s%s", where, line)


FIRST_TRIED = 5  # distinct texts tried on every format before the rest: most columns are no dates at all


def best_date_format(texts: list[str]) -> tuple[str | None, int]:
    """The common format (None: ISO 8601) that reads the most of these cells, ISO first and day-first before
    month-first on a tie, and how many it reads; (None, 0) when none reads any of the first few."""
    texts = texts[:SAMPLE]
    if not any(cells_read(texts[:FIRST_TRIED], fmt) for fmt in CANDIDATES):
        return None, 0
    counts = {fmt: cells_read(texts, fmt) for fmt in CANDIDATES}
    best = max(counts, key=counts.get)  # the first of the most: CANDIDATES' order breaks ties
    return best, counts[best]
