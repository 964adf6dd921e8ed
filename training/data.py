"""Historical leads with outcomes: read and validated into a History (splitting it: training/splits.py)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from leadgate.decision.count_words import plural
from leadgate.features.cells import yes_or_no
from leadgate.features.custom import CustomField, custom_problems, infer_fields, name_problem, name_problems
from leadgate.features.mapping_columns import FALSE_VALUES, TRUE_VALUES
from leadgate.features.repeated_ids import Repeats, repeats_of
from leadgate.features.schema import LeadValidationError, parse_lead
from leadgate.runtime import paused_gc
from leadgate.training.history import History


def _flag(value) -> bool | None:
    """An outcome's true or false: a JSON boolean, 0 or 1, or a yes/no word (a CSV's 'True'); else None."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        return yes_or_no(value, TRUE_VALUES, FALSE_VALUES)
    return None


class HistoryError(ValueError):
    """Historical data could not be used; the message lists the first problems."""


def history_from_records(
    records: list[dict],
    max_problems: int = 10,
    *,
    columns: list[dict] | None = None,
    custom_fields: tuple[CustomField, ...] | None = None,
    seen_columns: tuple[str, ...] = (),
    ordered: bool = True,
    decimal: str | dict[str, str] = ".",
    numbers: list[int] | None = None,
    label_note: str = "",
    cells: bool = False,
    row_names: list[str] | None = None,
) -> History:
    """Validate records (lead fields plus an `outcome` object) and sort them by creation time.

    `columns` (index-aligned with `records`) are the export's own columns for the baselines; custom fields
    not declared are inferred from the values the leads carry. `numbers` are the records' row numbers in
    their export (header = 1), which problems cite; records are counted from 1 without them. `cells`: the
    records are a table's (CSV, Parquet, a mapped export), whose text is read as its field's type; without it
    they are JSON's, taken as typed, as the API takes a lead. `row_names` (index-aligned) are how problems name
    each record ('row 5 (Lead-ID 4711)', as a mapped export's errors do); 'row N' by `numbers` without them.
    """
    # Undeclared custom fields take the type nearly all their values have; a row whose value is of another
    # (a 1 among true/false) is that row's problem, so one odd value cannot turn a flag into a category.
    inferred = custom_fields is None
    fields = _raw_fields(records) if inferred else custom_fields
    with paused_gc():
        history = _history_from_records(
            records, max_problems, columns, numbers, cells, ordered, fields if inferred else (), row_names
        )
    return History(
        history.leads,
        history.sql,
        history.won,
        history.rejection_reason,
        history.true_negative_factors,
        columns=history.columns,
        custom_fields=tuple(fields),
        seen_columns=tuple(seen_columns),
        ordered=ordered,
        decimal=decimal,
        label_note=label_note,
        skipped=history.skipped,
        won_labelled=history.won_labelled,
        rejections_labelled=history.rejections_labelled,
        repeats=history.repeats,
        numbers=history.numbers,
    )


def repeats_note(repeats: Repeats, ordered: bool) -> str:
    """What commands reading a history say of lead ids on more than one row (`ordered`: History.ordered)."""
    rows = "1 other row" if repeats.extra_rows == 1 else f"{repeats.extra_rows:,} other rows"
    # Without dates the file's order is all there is: the last row need not be the newest (newest-first CRMs).
    kept = (
        "kept the newest row of each (by creation date; on equal dates, the later in the file)"
        if ordered
        else "kept the last row of each in the file"
    )
    return f"{repeats.words()}: {kept} ({rows} left out)"


def _raw_fields(records: list[dict]) -> tuple[CustomField, ...]:
    """Custom fields inferred from the records' own values, before any row is validated."""
    customs = (record.get("custom") if isinstance(record, dict) else None for record in records)
    # A key no field could be named (the CRM's own `Budget__c`) is its row's problem, not a field to infer.
    return infer_fields(
        [
            {name: value for name, value in custom.items() if name_problem(str(name)) is None}
            for custom in customs
            if isinstance(custom, dict)
        ]
    )


