"""Lead files (JSONL, JSON, CSV, Parquet, or a CRM export through a mapping) read row by row into leads."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from itertools import chain, islice
from pathlib import Path

from leadgate.features.custom import CustomField
from leadgate.features.date_suggestions import say_date_formats
from leadgate.features.export_marks import decimal_marks
from leadgate.features.export_records import mapped_rows
from leadgate.features.headers import check_header, delimiter_hint
from leadgate.features.mapping import Mapping, Sequence
from leadgate.features.multi_select import say_separators
from leadgate.features.schema import Lead
from leadgate.features.sequences import sequence_keys, sequence_ranks
from leadgate.serving.export_reader import UNREADABLE, BatchInputError, file_format, open_table, open_text
from leadgate.serving.file_formats import INPUT_FORMATS
from leadgate.serving.lead_rows import Row, json_text_row, mapped_row, table_rows
from leadgate.serving.parquet_rows import parquet_batches

PARQUET_BATCH = 10_000  # rows taken from a Parquet file at a time
COUNT_BLOCK = 1 << 20  # bytes read at a time while a file's rows are counted
MARK_SAMPLE = 10_000  # rows of a mapped export whose cells tell each number column's decimal mark
# Of a sample's cells that show a decimal mark, the share that may write the other one: each is its row's
# error, as a later cell would be, and the rest of the batch is decided. More, and the column is refused.
MARK_STRAYS = 0.1


def _json_rows(path: Path) -> Iterator[tuple[int, dict | str]]:
    # A JSON array is one document: it is read whole. JSON lines are the format for big batches.
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        yield 1, f"{path.name}: not valid JSON: {error.msg} (line {error.lineno})"
        return
    yield from enumerate(data if isinstance(data, list) else [data], start=1)


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


def _mapped_rows(
    path: Path, mapping: Mapping, delimiter: str | None, encoding: str | None, known_marks: dict | None = None
) -> Iterator[Row]:
    table = open_table(path, delimiter=delimiter, encoding=encoding)
    opened = [table.rows]

    def rows() -> Iterable[dict]:
        # The table opened for its columns is the first pass; a sequence's ranks take a second, read again.
        return (
            opened.pop()
            if opened
            else open_table(path, delimiter=delimiter, encoding=encoding, announce=False).rows
        )

    yield from export_rows(mapping, table.columns, rows, f"{path.name}: ", known_marks)


def export_rows(
    mapping: Mapping,
    columns: list[str],
    rows: Callable[[], Iterable[dict]],
    prefix: str = "",
    known_marks: dict | None = None,
) -> Iterator[Row]:
    """Each row of an export (a file's or a DataFrame's text cells) through a mapping, its lead or its error:
    what `score`, `decide --mapping` and the Python API's `mapping=` all read, one way.

    `rows()` gives the rows from the start; a mapping ordered by a sequence asks for them twice (its ranks).
    """
    # New leads have no outcome yet: the mapping's label columns may be missing or empty.
    mapping = check_header(mapping, columns, outcome=False)
    ranks = {}
    if isinstance(mapping.created_at, Sequence):
        # A sequence ranks every row of the export: a first pass reads the column, the second the rows.
        ranks = sequence_ranks(mapping, sequence_keys(mapping, rows()))
    # The first rows tell each number column's decimal mark; a cell that does not follow it, there or later,
    # is its row's error, so the stream never has to be read twice.
    taken = iter(rows())
    head = list(islice(taken, MARK_SAMPLE))
    marks = decimal_marks(mapping, head, known_marks, strays=MARK_STRAYS)
    say_separators(mapping, head, prefix)
    say_date_formats(mapping, head, prefix)
    for number, data, lead_id in mapped_rows(mapping, chain(head, taken), ranks, outcome=False, marks=marks):
        yield mapped_row(mapping, number, data, lead_id)


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


def row_count(path: Path) -> int | None:
    """How many rows a lead file or export holds, told without parsing it (a progress bar's total): a Parquet
    file's own count, the lines of JSON lines, a CSV's records less its header (newlines outside quotes, read
    in binary blocks; gzipped too). None when it cannot be told cheaply: not a plain file (a pipe), a JSON
    document, UTF-16 text; an .xlsx sheet says its recorded size. Blank lines are counted, which the readers skip:
    at most a few too many."""
    kind = file_format(path)
    if not path.is_file():
        return None
    try:
        if kind == ".parquet":
            import pyarrow.parquet as pq

            return pq.ParquetFile(path).metadata.num_rows
        if kind == ".xlsx":
            from leadgate.serving.xlsx_rows import xlsx_row_count

            return xlsx_row_count(path)
        if kind.startswith(".jsonl"):
            return _records(path, quoted=False)
        if kind.removesuffix(".gz") in (".csv", ".tsv", ".txt"):
            records = _records(path, quoted=True)
            return None if records is None else max(records - 1, 0)
    except (*UNREADABLE, ValueError):  # the readers say what is wrong with the file
        return None
    return None


def _records(path: Path, quoted: bool) -> int | None:
    """Lines of a file, a quoted field's newlines left out (CSV quoting: a doubled quote flips twice)."""
    import gzip

    count, inside, last = 0, False, b"\n"
    with gzip.open(path, "rb") if path.suffix.lower() == ".gz" else path.open("rb") as handle:
        if handle.peek(2)[:2] in (b"\xff\xfe", b"\xfe\xff"):
            return None  # UTF-16 (Excel's Unicode text): a newline byte may be half of another character
        while block := handle.read(COUNT_BLOCK):
            parts = block.split(b'"') if quoted else [block]
            # Quotes split the block into stretches outside and inside a quoted field, alternately.
            count += sum(part.count(b"\n") for part in parts[1 if inside else 0 :: 2])
            inside ^= (len(parts) - 1) % 2 == 1
            last = block[-1:]
    return count + (last != b"\n")
