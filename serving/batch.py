"""Batch scoring of lead files (JSONL, CSV, Parquet) through the decision pipeline, one error per bad row."""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import logging
import math
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from leadgate.decision.pipeline import DecisionPipeline
from leadgate.decision.record import DecisionRecord
from leadgate.features.mapping import Mapping, check_header, map_rows
from leadgate.features.schema import Lead, LeadValidationError, parse_lead

INPUT_FORMATS = (".jsonl", ".json", ".csv", ".parquet", ".jsonl.gz", ".csv.gz")
EXPORT_FORMATS = (".csv", ".tsv", ".txt", ".csv.gz", ".tsv.gz", ".txt.gz", ".jsonl", ".jsonl.gz", ".parquet")
DELIMITERS = ",;\t|"
SAMPLE = 64 * 1024  # characters the delimiter is sniffed from
UNREADABLE = (OSError, EOFError, zlib.error, UnicodeDecodeError)  # bad gzip, truncated gzip, not UTF-8
OUTPUT_FORMATS = (".jsonl", ".parquet")
CHUNK = 20_000  # leads decided together: big enough for the pipeline's two-thread path

log = logging.getLogger(__name__)


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


def _format(path: Path) -> str:
    """A file's format by suffix, lower-case, with gzip kept in it ('.csv.gz')."""
    suffixes = [suffix.lower() for suffix in path.suffixes[-2:]]
    if suffixes[-1:] == [".gz"]:
        return "".join(suffixes)
    return suffixes[-1] if suffixes else ""


def _open_text(path: Path):
    """A UTF-8 text handle on a file, through gzip when its name ends with .gz."""
    if path.suffix.lower() == ".gz":
        return gzip.open(path, "rt", encoding="utf-8")
    return path.open(encoding="utf-8")


