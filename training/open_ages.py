"""Open leads by age: open past label.open_for_days reads as not SQL; open values mostly old are said."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import numpy as np

from leadgate.features.cells import Row
from leadgate.features.date_readings import date_readings
from leadgate.features.export_records import map_rows
from leadgate.features.mapping import Column, Mapping, MappingError, fold
from leadgate.training.history import local

# The newest quarter of the leads by creation: where the open leads of a CRM whose open values mean "being
# worked" are, once its sales cycle is shorter than a quarter of the history.
NEWEST_PART = 0.25
MIN_OPEN = 20  # fewer open leads move the SQL rate trained on little, and their ages say little
MAX_P_VALUE = 0.001  # as the label's other checks (training/outcome_maturity.py)
SHOWN_VALUES = 8  # open values named, most common first


def _created(record: dict) -> float:
    """A mapped record's creation time in epoch seconds (without an offset: UTC, as the schema reads it)."""
    at = datetime.fromisoformat(str(record["created_at"]))
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).timestamp()


def _zone(mapping: Mapping) -> str:
    return (date_readings(mapping).get("created_at") or {}).get("timezone") or "UTC"


def _values(mapping: Mapping, rows: list[dict], numbers: list[int]) -> str:
    """'Lifecycle Stage holds 'lead' 700, 'subscriber' 317': the outcome cells of these rows (header = 1)."""
    label, placeholders = mapping.label, set(mapping.placeholders)
    counts: Counter = Counter()
    spelling: dict[str | None, str | None] = {}
    for number in numbers:
        text = Row(rows[number - 2], placeholders).text(label.sql.column)
        key = None if text is None else fold(text)  # one value in any case, as the label reads it
        counts[key] += 1
        spelling.setdefault(key, text)
    shown = [
        f"{'(blank)' if spelling[key] is None else repr(spelling[key])} {count:,}"
        for key, count in counts.most_common(SHOWN_VALUES)
    ]
    more = f" and {len(counts) - SHOWN_VALUES:,} more values" if len(counts) > SHOWN_VALUES else ""
    return f"{label.sql.column} holds {', '.join(shown)}{more}"


def decide_old_open(
    mapping: Mapping, rows: list[dict], mapped: list[tuple[int, dict]], marks: dict[str, str]
) -> tuple[list[tuple[int, dict]], list[str]]:
    """`mapped` (row number, record) with each open lead created more than label.open_for_days before the
    export's newest lead read again as not SQL, and the note counting them (none without open_for_days).

    Counted back from the newest lead, not from a --since/--until window's end: the export says a lead is
    still open as of the day it was exported, whatever window is trained on."""
    label = mapping.label
    if label.open_for_days is None or not mapped:
        return mapped, []
    if not isinstance(mapping.created_at, Column):
        raise MappingError(
            "label.open_for_days counts a lead's days from its creation date, and this mapping has none "
            "(created_at is a sequence, or not mapped): map created_at to the export's creation date column, "
            "or drop open_for_days"
        )
    created = {number: _created(record) for number, record in mapped}
    newest = max(created.values())
    cutoff = newest - timedelta(days=label.open_for_days).total_seconds()
    old = [number for number, record in mapped if record["outcome"] is None and created[number] < cutoff]
    if not old:
        return mapped, []
    decided = mapping.model_copy(update={"label": label.decided()})
    old_rows = [rows[number - 2] for number in old]
    # Read again through the label with no open value: its won and rejection reason as any not-SQL lead's.
    # Only the outcome is taken: a row's other fields (its row-N id without an id column) are its number's.
    again = {n: r["outcome"] for n, (_, r) in zip(old, map_rows(decided, old_rows, marks=marks), strict=True)}
    days = "1 day" if label.open_for_days == 1 else f"{label.open_for_days:,} days"
    leads = "1 lead" if len(old) == 1 else f"{len(old):,} leads"
    when = local(newest, _zone(mapping)).strftime("%Y-%m-%d")
    note = (
        f"{leads} still open after {days} (label.open_for_days: created more than {days} before the newest "
        f"lead, of {when}) read as not SQL; {_values(mapping, rows, old)}"
    )
    return [(n, record | {"outcome": again[n]} if n in again else record) for n, record in mapped], [note]


def old_open_note(mapping: Mapping, rows: list[dict], mapped: list[tuple[int, dict]]) -> list[str]:
    """A warning when most leads an open value holds are old: such a value says "never qualified" of many of
    them, yet they are left out of training, which raises the SQL rate trained on (walk: 19.4% for 7.6%).

    The rule: no open_for_days, MIN_OPEN or more open leads, more than half of them created before the newest
    NEWEST_PART of the history's leads, and more than chance gives were they half (binomial, MAX_P_VALUE)."""
    from scipy.stats import binom

    label = mapping.label
    if label.open_for_days is not None or not isinstance(mapping.created_at, Column) or not mapped:
        return []
    created = np.array([_created(record) for _, record in mapped])
    waiting = np.array([record["outcome"] is None for _, record in mapped])
    n = int(waiting.sum())
    start = float(np.quantile(created, 1 - NEWEST_PART))
    old = waiting & (created < start)
    k = int(old.sum())
    if n < MIN_OPEN or k <= n / 2 or binom.sf(k - 1, n, 0.5) > MAX_P_VALUE:
        return []
    zone = _zone(mapping)
    numbers = [number for (number, _), was in zip(mapped, old, strict=True) if was]
    age = (created.max() - float(np.median(created[waiting]))) / 86_400
    decided = [record["outcome"] for _, record in mapped if record["outcome"] is not None]
    sqls = sum(outcome["sql"] for outcome in decided)
    return [
        f"{k:,} of the {n:,} leads left out with no outcome yet were created before "
        f"{local(start, zone).strftime('%Y-%m-%d')}, where the newest quarter of the history starts "
        f"({_values(mapping, rows, numbers)}; half the open leads are {age:,.0f} days old or more): a "
        "lead open that long has likely never qualified, yet it is left out, which raises the SQL rate "
        f"trained on to {sqls / max(len(decided), 1):.1%} ({sqls:,} SQLs among {len(decided):,} leads), "
        f"against {sqls / (len(decided) + k):.1%} were those {k:,} not SQL. If an open value on an old lead "
        "means not SQL, set label.open_for_days to the days a lead may stay open (such as your sales cycle), "
        "after which it reads as not SQL; if they are still being worked, export again once they are decided"
    ]
