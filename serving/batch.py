"""Batch scoring of lead files (JSONL, CSV, Parquet) through the decision pipeline, one error per bad row."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from leadgate.decision.pipeline import DecisionPipeline
from leadgate.decision.record import DecisionRecord
from leadgate.features.export_records import map_rows
from leadgate.features.mapping import Mapping, check_header
from leadgate.features.schema import Lead, LeadValidationError, parse_lead
from leadgate.serving.export_reader import (
    UNREADABLE,
    BatchInputError,
    file_format,
    open_text,
    read_table,
)

INPUT_FORMATS = (".jsonl", ".json", ".csv", ".parquet", ".jsonl.gz", ".csv.gz")
OUTPUT_FORMATS = (".jsonl", ".parquet")
CHUNK = 20_000  # leads decided together: big enough for the pipeline's two-thread path


@dataclass(frozen=True)
class Row:
    """One input row: a parsed lead, or the error that kept it from being one."""

    number: int
    lead: Lead | None
    lead_id: str | None
    error: str | None

    @classmethod
    def of(cls, number: int, data) -> Row:
        """A row from a Lead, lead JSON (validated here) or the text of the problem that kept it from being one."""
        if isinstance(data, Lead):
            return cls(number, data, data.lead_id, None)
        if isinstance(data, str):
            return cls(number, None, None, data)
        lead_id = data.get("lead_id") if isinstance(data, dict) else None
        try:
            return cls(number, parse_lead(data), lead_id, None)
        except LeadValidationError as error:
            return cls(number, None, None if lead_id is None else str(lead_id), str(error))


def _missing(value) -> bool:
    return (
        value is None
        or (isinstance(value, float) and math.isnan(value))
        or (isinstance(value, str) and not value)
    )


def unflatten(row: dict) -> dict:
    """Rebuild a nested lead from flat columns ('contact.email', 'events' as JSON text); drop empty cells."""
    lead: dict = {}
    for key, value in row.items():
        if hasattr(value, "tolist"):  # numpy arrays and scalars from Parquet columns
            value = value.tolist()
        if _missing(value):
            continue
        if isinstance(value, str) and key == "events":
            value = json.loads(value)
        target = lead
        *parents, leaf = str(key).split(".")
        for parent in parents:
            target = target.setdefault(parent, {})
        target[leaf] = value
    return lead


def _json_rows(path: Path) -> Iterator[tuple[int, dict | str]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        yield 1, f"{path.name}: not valid JSON: {error.msg} (line {error.lineno})"
        return
    yield from enumerate(data if isinstance(data, list) else [data], start=1)


def _jsonl_rows(path: Path) -> Iterator[tuple[int, dict | str]]:
    try:
        with open_text(path) as handle:  # line by line: a big lead file never sits in memory whole
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    yield number, json.loads(line)
                except json.JSONDecodeError as error:
                    yield number, f"line {number}: not valid JSON: {error.msg}"
    except UNREADABLE as error:
        raise BatchInputError(f"{path.name}: cannot be read as UTF-8 JSON lines: {error}") from None


def _read_rows(
    path: Path, delimiter: str | None = None, encoding: str | None = None
) -> Iterator[tuple[int, dict | str]]:
    kind = file_format(path)
    if kind == ".json":
        yield from _json_rows(path)
        return
    if kind in (".jsonl", ".jsonl.gz"):
        yield from _jsonl_rows(path)
        return
    if kind == ".parquet":
        import pandas as pd

        records = pd.read_parquet(path).to_dict(orient="records")
    else:
        records = read_table(path, delimiter=delimiter, encoding=encoding).rows
    # Numbered as the mapped path numbers them (header = row 1), so one bad row has one number.
    for number, record in enumerate(records, start=2):
        try:
            yield number, unflatten(record)
        except json.JSONDecodeError as error:
            yield number, f"row {number}: events is not valid JSON: {error.msg}"


def _mapped_rows(
    path: Path, mapping: Mapping, delimiter: str | None, encoding: str | None
) -> Iterator[tuple[int, dict | str]]:
    table = read_table(path, delimiter=delimiter, encoding=encoding)
    # New leads have no outcome yet: the mapping's label columns may be missing or empty.
    check_header(mapping, table.columns, outcome=False)
    yield from map_rows(mapping, table.rows, outcome=False)


def read_leads(
    path: Path,
    mapping: Mapping | None = None,
    *,
    delimiter: str | None = None,
    encoding: str | None = None,
) -> Iterator[Row]:
    """Every row of a lead file, validated; bad rows carry their error instead of stopping the batch."""
    if not path.exists():
        raise BatchInputError(f"{path}: no such file")
    if mapping is None and file_format(path) not in INPUT_FORMATS:
        raise BatchInputError(f"{path}: input must be one of {', '.join(INPUT_FORMATS)}")
    rows = (
        _mapped_rows(path, mapping, delimiter, encoding) if mapping else _read_rows(path, delimiter, encoding)
    )
    for number, data in rows:
        yield Row.of(number, data)


# The columns of a flat (Parquet, DataFrame) output, whatever its rows: a batch of only errors keeps them.
FLAT_COLUMNS = (
    "lead_id",
    "route",
    "route_source",
    "p_sql",
    "band",
    "gates",
    "gate_reasons",
    "negative_reasons",
    "positive_reasons",
    "next_step",
    "public_message",
    "model_version",
    "policy_version",
    "decided_at",
    "error",
    "row",
)


def _flat_output(record: DecisionRecord) -> dict:
    return {
        "lead_id": record.lead_id,
        "route": record.route,
        "route_source": record.route_source,
        "p_sql": record.p_sql,
        "band": record.band,
        "gates": [g.code for g in record.gates],
        "gate_reasons": [g.reason for g in record.gates],
        "negative_reasons": [r.text for r in record.negative_reasons],
        "positive_reasons": [r.text for r in record.positive_reasons],
        "next_step": record.next_step,
        "public_message": record.public_message,
        "model_version": record.model_version,
        "policy_version": record.policy_version,
        "decided_at": record.decided_at,
        "error": None,
    }


def _error_output(row: Row) -> dict:
    return {"lead_id": row.lead_id, "row": row.number, "error": row.error}


@dataclass(frozen=True)
class BatchSummary:
    """What a batch run produced."""

    scored: int
    errors: int
    routes: dict[str, int]


def _checked_custom(pipeline: DecisionPipeline, row: Row) -> Row:
    problems = pipeline.custom_problems(row.lead) if row.lead is not None else []
    return Row(row.number, None, row.lead_id, "; ".join(problems)) if problems else row


def decide_rows(pipeline: DecisionPipeline, rows: list[Row], full: bool = False) -> list[dict]:
    """One output per row, in order: the decision (flat, or the full record when `full`) or the row's error."""
    # A custom field the model does not declare (or of the wrong type) is that row's error, like a bad field.
    rows = [_checked_custom(pipeline, row) for row in rows]
    good = [row for row in rows if row.lead is not None]
    records = iter(pipeline.decide_records([row.lead for row in good])[1] if good else [])
    outputs = []
    for row in rows:
        if row.lead is None:
            outputs.append(_error_output(row))
            continue
        record = next(records)
        flat = {**record.to_json(), "error": None} if full else _flat_output(record)
        outputs.append({**flat, "row": row.number})
    return outputs


