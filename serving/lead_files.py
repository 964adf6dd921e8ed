"""Lead files (JSONL, JSON, CSV, Parquet, or a CRM export through a mapping) read row by row into leads."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from itertools import chain, islice
from pathlib import Path

from pydantic import ValidationError

from leadgate.features.cells import cell_text, cell_value
from leadgate.features.custom import CustomField
from leadgate.features.date_suggestions import say_date_formats
from leadgate.features.export_records import (
    decimal_marks,
    mapped_rows,
    row_label,
    with_columns,
)
from leadgate.features.headers import check_header, delimiter_hint
from leadgate.features.json_text import repeated_keys, repeated_words
from leadgate.features.lead_path_cells import typed_custom
from leadgate.features.mapping import Mapping, Sequence
from leadgate.features.multi_select import say_separators
from leadgate.features.schema import Lead, LeadValidationError, parse_lead
from leadgate.features.sequences import sequence_keys, sequence_ranks
from leadgate.serving.export_reader import UNREADABLE, BatchInputError, file_format, open_table, open_text
from leadgate.serving.file_formats import INPUT_FORMATS
from leadgate.serving.parquet_rows import parquet_batches

PARQUET_BATCH = 10_000  # rows taken from a Parquet file at a time
MARK_SAMPLE = 10_000  # rows of a mapped export whose cells tell each number column's decimal mark
# Of a sample's cells that show a decimal mark, the share that may write the other one: each is its row's
# error, as a later cell would be, and the rest of the batch is decided. More, and the column is refused.
MARK_STRAYS = 0.1


@dataclass(frozen=True)
class Row:
    """One input row: a parsed lead, or the error that kept it from being one."""

    number: int
    lead: Lead | None
    lead_id: str | None
    error: str | None

    @classmethod
    def of(
        cls, number: int, data, lead_id: str | None = None, where: str | None = None, cells: bool = False
    ) -> Row:
        """A row from a Lead, lead JSON (validated here) or the text of the problem that kept it from being one
        (with the row's lead id when the reader knows it; `where` names the row in a validation error; `cells`:
        the values are table cells', as parse_lead reads them)."""
        if isinstance(data, Lead):
            return cls(number, data, data.lead_id, None)
        if isinstance(data, str):
            return cls(number, None, lead_id, data)
        return cls.parsed(number, data, where, cells)

    @classmethod
    def parsed(cls, number: int, data, where: str | None = None, cells: bool = False) -> Row:
        """A row from any JSON value (or table cells'), validated as a lead."""
        try:
            lead = parse_lead(data, cells=cells)
        except LeadValidationError as error:
            found = readable_id(data.get("lead_id")) if isinstance(data, dict) else None
            return cls(number, None, found, f"{where or f'row {number}'}: {error}")
        return cls(number, lead, lead.lead_id, None)

    @classmethod
    def of_cells(
        cls, number: int, data: dict, custom_fields: tuple[CustomField, ...], currencies: dict | None = None
    ) -> Row:
        """A row from a table's cells (unflattened): text in a declared custom field read as its type first,
        a cell that cannot be read the row's error with any other problem the lead has (`currencies`: see
        typed_custom)."""
        unread = typed_custom(data, custom_fields, currencies)
        row = cls.parsed(number, data, cells=True)
        if not unread:
            return row
        problems = [row.error.removeprefix(f"row {number}: ")] if row.error else []
        return cls(number, None, row.lead_id, f"row {number}: " + "; ".join([*problems, *unread]))


def readable_id(value) -> str | None:
    """A row's lead_id as its file wrote it (text, or a number a typed column holds), so that an error row can
    be matched back; None when missing or no id at all (an object, a list)."""
    value = cell_value(value)
    if value is None or isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    text = str(cell_text(value))  # plain text: a NumberCell is the reader's mark, not the id's
    return text if text.strip() else None


def unflatten(row: dict) -> dict:
    """Rebuild a nested lead from flat columns ('contact.email', 'events' as JSON text); drop empty cells."""
    lead: dict = {}
    for key, value in row.items():
        value = cell_value(value)  # one reading of a typed cell: NaT and NA missing, timestamps ISO text
        if value is None or value == "":
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
    # A JSON array is one document: it is read whole. JSON lines are the format for big batches.
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        yield 1, f"{path.name}: not valid JSON: {error.msg} (line {error.lineno})"
        return
    yield from enumerate(data if isinstance(data, list) else [data], start=1)


def json_text_row(number: int, line: str) -> Row:
    """One lead given as JSON text (a JSON-lines line, the pyfunc's input) as a Row, validated as the API does."""
    try:
        # Parsed and validated in one pass, without a dict in between: a third less work per lead.
        lead = Lead.model_validate_json(line)
    except ValidationError:
        lead = None  # the row is refused: the usual path words why, exactly as for any other lead JSON
    # pydantic, as plain JSON, keeps the last value of a key written twice: refused, as the API refuses it.
    repeated = repeated_keys(line)
    if repeated:
        words = "; ".join(f"{path}: {repeated_words(path.rpartition('.')[2], n)}" for path, n in repeated)
        return Row(number, None, lead.lead_id if lead else _json_id(line), f"row {number}: {words}")
    if lead is not None:
        return Row(number, lead, lead.lead_id, None)
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        return Row(number, None, None, f"row {number}: not valid JSON: {error.msg}")
    return Row.parsed(number, data)


def _json_id(line: str) -> str | None:
    """The lead_id of lead JSON text that is no lead, when the text is JSON and names one."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError:
        return None
    return readable_id(data.get("lead_id")) if isinstance(data, dict) else None


def _jsonl_rows(path: Path) -> Iterator[Row]:
    try:
        with open_text(path) as handle:  # line by line: a big lead file never sits in memory whole
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    yield json_text_row(number, line)
    except UNREADABLE as error:
        raise BatchInputError(f"{path.name}: cannot be read as UTF-8 JSON lines: {error}") from None


def _flat_records(path: Path, delimiter: str | None, encoding: str | None) -> Iterator[dict]:
    if file_format(path) == ".parquet":
        batches = parquet_batches(path, PARQUET_BATCH, keep_index=lead_field)[1]
        return (record for records in batches for record in records)
    return iter(open_table(path, delimiter=delimiter, encoding=encoding).rows)


def table_rows(
    records: Iterable[dict], custom_fields: tuple[CustomField, ...] = (), currencies: dict | None = None
) -> Iterator[Row]:
    """Rows of a table whose columns are lead paths (a CSV or Parquet file, a DataFrame), each cell as text
    or as the table typed it; numbered as the file numbers them and a mapped export too (header = row 1).
    `currencies`: the model's, per number field (a cell in another currency is its row's error)."""
    for number, record in enumerate(records, start=2):
        try:
            data = unflatten(record)
        except json.JSONDecodeError as error:
            yield Row.of(
                number,
                f"row {number}: events is not valid JSON: {error.msg}",
                readable_id(record.get("lead_id")),
            )
            continue
        yield Row.of_cells(number, data, custom_fields, currencies)


def _mapped_rows(
    path: Path, mapping: Mapping, delimiter: str | None, encoding: str | None, known_marks: dict | None = None
) -> Iterator[Row]:
    table = open_table(path, delimiter=delimiter, encoding=encoding)
    # New leads have no outcome yet: the mapping's label columns may be missing or empty.
    mapping = check_header(mapping, table.columns, outcome=False)
    ranks = {}
    if isinstance(mapping.created_at, Sequence):
        # A sequence ranks every row of the export: a first pass reads the column, the second the rows.
        ranks = sequence_ranks(mapping, sequence_keys(mapping, table.rows))
        table = open_table(path, delimiter=delimiter, encoding=encoding, announce=False)
    # The first rows tell each number column's decimal mark; a cell that does not follow it, there or later,
    # is its row's error, so the stream never has to be read twice.
    rows = iter(table.rows)
    head = list(islice(rows, MARK_SAMPLE))
    marks = decimal_marks(mapping, head, known_marks, strays=MARK_STRAYS)
    say_separators(mapping, head, f"{path.name}: ")
    say_date_formats(mapping, head, f"{path.name}: ")
    for number, data, lead_id in mapped_rows(mapping, chain(head, rows), ranks, outcome=False, marks=marks):
        yield mapped_row(mapping, number, data, lead_id)


def mapped_row(mapping: Mapping, number: int, data: dict | str, lead_id: str | None) -> Row:
    """One mapped export row as a Row: named by its row and id, a schema problem with the column it came from."""
    row = Row.of(number, data, lead_id, row_label(mapping, number, lead_id), cells=True)
    if row.error is not None and not isinstance(data, str):  # the schema's words, with the export's column
        row = replace(row, error=with_columns(mapping, row.error))
    return row


def check_input(path: Path, mapping: Mapping | None = None) -> None:
    """Refuse a lead file that is missing or of a format that cannot be read (an export's, with a mapping)."""
    if not path.exists():
        raise BatchInputError(f"{path}: no such file")
    if mapping is None and file_format(path) not in INPUT_FORMATS:
        raise BatchInputError(f"{path}: input must be one of {', '.join(INPUT_FORMATS)}")


def read_leads(
    path: Path,
    mapping: Mapping | None = None,
    *,
    delimiter: str | None = None,
    encoding: str | None = None,
    known_marks: dict | None = None,
    custom_fields: tuple[CustomField, ...] = (),
    currencies: dict[str, list[str]] | None = None,
) -> Iterator[Row]:
    """Every row of a lead file, validated, read as taken; bad rows carry their error instead of stopping.

    `known_marks`: the decimal marks the model's training read each export column with (see decimal_marks;
    one per currency of a column converting several, features/money_marks.trained_marks);
    `custom_fields`: the model's, whose types read a CSV's text cells (JSON is taken as typed); `currencies`:
    the model's, per number field, refusing a lead-path table's cell in another currency (a mapped export's
    rules carry them: features/column_currencies.with_trained_currencies).
    """
    check_input(path, mapping)
    kind = file_format(path)
    if mapping is not None:
        yield from _mapped_rows(path, mapping, delimiter, encoding, known_marks)
        return
    if kind.startswith(".jsonl"):
        yield from _jsonl_rows(path)
        return
    if kind == ".json":
        for number, data in _json_rows(path):
            yield Row.of(number, data)
        return
    yield from table_rows(_flat_records(path, delimiter, encoding), custom_fields, currencies)


def input_columns(
    path: Path, mapping: Mapping | None = None, *, delimiter: str | None = None, encoding: str | None = None
) -> list[str]:
    """The columns of a lead file without reading it through: the header, or the first JSON object's keys. Without a
    mapping, a header read as one column that another delimiter splits is refused (BatchInputError naming it)."""
    check_input(path, mapping)
    kind = file_format(path)
    if mapping is not None:  # the header only: the file's encoding is told when its rows are read
        return open_table(path, delimiter=delimiter, encoding=encoding, announce=False).columns
    if kind == ".parquet":
        return parquet_batches(path, 1, keep_index=lead_field)[0]
    if kind in (".json", ".jsonl", ".jsonl.gz"):
        first = next((data for _, data in _first_json(path, kind)), None)
        return [str(key) for key in first] if isinstance(first, dict) else []
    columns = open_table(path, delimiter=delimiter, encoding=encoding, announce=False).columns
    hint = delimiter_hint(columns)
    # 'lead_id;contact.email' read with ',' is no lead field: the delimiter, not --mapping, is the fix.
    if hint and foreign_columns(columns):
        raise BatchInputError(f"{path.name}: {hint}")
    return columns


def _first_json(path: Path, kind: str) -> Iterator[tuple[int, object]]:
    if kind == ".json":
        yield from _json_rows(path)
        return
    try:
        with open_text(path) as handle:
            line = next((line for line in handle if line.strip()), None)
    except UNREADABLE as error:
        raise BatchInputError(f"{path.name}: cannot be read as UTF-8 JSON lines: {error}") from None
    if line is not None:
        try:
            yield 1, json.loads(line)
        except json.JSONDecodeError:
            return


def foreign_columns(columns: list[str]) -> list[str]:
    """The columns that are no lead field ('Lead Number'; 'company.employees' is one): a CRM export's names."""
    return [column for column in columns if column.split(".", 1)[0] not in Lead.model_fields]


def lead_field(column: str) -> bool:
    """Whether a column names a lead field: a DataFrame indexed by lead_id keeps it when written to Parquet."""
    return not foreign_columns([column])


def shown_columns(columns: list[str], most: int = 5) -> str:
    """'Lead Number, Lead Origin' or the first `most` and how many in all, as messages name columns."""
    return ", ".join(columns[:most]) + (f", … ({len(columns)} in all)" if len(columns) > most else "")
