"""A CRM export's rows read through its mapping as a training history, its own columns kept for the baselines."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

from leadgate.features.cells import NumberCell, Row
from leadgate.features.column_types import type_mismatches
from leadgate.features.date_readings import date_readings
from leadgate.features.date_suggestions import date_format_mismatches
from leadgate.features.export_marks import column_currencies, decimal_marks, mixed_currency_columns
from leadgate.features.export_records import map_rows, row_label, with_columns
from leadgate.features.headers import fit_header
from leadgate.features.mapping import Column, Label, Mapping, MappingError, Sequence
from leadgate.features.multi_select import separator_findings, separator_line
from leadgate.training.bad_rows import bad_rows_summary
from leadgate.training.data import HistoryError, history_from_records
from leadgate.training.export_notes import blank_selections, describe_outcomes, label_cells, outcome_note
from leadgate.training.history import History
from leadgate.training.label_spellings import unheld_values
from leadgate.training.open_ages import decide_old_open, old_open_note
from leadgate.training.outcome_maturity import closed_label, newest_only_values


@dataclass(frozen=True)
class MappedExport:
    """The history an export gives, the rows that could not be mapped (each with its problem), what to say."""

    history: History
    problems: list[str]
    # Said once: column names read in the export's spelling, leads left out and why, the outcome's values.
    notes: list[str] = field(default_factory=list)


def history_from_export(rows: list[dict], mapping: Mapping, max_bad_share: float = 0.01) -> MappedExport:
    """Map every row; more than `max_bad_share` bad rows is an error with a line per column and kind of problem.

    Leads with no outcome yet (the label's `open` values, `blank: open`) and, with `skip_undated`, rows without
    a creation date are left out and counted in the notes.
    """
    header = list(rows[0]) if rows else []
    if mapping.label is None:
        raise MappingError(f"mapping {mapping.name!r} has no label: it can score leads but not train")
    mapping, notes = fit_header(mapping, header)
    label, placeholders = mapping.label, set(mapping.placeholders)
    dated = mapping.created_at if isinstance(mapping.created_at, Column | Sequence) else None
    # File line numbers of rows without a creation date (the header is line 1).
    undated_lines = (
        {k + 2 for k, raw in enumerate(rows) if Row(raw, placeholders).text(dated.column) is None}
        if dated
        else set()
    )
    undated = len(undated_lines)
    kept = [raw for k, raw in enumerate(rows) if k + 2 not in undated_lines] if mapping.skip_undated else rows
    values = Counter(Row(raw, placeholders).text(label.sql.column) for raw in kept)
    won = Counter(Row(raw, placeholders).text(label.won.column) for raw in kept) if label.won else None
    described = describe_outcomes(label, values)
    notes += unheld_values(label, values, won)
    notes += _separator_notes(mapping, kept)
    # Before the marks: '$ 1,000' and '€ 1.000' are not one amount, whichever mark each is read with.
    if mixed := mixed_currency_columns(mapping, rows):
        raise MappingError("\n".join(mixed))
    marks = decimal_marks(mapping, rows)
    results = map_rows(mapping, rows, marks=marks)
    if undated and mapping.skip_undated:
        # Left out after mapping, so every other row keeps its own line number in messages.
        results = [(number, result) for number, result in results if number not in undated_lines]
        notes.append(
            f"{undated:,} rows without a creation date ({dated.column} blank) left out (skip_undated)"
        )
    elif undated and isinstance(dated, Sequence):
        # A blank sequence cell ranks after every other: those leads would all count as the newest.
        notes.append(
            f"{undated:,} rows have no {dated.column}: ordered after every other lead, so they land in the test "
            "part; add `skip_undated: true` to the mapping to leave them out"
        )
    problems = [r for _, r in results if isinstance(r, str)]
    if len(problems) > max_bad_share * len(results):
        # A column most of whose cells its declared type cannot read: one line, not an error on every row.
        # Or a date column most of whose cells its date_format cannot read: the formats that do, with counts.
        if wrong_types := type_mismatches(mapping, kept, marks) + date_format_mismatches(mapping, kept):
            raise MappingError("\n".join(wrong_types))
        # One line per column and kind of problem, with its rows counted (walk AE: ten rows of 'FALSCH').
        bad = {number: r for number, r in results if isinstance(r, str)}
        shown = "\n  ".join(bad_rows_summary(mapping, rows, bad, marks))
        hints = _hints(label, values[None], 0 if mapping.skip_undated else undated, dated)
        raise MappingError(
            f"{len(problems):,} of {len(results):,} rows cannot be mapped, more than the {max_bad_share:.0%} "
            f"training tolerates (each problem names the mapping option that reads such cells, where one "
            f"exists; otherwise correct the export):\n  {shown}{hints}"
        )
    own = mapping.baseline_columns(header)
    mapped = [(number, record) for number, record in results if not isinstance(record, str)]
    mapped, old_open = decide_old_open(mapping, rows, mapped, marks)  # label.open_for_days
    notes += old_open
    # Open values held mostly by old leads, without open_for_days: the SQL rate trained on is too high.
    aging = old_open_note(mapping, rows, mapped)
    waiting = [number for number, record in mapped if record["outcome"] is None]
    mapped = [(number, record) for number, record in mapped if record["outcome"] is not None]
    if waiting:
        notes.append(
            f"{len(waiting):,} leads with no outcome yet left out (nothing to learn from or measure them by); "
            + describe_outcomes(label, label_cells(rows, waiting, label, placeholders))
        )
    notes += aging
    if waiting and not mapped:
        raise MappingError(
            f"no lead has an outcome yet ({len(waiting):,} open): nothing to learn from; {described}"
        )
    try:
        history = _mapped_history(mapping, rows, mapped, own, marks)
    except HistoryError as error:  # rows the lead schema refuses, named as the mapping's own errors name them
        raise HistoryError(with_columns(mapping, str(error))) from None
    # Counted on the rows trained on, as the totals are: not a row the lead schema refuses (a negative size),
    # nor the rows left out of a lead on several (walk M: values summed to more leads than were stated).
    # Each lead's own outcome cell: a window of the history (--since/--until) says its own values (walk tiny F10).
    texts = tuple(Row(rows[number - 2], placeholders).text(label.sql.column) for number in history.numbers)
    # An open value among the leads trained on is one open longer than open_for_days: read as not SQL.
    read = label.decided() if label.open_for_days is not None else label
    trained = outcome_note(read, texts, history.sql)
    notes += blank_selections(mapping, rows, history.numbers)
    notes.append(f"outcome: {int(history.sql.sum()):,} SQLs among {len(history.leads):,} leads; {trained}")
    refused = tuple(with_columns(mapping, problem) for problem in history.skipped)
    constants = mapping.constants()
    for path, rule in constants.items():
        notes.append(
            f"{path} is {rule.value!r} for every lead (the mapping's value, no export column): the same for "
            "all, so the model learns nothing from it in this export"
        )
    history = replace(
        history,
        skipped=refused,
        label_note=trained,
        outcome_label=read,
        outcome_texts=texts,
        event_caps=mapping.event_caps(),
        constants=tuple(constants),
        field_columns=tuple(
            (path.removeprefix("fields."), c) for path, c in mapping.feature_columns().items()
        ),
        label_closed=closed_label(label, values),
        kept_from_baselines=tuple(mapping.kept_from_baselines(header).items()),
        date_readings=date_readings(mapping),
        currencies=column_currencies(mapping, rows),
    )
    # Walk: 'Open' unlisted, 80 leads all of the last weeks, counted as not SQL: the test part lost SQLs silently.
    notes += newest_only_values(history)
    return MappedExport(history, [*problems, *refused], notes)


def _separator_notes(mapping: Mapping, rows: list[dict]) -> list[str]:
    """Multi-select cells another separator lists a contains: value by: each a lead read as no, silently (walk
    V: 35% of the cells, 'Interested in Analytics: no' for 'Analytics, Integrations'): refused past the share of
    bad rows training tolerates when the mapping left its separator at the default, or when the cells split
    into nothing but the values the mapping lists, whatever separator it writes out (walk AE: a champion
    registered with half its product flags wrong); else said."""
    found = separator_findings(mapping, rows)
    refused = [separator_line(mapping, f, refusing=True) for f in found if f.refused()]
    if refused:
        raise MappingError("; ".join(refused))
    return [separator_line(mapping, f) for f in found]


def _mapped_history(
    mapping: Mapping, rows: list[dict], mapped: list[tuple[int, dict]], own: list[str], marks: dict[str, str]
) -> History:
    """The history of the mapped records (each with its export row's number), the baselines' columns beside."""
    amounts = _amount_columns(mapping, own, marks)
    return history_from_records(
        [record for _, record in mapped],
        # Row numbers count the header as 1, so the raw row of number k is rows[k - 2].
        columns=[
            {column: _own_cell(rows[number - 2], record, column, amounts) for column in own}
            for number, record in mapped
        ],
        custom_fields=mapping.custom_fields(),
        seen_columns=tuple(dict.fromkeys(c for c in mapping.feature_columns().values() if c in set(own))),
        ordered=mapping.created_at is not None,
        # The baselines read each column with the mark the mapping reads it with, so neither misreads "71,0".
        # A column the mapping does not read has its mark inferred from its cells (None).
        # A column of typed numbers (Parquet, .xlsx) is written with a point, whatever the mapping's mark.
        decimal={
            column: "." if _typed_numbers(rows, column) else marks.get(column, mapping.decimal)
            for column in own
        },
        numbers=[number for number, _ in mapped],
        cells=True,
        row_names=[row_label(mapping, number, record["lead_id"]) for number, record in mapped],
    )


def _typed_numbers(rows: list[dict], column: str) -> bool:
    """Whether most filled cells of a column are a typed table's numbers (NumberCell), not text."""
    filled = [row[column] for row in rows if str(row.get(column) or "").strip()]
    return sum(isinstance(cell, NumberCell) for cell in filled) > len(filled) / 2


def _amount_columns(mapping: Mapping, own: list[str], marks: dict) -> dict[str, tuple[str, str]]:
    """(section, field) of each own column read with a mark per currency: no one mark reads its raw cells, so
    the baselines take the amounts the mapping converted to USD (written with a point: see baseline_columns)."""
    return {
        rule.column: tuple(path.split("."))
        for path, rule in mapping.fields.items()
        if rule.column in own and isinstance(marks.get(rule.column), dict)
    }


def _own_cell(raw: dict, record: dict, column: str, amounts: dict[str, tuple[str, str]]):
    """A row's cell of an own column for the baselines: as the export writes it, or its converted amount."""
    if column not in amounts:
        return raw[column]
    section, name = amounts[column]
    amount = record.get(section, {}).get(name)
    return "" if amount is None else repr(float(amount))


def _hints(label: Label, blank_outcomes: int, undated: int, dated: Column | Sequence | None) -> str:
    """What to try when blank outcomes or creation dates are among the bad rows."""
    hints = []
    if blank_outcomes and label.blank == "error":
        hints.append(
            f"{_rows_have(blank_outcomes)} no outcome ({label.sql.column} blank): if a blank means no outcome "
            "yet, add `blank: open` to the mapping's label (those leads are left out of training and counted); "
            "if it means not an SQL, `blank: not_sql`"
        )
    if undated and dated is not None:
        hints.append(
            f"{_rows_have(undated)} no creation date ({dated.column} blank): fill them in, or add "
            "`skip_undated: true` to the mapping to leave them out of training (counted)"
        )
    return "".join(f"\n{hint}" for hint in hints)


def _rows_have(count: int) -> str:
    return "1 row has" if count == 1 else f"{count:,} rows have"
