"""Batch scoring of lead files (JSONL, CSV, Parquet) through the decision pipeline, one error per bad row."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from leadgate.decision.pipeline import DecisionPipeline
from leadgate.decision.record import DecisionRecord
from leadgate.features.mapping import Mapping, check_header, map_rows
from leadgate.features.schema import Lead, LeadValidationError, parse_lead

INPUT_FORMATS = (".jsonl", ".json", ".csv", ".parquet")
OUTPUT_FORMATS = (".jsonl", ".parquet")
CHUNK = 20_000  # leads decided together: big enough for the pipeline's two-thread path


class BatchInputError(ValueError):
    """The input or output file cannot be used at all (format, missing file)."""


@dataclass(frozen=True)
class Row:
    """One input row: a parsed lead, or the error that kept it from being one."""

    number: int
    lead: Lead | None
    lead_id: str | None
    error: str | None


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


def _read_rows(path: Path) -> Iterator[tuple[int, dict | str]]:
    suffix = path.suffix.lower()
    if suffix == ".json":
        try:
            data = json.loads(path.read_text())
        except json.JSONDecodeError as error:
            yield 1, f"{path.name}: not valid JSON: {error.msg} (line {error.lineno})"
            return
        for number, item in enumerate(data if isinstance(data, list) else [data], start=1):
            yield number, item
        return
    if suffix == ".jsonl":
        with path.open() as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    yield number, json.loads(line)
                except json.JSONDecodeError as error:
                    yield number, f"line {number}: not valid JSON: {error.msg}"
        return
    import pandas as pd

    frame = pd.read_csv(path, dtype=str, keep_default_na=False) if suffix == ".csv" else pd.read_parquet(path)
    for number, record in enumerate(frame.to_dict(orient="records"), start=1):
        try:
            yield number, unflatten(record)
        except json.JSONDecodeError as error:
            yield number, f"row {number}: events is not valid JSON: {error.msg}"


def read_export(path: Path) -> list[dict]:
    """A CRM export's rows as text by column name (CSV with or without a BOM, Parquet, JSON lines)."""
    import pandas as pd

    if not path.exists():
        raise BatchInputError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    elif suffix == ".parquet":
        frame = pd.read_parquet(path).astype(str)
    elif suffix == ".jsonl":
        frame = pd.read_json(path, lines=True, dtype=False).astype(str)
    else:
        raise BatchInputError(f"{path}: an export must be .csv, .parquet or .jsonl")
    return frame.to_dict(orient="records")


def _mapped_rows(path: Path, mapping: Mapping) -> Iterator[tuple[int, dict | str]]:
    rows = read_export(path)
    check_header(mapping, list(rows[0]) if rows else [])
    for number, record in map_rows(mapping, rows):
        yield (
            number,
            record if isinstance(record, str) else {k: v for k, v in record.items() if k != "outcome"},
        )


def read_leads(path: Path, mapping: Mapping | None = None) -> Iterator[Row]:
    """Every row of a lead file, validated; bad rows carry their error instead of stopping the batch."""
    if not path.exists():
        raise BatchInputError(f"{path}: no such file")
    if mapping is None and path.suffix.lower() not in INPUT_FORMATS:
        raise BatchInputError(f"{path}: input must be one of {', '.join(INPUT_FORMATS)}")
    for number, data in _mapped_rows(path, mapping) if mapping else _read_rows(path):
        if isinstance(data, str):
            yield Row(number, None, None, data)
            continue
        lead_id = data.get("lead_id") if isinstance(data, dict) else None
        try:
            yield Row(number, parse_lead(data), lead_id, None)
        except LeadValidationError as error:
            yield Row(number, None, None if lead_id is None else str(lead_id), str(error))


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


def score_file(
    pipeline: DecisionPipeline,
    input_path: Path,
    output_path: Path,
    on_progress: Callable[[int], None] | None = None,
    mapping: Mapping | None = None,
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
        good = [row for row in chunk if row.lead is not None]
        records = pipeline.decide_records([row.lead for row in good])[1] if good else []
        by_number = {row.number: i for i, row in enumerate(good)}
        for row in chunk:
            if row.lead is None:
                errors += 1
                outputs.append(_error_output(row))
                continue
            record = records[by_number[row.number]]
            routes[record.route] = routes.get(record.route, 0) + 1
            flat = {**record.to_json(), "error": None} if full else _flat_output(record)
            outputs.append({**flat, "row": row.number})
        if on_progress:
            on_progress(len(chunk))
        chunk.clear()

    for row in read_leads(input_path, mapping):
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

        pd.DataFrame(outputs).to_parquet(partial, index=False)
    partial.replace(path)