def _history_from_records(
    records: list[dict],
    max_problems: int,
    columns: list[dict] | None,
    numbers: list[int] | None,
    cells: bool,
    ordered: bool,
    inferred: tuple[CustomField, ...] = (),
    row_names: list[str] | None = None,
) -> History:
    leads, sql, won, reasons, factors, problems, kept = [], [], [], [], [], [], []
    won_labelled = rejections_labelled = False
    for index, record in enumerate(records):
        row = row_names[index] if row_names else f"row {numbers[index] if numbers else index + 1}"
        outcome = record.get("outcome") if isinstance(record, dict) else None
        if not isinstance(outcome, dict) or "sql" not in outcome:
            problems.append((row, "outcome.sql is missing"))
            continue
        flags = {name: _flag(outcome.get(name, False)) for name in ("sql", "won")}
        unread = [
            f"outcome.{name}: {outcome[name]!r} is not true or false" for name in flags if flags[name] is None
        ]
        if unread:  # bool("false") is True: a text outcome is read as its words, or refused
            problems.append((row, "; ".join(unread)))
            continue
        lead_fields = {k: v for k, v in record.items() if k != "outcome"}
        try:
            lead = parse_lead(lead_fields, cells=cells)
            # History without a snapshot time is scored as it stood when it was created (set after
            # validation, so a bad created_at is one problem, not also one of a scored_at never given).
            leads.append(lead if lead.scored_at is not None else lead.as_of(lead.created_at))
        except LeadValidationError as error:
            problems.append((row, str(error)))
            continue
        misnamed = name_problems(lead.custom)
        if misnamed:
            leads.pop()
            problems.append((row, "; ".join(misnamed)))
            continue
        # An inferred category holds values of mixed kinds: each is read as its text, none is odd.
        odd = custom_problems(lead.custom, inferred, any_category=True) if inferred and lead.custom else []
        if odd:
            leads.pop()
            problems.append((row, f"{'; '.join(odd)} (as nearly every other row has it)"))
            continue
        sql.append(flags["sql"])
        won.append(flags["won"])
        won_labelled = won_labelled or "won" in outcome
        rejections_labelled = rejections_labelled or "rejection_reason" in outcome
        reasons.append(outcome.get("rejection_reason") or "")
        factors.append(list(outcome.get("true_negative_factors") or []))
        kept.append(index)
    if problems and len(problems) * 100 > len(records):
        shown = "\n  ".join(_by_field(problems, max_problems))
        raise HistoryError(f"{len(problems)} of {len(records)} history rows are invalid:\n  {shown}")
    if not leads:
        raise HistoryError("no usable history rows")
    own = None if columns is None else [columns[i] for i in kept]
    history = History(
        leads,
        np.array(sql),
        np.array(won, dtype=bool),
        reasons,
        factors,
        columns=own,
        won_labelled=won_labelled,
        rejections_labelled=rejections_labelled,
    )
    history = _newest_of_each(history, [numbers[i] if numbers else i + 1 for i in kept], ordered)
    order = np.argsort([lead.created_at.timestamp() for lead in history.leads], kind="stable")
    return replace(history.subset(order), skipped=tuple(f"{row}: {said}" for row, said in problems))


def _newest_of_each(history: History, rows: list[int], ordered: bool) -> History:
    """Each lead id's newest row only: by creation time when the history is `ordered` (the later row in the
    file on a tie), else the last in the file; each row kept would count the lead (and its outcome) once more."""
    history = replace(history, numbers=rows)
    ids = [lead.lead_id for lead in history.leads]
    repeats = repeats_of(zip(ids, rows, strict=True))
    if repeats is None:
        return history
    # Many CRMs export newest first, so the file's order says nothing when the rows carry their own dates;
    # without dates (or a sequence) creation times follow the rows, and the last row is all one can keep.
    times = [lead.created_at.timestamp() if ordered else 0.0 for lead in history.leads]
    newest: dict[str, int] = {}
    for index, lead_id in enumerate(ids):
        if lead_id not in newest or times[index] >= times[newest[lead_id]]:
            newest[lead_id] = index
    kept = np.array(sorted(newest.values()))
    return replace(history.subset(kept), repeats=repeats)


def _by_field(problems: list[tuple[str, str]], most: int) -> list[str]:
    """The invalid rows' problems ((row label, what is wrong)), each row as it is when `most` or fewer, else one
    line per field, most rows first: 'created_at: 18 rows (row 13 (Id 5011), row 25 (Id 5023) and 16 more),
    such as row 13 (Id 5011): created_at: … is more than a day after now'."""
    if len(problems) <= most:
        return [f"{row}: {said}" for row, said in problems]
    fields: dict[str, list[tuple[str, str]]] = {}
    for row, said in problems:
        fields.setdefault(said.split(":", 1)[0], []).append((row, said))
    lines = []
    for name, found in sorted(fields.items(), key=lambda item: -len(item[1]))[:most]:
        rows = ", ".join(row for row, _ in found[:2]) + (
            f" and {len(found) - 2:,} more" if len(found) > 2 else ""
        )
        example = (
            f", such as {found[0][0]}: {found[0][1]}" if name != found[0][1] else ""
        )  # no field: all said
        lines.append(f"{name}: {plural(len(found), 'row')} ({rows}){example}")
    return lines