def score_file(
    pipeline: DecisionPipeline,
    input_path: Path,
    output_path: Path,
    on_progress: Callable[[int], None] | None = None,
    mapping: Mapping | None = None,
    *,
    delimiter: str | None = None,
    encoding: str | None = None,
) -> BatchSummary:
    """Score every lead of a file in chunks; write one output row per input row (decision or error)."""
    if output_path.suffix.lower() not in OUTPUT_FORMATS:
        raise BatchInputError(f"{output_path}: output must be one of {', '.join(OUTPUT_FORMATS)}")
    full = output_path.suffix.lower() == ".jsonl"
    outputs: list[dict] = []
    routes: dict[str, int] = {}
    errors = 0
    chunk: list[Row] = []

    def flush() -> None:
        nonlocal errors
        for output in decide_rows(pipeline, chunk, full):
            if output["error"] is None:
                routes[output["route"]] = routes.get(output["route"], 0) + 1
            else:
                errors += 1
            outputs.append(output)
        if on_progress:
            on_progress(len(chunk))
        chunk.clear()

    for row in read_leads(input_path, mapping, delimiter=delimiter, encoding=encoding):
        chunk.append(row)
        if len(chunk) >= CHUNK:
            flush()
    if chunk:
        flush()
    _write(outputs, output_path)
    return BatchSummary(scored=len(outputs) - errors, errors=errors, routes=routes)


def _write(outputs: list[dict], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Write beside the target and rename, so a crash never leaves half a decisions file behind.
    partial = path.with_name(path.name + ".partial")
    if path.suffix.lower() == ".jsonl":
        with partial.open("w") as handle:
            for record in outputs:
                handle.write(json.dumps(record) + "\n")
    else:
        import pandas as pd

        pd.DataFrame(outputs, columns=list(FLAT_COLUMNS)).to_parquet(partial, index=False)
    partial.replace(path)
