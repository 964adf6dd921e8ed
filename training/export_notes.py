"""What is said once about an export: its outcome values and what each counts as, multi-selects left blank."""

from __future__ import annotations

from collections import Counter

from leadgate.features.blank_cells import reads_blank
from leadgate.features.cells import Row
from leadgate.features.mapping import Label, Mapping, fold
from leadgate.training.field_checks import MULTI_SHARE

SHOWN_VALUES = 8  # outcome values named in notes and errors, most common first
# A sizeable share of a multi-select column's cells, as for the note on cells listing several values.
BLANK_SELECTIONS = MULTI_SHARE
KINDS = {"sql": "SQL", "not_sql": "not SQL", "open": "no outcome yet", "blank": "no outcome: an error"}


def describe_outcomes(label: Label, values: Counter, won: Counter | None = None) -> str:
    """The outcome column's values, most common first, each with what it counts as."""
    grouped: Counter = Counter()
    rescued: Counter = Counter()
    spelling: dict[str | None, str | None] = {}
    for text, count in values.most_common():
        # Values differing only in case or surrounding spaces are one ('Yes', ' yes'), as the label reads them.
        key = None if text is None else fold(text)
        grouped[key] += count
        spelling.setdefault(key, text)  # shown as its most common spelling
    # `won` counts, per value, the rows that are SQLs only because the label's won column says won: a value's
    # rows so counted are said with it ('Lead In' 7 (won per Deal - Status: counted as SQLs)), those of values
    # not shown at the end.
    for text, count in (won or Counter()).items():
        rescued[None if text is None else fold(text)] += count
    shown = []
    for key, count in grouped.most_common(SHOWN_VALUES):
        text = spelling[key]
        mapped = label.sql_value(text)
        name = "(blank)" if text is None else repr(text)
        if text is not None and mapped != text:
            name += f" → {'null' if mapped is None else repr(mapped)}"
        kind = KINDS[label.kind(text)]
        if rescued[key]:  # a won deal is an SQL whatever this column says (features/outcome.py)
            said = f"won per {label.won.column}: counted as {'an SQL' if rescued[key] == 1 else 'SQLs'}"
            kind = said if rescued[key] == count else f"{kind}; {rescued[key]:,} {said}"
        shown.append(f"{name} {count:,} ({kind})")
        del rescued[key]
    more = len(grouped) - SHOWN_VALUES
    rest = f" and {more:,} more values" if more > 0 else ""
    unshown = sum(rescued.values())
    if unshown and label.won is not None:  # so the counts add up to the SQLs stated (walk N)
        rest += f"; {unshown:,} more counted as SQLs since {label.won.column} says they were won"
    return f"{label.sql.column} holds {', '.join(shown)}{rest}"


def outcome_note(label: Label, texts: tuple[str | None, ...], sql) -> str:
    """The outcome column's values among these leads (`texts`, each lead's cell; `sql`, whether it counts as
    one), as describe_outcomes says them."""
    # A won deal is an SQL whatever the stage says (features/outcome.py): said with its stage, so the counts add
    # up (walk N) and a won lead is not called open or not SQL (walk Y).
    won = Counter(
        text for text, is_sql in zip(texts, sql, strict=True) if is_sql and label.kind(text) != "sql"
    )
    return describe_outcomes(label, Counter(texts), won)


def blank_selections(mapping: Mapping, rows: list[dict], numbers: list[int]) -> list[str]:
    """One note per multi-select column whose contains: fields read its blank cells as not given, often blank."""
    placeholders, notes = set(mapping.placeholders), []
    columns: dict[str, list[str]] = {}
    for name, rule in mapping.custom.items():
        if rule.contains is not None and rule.column is not None and not reads_blank(rule):
            columns.setdefault(rule.column, []).append(name)
    for column, names in columns.items():
        blank = sum(Row(rows[number - 2], placeholders).blank(column) for number in numbers)
        # Only when a sizeable share of the leads (`numbers`, header = 1) have it blank: a CRM writes "nothing
        # ticked" as an empty cell, and each such lead's reasons would say the value is not given (walk Y:
        # 'Interested in the API not given').
        if not numbers or blank < BLANK_SELECTIONS * len(numbers):
            continue
        fields = f"custom field {names[0]}" if len(names) == 1 else f"custom fields {', '.join(names)}"
        notes.append(
            f"{column}: blank for {blank / len(numbers):.0%} of the leads ({blank:,} of {len(numbers):,}), which "
            f"{fields} (contains:) read as not given, and their reasons say so; if a blank cell means nothing is "
            f'ticked, add false_values: [""] to {"it" if len(names) == 1 else "each"}'
        )
    return notes


def label_cells(rows: list[dict], numbers: list[int], label: Label, placeholders: set[str]) -> Counter:
    """The outcome column's cells of the rows numbered `numbers` (header = 1), counted."""
    return Counter(Row(rows[number - 2], placeholders).text(label.sql.column) for number in numbers)
