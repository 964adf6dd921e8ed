"""The rows of an export its mapping cannot read, told one line per column and kind of problem (walk AE: ten
rows of 'Email Opt Out: 'FALSCH' is neither …', each with its first problem only, hid the size bands behind)."""

from __future__ import annotations

from dataclasses import dataclass, field

from leadgate.features.blank_cells import cell
from leadgate.features.cells import Row, checked
from leadgate.features.export_records import event_cell_count, row_label
from leadgate.features.mapping import Mapping

KINDS_SHOWN = 10  # lines of a summary; the rest are counted on one more
ROWS_SHOWN = 3  # row numbers of a kind before 'and N more'
CELLS_SHOWN = 3  # distinct cells of a kind, with their counts


@dataclass
class _Kind:
    """One column's one kind of problem: the rows with it, the first as the example, its cells counted."""

    column: str  # '' for a problem no column check gives (no outcome): its message names the column
    # The first row's problem, its column not repeated: "row 5 (Id 7): '501-1000' is a size band…".
    example: str
    rows: list[int] = field(default_factory=list)
    cells: dict[str, int] = field(default_factory=dict)


def bad_rows_summary(
    mapping: Mapping, rows: list[dict], problems: dict[int, str], marks: dict[str, str] | None = None
) -> list[str]:
    """One line per column and kind of problem among the rows that cannot be mapped (`problems`: row number,
    header = 1, → the row's first problem as the export's reading says it), most rows first: how many rows,
    the first row numbers, one row's problem quoting its cell, and the column's other cells of that kind.

    Every field, custom field and event column of a bad row is read, so a row counts under each column it
    fails ('FALSCH' behind a size band); its first problem stands for the rest (no outcome, no creation date).
    """
    placeholders = set(mapping.placeholders)
    kinds: dict[tuple[str, str], _Kind] = {}
    for number, first in problems.items():
        row = Row(rows[number - 2], placeholders, mapping.decimal or ".", marks)
        lead_id = row.text(mapping.lead_id.column) if mapping.lead_id else None
        label = row_label(mapping, number, lead_id)
        found = _column_problems(mapping, row)
        said = {f"{column}: {message}" for column, message, _ in found}
        own = first.removeprefix(f"{label}: ")
        if own not in said:  # a problem no column check gives (the outcome, the date): its own kind
            found.insert(0, ("", own, None))
        for column, message, text in found:
            key = (column, message.replace(repr(text), "…") if text else message)
            kind = kinds.get(key)
            if kind is None:
                kind = kinds[key] = _Kind(column, f"{label}: {message}")
            if not kind.rows or kind.rows[-1] != number:
                kind.rows.append(number)
                if text:
                    kind.cells[text] = kind.cells.get(text, 0) + 1
    ranked = sorted(kinds.values(), key=lambda k: (-len(k.rows), k.rows[0]))
    lines = [_line(kind) for kind in ranked[:KINDS_SHOWN]]
    if len(ranked) > KINDS_SHOWN:
        lines.append(f"... and {len(ranked) - KINDS_SHOWN:,} more kinds of problem")
    return lines


def _column_problems(mapping: Mapping, row: Row) -> list[tuple[str, str, str | None]]:
    """Each problem a row's columns have, as (column, message, the cell it quotes), in the mapping's order."""
    found = []
    rules = [(rule, target) for target, rule in mapping.fields.items()]
    rules += [(rule, None) for rule in mapping.custom.values()]
    for rule, target in rules:
        try:
            checked(rule, row, target, mapping.decimal)
        except ValueError as error:
            column = rule.column or rule.where
            text = row.text(rule.column) if rule.column else None
            found.append((column, str(error).removeprefix(f"{column}: "), text))
    for rule in mapping.events:  # as features/export_records.py reads an event column
        value = cell(rule, row)
        if value is None:
            continue
        try:
            event_cell_count(rule, row, value, mapping.decimal)
        except ValueError as error:
            found.append((rule.column, str(error), value))
    return found


def _line(kind: _Kind) -> str:
    """'Opt Out: 6,000 rows (2, 3, 4 and 5,997 more; cells 'FALSCH' 5,412, 'WAHR' 588), such as row 2 (Id 7): …'."""
    count = len(kind.rows)
    numbers = ", ".join(str(n) for n in kind.rows[:ROWS_SHOWN])
    more = f" and {count - ROWS_SHOWN:,} more" if count > ROWS_SHOWN else ""
    cells = ""
    if len(kind.cells) > 1:
        common = sorted(kind.cells.items(), key=lambda item: -item[1])
        shown = ", ".join(f"{text!r} {n:,}" if n > 1 else repr(text) for text, n in common[:CELLS_SHOWN])
        others = f" and {len(common) - CELLS_SHOWN:,} other values" if len(common) > CELLS_SHOWN else ""
        cells = f"; cells {shown}{others}"
    rows = "1 row" if count == 1 else f"{count:,} rows"
    column = f"{kind.column}: " if kind.column else ""
    return f"{column}{rows} ({numbers}{more}{cells}), such as {kind.example}"
