"""An export's rows as lead records through a mapping: ids, creation times, fields, custom fields, events, outcome."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta

from leadgate.features.blank_cells import cell
from leadgate.features.cells import Row, checked, convert, event_count, flag
from leadgate.features.export_marks import decimal_marks
from leadgate.features.mapping import EventRule, Label, Mapping, Sequence
from leadgate.features.sequences import sequence_keys, sequence_ranks

log = logging.getLogger(__name__)

# Exports without dates: each row a second after the one before, from a fixed start (the order is all it means).
ROW_ORDER_START = datetime(2000, 1, 1, tzinfo=UTC)


def _created(mapping: Mapping, row: Row, ranks: dict[str, int], number: int) -> str:
    rule = mapping.created_at
    if rule is None:
        return (ROW_ORDER_START + timedelta(seconds=number)).isoformat()
    if isinstance(rule, Sequence):
        return (
            rule.start + timedelta(seconds=rule.step_seconds * ranks[row.text(rule.column) or ""])
        ).isoformat()
    value = checked(rule, row)
    if value is None:
        raise ValueError(f"{rule.column}: missing creation time")
    return value


def map_rows(
    mapping: Mapping, raw_rows: list[dict], outcome: bool = True, marks: dict[str, str] | None = None
) -> list[tuple[int, dict | str]]:
    """Per export row (numbered as in the file, header = 1): a record in the lead schema's JSON form
    (plus `outcome` when the mapping has a label and `outcome` is asked for: None for a lead with no outcome
    yet, by the label's `open` values or `blank: open`), or the problem that row has.

    Scoring new leads passes outcome=False: they have no outcome yet, and their label cells may be missing.
    `marks` are the number columns' decimal marks (`decimal_marks` of these rows when not given).
    """
    ranks = sequence_ranks(mapping, sequence_keys(mapping, raw_rows))  # lazy: read only for a sequence
    marks = decimal_marks(mapping, raw_rows) if marks is None else marks
    return [(number, data) for number, data, _ in mapped_rows(mapping, raw_rows, ranks, outcome, marks)]


def mapped_rows(
    mapping: Mapping,
    raw_rows: Iterable[dict],
    ranks: dict[str, int],
    outcome: bool = True,
    marks: dict[str, str] | None = None,
) -> Iterator[tuple[int, dict | str, str | None]]:
    """As map_rows, one row at a time, with each row's lead id (also of a row in error; `row-N` without an id
    column).

    `ranks` are `sequence_ranks` of the whole export: a sequence orders rows the reader has not reached yet;
    `marks` the `decimal_marks` of its number columns (a cell that does not follow its mark is the row's error).
    """
    placeholders = set(mapping.placeholders)
    capped: dict[str, list[int]] = {}  # count column → the counts above its max_events, of the leads made
    for number, raw in enumerate(raw_rows, start=2):
        row = Row(raw, placeholders, mapping.decimal or ".", marks)
        # Without an id column a lead is its row: a row in error keeps that id as a good one does.
        lead_id = row.text(mapping.lead_id.column) if mapping.lead_id else _row_id(number)
        try:
            yield number, _record(mapping, row, ranks, number, outcome, capped), lead_id
        except ValueError as error:
            yield number, f"{row_label(mapping, number, lead_id)}: {error}", lead_id
    # Said once per column, as a decimal mark inferred is (features/number_marks.py): train and score print it.
    for rule in mapping.events:
        if rule.column in capped:
            log.warning("%s", capped_note(rule, capped.pop(rule.column)))


def capped_note(rule: EventRule, counts: list[int]) -> str:
    """What a count column's cap did: 'Number of Pageviews: 3 rows count more than max_events (100) …'."""
    rows = "1 row counts" if len(counts) == 1 else f"{len(counts):,} rows count"
    most = "" if len(counts) == 1 else "up to "
    return (
        f"{rule.column}: {rows} more than its max_events ({rule.max_events:,}), {most}{max(counts):,}: each "
        f"read as {rule.max_events:,} {rule.type.value} events, so its leads' reasons say "
        f"{rule.max_events:,} or more; raise the event's max_events (at most 10,000) to keep more"
    )


def event_cell_count(rule: EventRule, row: Row, value: str, decimal: str | None) -> int:
    """An event column's cell as a number of events: a flag's yes is 1 (a typed boolean, Parquet or .xlsx,
    whatever the rule's words), else the count it writes."""
    if rule.kind == "flag":
        return 1 if (row.answer(rule.column) if row.is_bool(rule.column) else flag(rule, value)) else 0
    return event_count(value, decimal)


def row_label(mapping: Mapping, number: int, lead_id: str | None) -> str:
    """How an error names an export row: 'row 5 (Lead-ID 4711)', or 'row 5' without an id column."""
    named = mapping.lead_id and lead_id
    return f"row {number}" + (f" ({mapping.lead_id.column} {lead_id})" if named else "")


def with_columns(mapping: Mapping, problem: str) -> str:
    """A lead-schema problem of a mapped row with the export column each field was read from:
    'company.employees (NumberOfEmployees): Input should be …', as the mapping's own errors name columns."""
    columns = {path: rule.column or rule.where for path, rule in mapping.fields.items()}
    columns |= {f"custom.{name}": rule.column or rule.where for name, rule in mapping.custom.items()}
    for path, column in columns.items():
        problem = re.sub(rf"(?<![\w.]){re.escape(path)}: ", f"{path} ({column}): ", problem)
    return problem


def _row_id(number: int) -> str:
    """The lead id of row `number` of an export without an id column."""
    return f"row-{number}"


def _record(
    mapping: Mapping,
    row: Row,
    ranks: dict[str, int],
    number: int,
    outcome: bool,
    capped: dict[str, list[int]],
) -> dict:
    lead_id = row.text(mapping.lead_id.column) if mapping.lead_id else _row_id(number)
    if not lead_id:
        raise ValueError(f"{mapping.lead_id.column}: missing lead id")
    created = _created(mapping, row, ranks, number)
    record: dict = {"lead_id": lead_id, "created_at": created}
    if mapping.created_at is None or isinstance(mapping.created_at, Sequence):
        # Without dates (none, or a sequence's invented ones) a lead is decided as it stood when created, as
        # training decided it: there is no "later" to measure age by, nor is a new lead old by its rank.
        record["scored_at"] = created
    for target, rule in mapping.fields.items():
        value = checked(rule, row, target, mapping.decimal)
        if value is not None:
            section, name = target.split(".")
            record.setdefault(section, {})[name] = value
    for name, rule in mapping.custom.items():
        value = checked(rule, row)
        if value is not None:
            record.setdefault("custom", {})[name] = value
    events, over = [], {}
    for rule in mapping.events:
        value = cell(rule, row)
        if value is None:
            continue
        try:
            count = event_cell_count(rule, row, value, mapping.decimal)
        except ValueError as error:
            raise ValueError(f"{rule.column}: {error}") from None
        if count > rule.max_events:  # the cap keeps a lead's events in memory; said per column (capped_note)
            over[rule.column] = count
            count = rule.max_events
        events += [{"type": rule.type.value, "at": created}] * count
    if events:
        record["events"] = events
    if mapping.label and outcome:
        record["outcome"] = _outcome(mapping.label, row)
    for column, count in over.items():  # a row in error is no lead: only leads made count
        capped.setdefault(column, []).append(count)
    return record


def _outcome(label: Label, row: Row) -> dict | None:
    """The row's outcome by the label (values in any case), or None for a lead with no outcome yet (open)."""
    won = bool(label.won and label.is_won(row.text(label.won.column)))
    kind = "sql" if won else label.kind(row.text(label.sql.column))
    if kind == "open":
        return None
    if kind == "blank":
        raise ValueError(f"{label.sql.column}: no outcome (blank)")
    sql = kind == "sql"
    outcome: dict = {"sql": sql}
    if label.won is not None:  # no won label: whether the lead was won is unknown, not "no"
        outcome["won"] = won
    if (
        label.rejection_reason is not None
    ):  # likewise, no rejection reason: whether sales rejected it is unknown
        outcome["rejection_reason"] = (convert(label.rejection_reason, row) if not sql else None) or ""
    return outcome