def _json_rows(path: Path) -> Iterator[tuple[int, dict | str]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        yield 1, f"{path.name}: not valid JSON: {error.msg} (line {error.lineno})"
        return
    yield from enumerate(data if isinstance(data, list) else [data], start=1)


def _jsonl_rows(path: Path) -> Iterator[tuple[int, dict | str]]:
    try:
        with _open_text(path) as handle:  # line by line: a big lead file never sits in memory whole
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
    kind = _format(path)
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
    for number, record in enumerate(records, start=1):
        try:
            yield number, unflatten(record)
        except json.JSONDecodeError as error:
            yield number, f"row {number}: events is not valid JSON: {error.msg}"


@dataclass(frozen=True)
class ExportTable:
    """A CRM export read as text: its columns, its rows by column name, and how the text was read."""

    columns: list[str]
    rows: list[dict]
    delimiter: str | None = None  # None for Parquet and JSON lines
    encoding: str | None = None

    @property
    def note(self) -> str | None:
        """How the file was read, when that is worth telling: any text encoding but UTF-8."""
        if self.encoding is None or codecs.lookup(self.encoding).name in ("utf-8", "utf-8-sig"):
            return None
        return f"read as {self.encoding}, not UTF-8"


def read_table(path: Path, *, delimiter: str | None = None, encoding: str | None = None) -> ExportTable:
    """A CRM export as text (CSV/TSV/TXT plain or .gz, JSON lines, Parquet); delimiter and encoding guessed
    unless given."""
    if not path.exists():
        raise BatchInputError(f"{path}: no such file")
    kind = _format(path)
    if kind not in EXPORT_FORMATS:
        raise BatchInputError(f"{path}: an export must be one of {', '.join(EXPORT_FORMATS)}")
    if kind == ".parquet":
        import pandas as pd

        return _frame_table(pd.read_parquet(path), path)
    if kind.startswith(".jsonl"):
        return _jsonl_table(path)
    text, used = _decode(_read_bytes(path), encoding, path.name)
    fallback = "\t" if kind.startswith(".tsv") else ","
    table = _delimited_table(text, path.name, _delimiter(delimiter) or _sniff(text, fallback), used)
    if encoding is None and table.note:  # a guess the user should know of; a given encoding is no news
        log.warning("%s: %s", path.name, table.note)
    return table


def read_export(path: Path, *, delimiter: str | None = None, encoding: str | None = None) -> list[dict]:
    """A CRM export's rows as text by column name (see read_table); an export without rows is refused."""
    table = read_table(path, delimiter=delimiter, encoding=encoding)
    if not table.rows:
        raise BatchInputError(f"{path.name}: no rows below the header")
    return table.rows


def _frame_table(frame, path: Path) -> ExportTable:
    if not len(frame.columns):
        raise BatchInputError(f"{path.name}: the file is empty")
    # A null is an empty cell, as in a CSV: the mapping's placeholders decide what is missing.
    text = frame.astype(object).where(frame.notna(), "").astype(str)
    return ExportTable([str(c) for c in frame.columns], text.to_dict(orient="records"))


def _jsonl_table(path: Path) -> ExportTable:
    import pandas as pd

    try:
        frame = pd.read_json(path, lines=True, dtype=False)  # compression follows the suffix
    except (ValueError, *UNREADABLE) as error:
        raise BatchInputError(f"{path.name}: not JSON lines: {error}") from None
    return _frame_table(frame, path)


def _read_bytes(path: Path) -> bytes:
    if path.suffix.lower() != ".gz":
        return path.read_bytes()
    try:
        return gzip.decompress(path.read_bytes())
    except UNREADABLE as error:
        raise BatchInputError(f"{path.name}: not a readable gzip file: {error}") from None


def _decode(data: bytes, encoding: str | None, name: str) -> tuple[str, str]:
    """The text of a file and the encoding that read it: the one given, else UTF-8, cp1252, latin-1."""
    if encoding is None and data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"  # Excel's "Unicode Text" export
    if encoding:
        try:
            return data.decode(encoding).removeprefix("\ufeff"), encoding
        except LookupError:
            raise BatchInputError(f"unknown encoding {encoding!r}") from None
        except UnicodeDecodeError as error:
            raise BatchInputError(
                f"{name}: not {encoding} text ({error.reason} at byte {error.start})"
            ) from None
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        # Excel and older CRMs on Windows export cp1252; it leaves five bytes undefined, latin-1 none.
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _delimiter(value: str | None) -> str | None:
    """A delimiter given by the user; '\\t' and 'tab' as typed in a shell mean a tab."""
    if value is None:
        return None
    value = {"\\t": "\t", "tab": "\t"}.get(value.lower(), value)
    if len(value) != 1:
        raise BatchInputError(f"delimiter must be one character, not {value!r}")
    return value


def _blank(row: list[str]) -> bool:
    return len(row) <= 1 and not "".join(row).strip()


def _widths(sample: str, delimiter: str) -> list[int]:
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
    try:
        return [len(row) for row in reader if not _blank(row)]
    except csv.Error:
        return []


def _sniff(text: str, fallback: str) -> str:
    """The delimiter that splits the first rows into one width above 1; csv.Sniffer's guess breaks a tie."""
    sample = text[:SAMPLE]
    try:
        guess = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        guess = fallback

    def fit(delimiter: str) -> tuple:
        widths = _widths(sample, delimiter)
        if len(text) > SAMPLE:
            widths = widths[:-1]  # the sample may end inside a row
        if not widths:
            return (False, 0.0, 0, delimiter == guess)
        # Sniffer picks ',' for 'Id;Betrag, brutto;Land' over '1;12,5;DE': both split every line alike
        # and ',' is its favourite. Of the delimiters that split rows alike, the one with most columns wins.
        consistent = sum(width == widths[0] for width in widths) / len(widths)
        return (widths[0] > 1, consistent, widths[0], delimiter == guess)

    return max(DELIMITERS, key=fit)


def _unique(header: list[str]) -> list[str]:
    """Header names made unique as pandas did ('a', 'a.1'; 'Unnamed: 3' for a blank one)."""
    seen: dict[str, int] = {}
    columns = []
    for index, name in enumerate(header):
        name = name or f"Unnamed: {index}"
        count = seen.get(name, 0)
        seen[name] = count + 1
        columns.append(f"{name}.{count}" if count else name)
    return columns


def _delimited_table(text: str, name: str, delimiter: str, encoding: str) -> ExportTable:
    """Rows of delimited text, numbered as map_rows does (header = row 1); a ragged row stops the read."""
    # pandas had no field size limit; a CRM notes column can pass csv's default of 128 KiB.
    csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)  # Excel quoting: "a ""b"""
    rows: list[dict] = []
    try:
        lines = (row for row in reader if not _blank(row))
        header = next(lines, None)
        if header is None:
            raise BatchInputError(f"{name}: the file is empty")
        columns = _unique(header)
        for number, row in enumerate(lines, start=2):
            if len(row) != len(header):
                where = "" if reader.line_num == number else f" (line {reader.line_num})"
                raise BatchInputError(
                    f"{name}: row {number}{where} has {len(row)} fields but the header has {len(header)}"
                    f" (delimiter {delimiter!r})"
                )
            rows.append(dict(zip(columns, row, strict=True)))
    except csv.Error as error:
        raise BatchInputError(f"{name}: line {reader.line_num}: {error}") from None
    return ExportTable(columns, rows, delimiter, encoding)


def _mapped_rows(
    path: Path, mapping: Mapping, delimiter: str | None, encoding: str | None
) -> Iterator[tuple[int, dict | str]]:
    table = read_table(path, delimiter=delimiter, encoding=encoding)
    check_header(mapping, table.columns)
    for number, record in map_rows(mapping, table.rows):
        yield (
            number,
            record if isinstance(record, str) else {k: v for k, v in record.items() if k != "outcome"},
        )


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
    if mapping is None and _format(path) not in INPUT_FORMATS:
        raise BatchInputError(f"{path}: input must be one of {', '.join(INPUT_FORMATS)}")
    rows = (
        _mapped_rows(path, mapping, delimiter, encoding) if mapping else _read_rows(path, delimiter, encoding)
    )
    for number, data in rows:
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


def _checked_custom(pipeline: DecisionPipeline, row: Row) -> Row:
    problems = pipeline.custom_problems(row.lead) if row.lead is not None else []
    return Row(row.number, None, row.lead_id, "; ".join(problems)) if problems else row


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
        # A custom field the model does not declare (or of the wrong type) is that row's error, like a bad field.
        chunk[:] = [_checked_custom(pipeline, row) for row in chunk]
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

        pd.DataFrame(outputs).to_parquet(partial, index=False)
    partial.replace(path)
