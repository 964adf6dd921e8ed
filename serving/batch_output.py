"""Decision files written as the batch goes (JSON lines, or Parquet with one fixed schema), renamed when done."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import fields
from functools import cache
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING

from leadgate.decision.suppression import stopped_in
from leadgate.serving.export_reader import BatchInputError
from leadgate.serving.file_formats import OUTPUT_FORMATS

if TYPE_CHECKING:
    from leadgate.decision.record import DecisionRecord
    from leadgate.serving.lead_rows import Row

# A decision as a row of the flat (Parquet, DataFrame) output: each column and how a record gives it.
FLAT_FIELDS: dict[str, Callable[[DecisionRecord], object]] = {
    "lead_id": attrgetter("lead_id"),
    "route": attrgetter("route"),
    "route_source": attrgetter("route_source"),
    "p_sql": attrgetter("p_sql"),
    "band": attrgetter("band"),
    "gates": lambda record: [g.code for g in record.gates],
    "gate_reasons": lambda record: [g.reason for g in record.gates],
    "negative_reasons": lambda record: [r.text for r in record.negative_reasons],
    "positive_reasons": lambda record: [r.text for r in record.positive_reasons],
    "next_step": attrgetter("next_step"),
    "public_message": attrgetter("public_message"),
    "model_version": attrgetter("model_version"),
    "policy_version": attrgetter("policy_version"),
    "decided_at": attrgetter("decided_at"),
    # Appended after `row` (FLAT_COLUMNS), so readers of the earlier columns by position keep them: what set
    # the route, and the contact the suppressions stop, which a marketing job reading only the flat output
    # must see (an unsubscribed lead keeps its nurture route; a do-not-call one its route, with "phone" here).
    "control": attrgetter("control"),
    "suppressed": lambda record: stopped_in(record.suppressions),
    "suppressions": lambda record: [_suppression_text(s) for s in record.suppressions],
}
_APPENDED = ("control", "suppressed", "suppressions")
# The columns of a flat output, whatever its rows: a batch of only errors keeps them.
FLAT_COLUMNS = (*(name for name in FLAT_FIELDS if name not in _APPENDED), "error", "row", *_APPENDED)
LIST_COLUMNS = ("gates", "gate_reasons", "negative_reasons", "positive_reasons", "suppressed", "suppressions")

Outcome = tuple["Row", "DecisionRecord | None"]  # an input row and its decision (None: the row's error)
Write = Callable[[list[Outcome]], None]


def _suppression_text(suppression: dict) -> str:
    """One suppression the decision saw, in the words of `leadgate suppressions show`."""
    s = suppression
    return f"{s['status']}: {s['contact']} of {s['subject']} ({s['source']}): {s['reason']}"


def flat_output(record: DecisionRecord) -> dict:
    """One decision as a row of the flat output (no `row`; `error` None)."""
    return {**{name: get(record) for name, get in FLAT_FIELDS.items()}, "error": None}


def flat_columns(outcomes: list[Outcome]) -> dict[str, list]:
    """Outcomes as the flat output's columns (what `output_row` gives, row by row, built column by column)."""
    columns = {
        name: [None if record is None else get(record) for _, record in outcomes]
        for name, get in FLAT_FIELDS.items()
    }
    columns["lead_id"] = [row.lead_id if record is None else record.lead_id for row, record in outcomes]
    columns["error"] = [row.error if record is None else None for row, record in outcomes]
    columns["row"] = [row.number for row, _ in outcomes]
    return columns


@cache
def record_keys() -> tuple[str, ...]:
    """The keys of a full decision record's JSON (`override` only on an overridden decision, never a batch's)."""
    from leadgate.decision.record import DecisionRecord

    return tuple(field.name for field in fields(DecisionRecord) if field.name != "override")


def error_output(row: Row, full: bool = False) -> dict:
    """A row that could not be decided, as an output row: every key a decision has (flat, or the full record's
    when `full`), null, so one reader reads both."""
    empty = dict.fromkeys(record_keys() if full else FLAT_FIELDS)
    return {**empty, "lead_id": row.lead_id, "error": row.error, "row": row.number}


def output_row(row: Row, record: DecisionRecord | None, full: bool) -> dict:
    """The output of one input row: its decision (flat, or the full record when `full`) or its error."""
    if record is None:
        return error_output(row, full)
    flat = {**record.to_json(), "error": None} if full else flat_output(record)
    return {**flat, "row": row.number}


def check_output(path: Path) -> None:
    """Refuse an output path whose format cannot be written."""
    if path.suffix.lower() not in OUTPUT_FORMATS:
        raise BatchInputError(f"{path}: output must be one of {', '.join(OUTPUT_FORMATS)}")


@contextmanager
def decisions_file(path: Path) -> Iterator[Write]:
    """A function that appends decided rows to the output; the file appears whole at `path` when the block ends.

    Written beside the target and renamed, so a crash or an unreadable input never leaves half a file.
    """
    check_output(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    try:
        with _jsonl_writer(partial) if path.suffix.lower() == ".jsonl" else _parquet_writer(partial) as write:
            yield write
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


@contextmanager
def _jsonl_writer(path: Path) -> Iterator[Write]:
    encode = json.JSONEncoder().encode
    with path.open("w") as handle:

        def write(outcomes: list[Outcome]) -> None:
            handle.write("".join(encode(output_row(row, record, True)) + "\n" for row, record in outcomes))
            handle.flush()  # each chunk on disk before the next is decided

        yield write


def parquet_schema():
    """The one schema of a flat output, so every chunk (and a batch of only errors) writes the same columns."""
    import pyarrow as pa

    text, texts = pa.string(), pa.list_(pa.string())
    types = {"p_sql": pa.float64(), "row": pa.int64(), **dict.fromkeys(LIST_COLUMNS, texts)}
    return pa.schema([(name, types.get(name, text)) for name in FLAT_COLUMNS])


@contextmanager
def _parquet_writer(path: Path) -> Iterator[Write]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = parquet_schema()
    with pq.ParquetWriter(path, schema) as writer:

        def write(outcomes: list[Outcome]) -> None:
            writer.write_table(pa.table(flat_columns(outcomes), schema=schema))

        yield write
