"""CRM exports read as text by column name: CSV in any common dialect and encoding, JSON lines, Parquet, .xlsx."""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import logging
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from leadgate.features.cells import cell_text
from leadgate.features.headers import delimiter_hint, unique_names, without_bom
from leadgate.serving.delimiter_sniffing import SAMPLE, blank, sniff
from leadgate.serving.file_formats import EXPORT_FORMATS
from leadgate.serving.report_footer import report_footer

DECODE_BLOCK = 1 << 20  # bytes decoded at a time while the encoding is guessed
BATCH_ROWS = 10_000  # Parquet and JSON-lines rows read at a time
UNREADABLE = (OSError, EOFError, zlib.error, UnicodeDecodeError)  # bad gzip, truncated gzip, not UTF-8

log = logging.getLogger(__name__)


class BatchInputError(ValueError):
    """The input or output file cannot be used at all (format, missing file)."""


def file_format(path: Path) -> str:
    """A file's format by suffix, lower-case, with gzip kept in it ('.csv.gz')."""
    suffixes = [suffix.lower() for suffix in path.suffixes[-2:]]
    if suffixes[-1:] == [".gz"]:
        return "".join(suffixes)
    return suffixes[-1] if suffixes else ""


def open_text(path: Path):
    """A UTF-8 text handle on a file, through gzip when its name ends with .gz."""
    if path.suffix.lower() == ".gz":
        return gzip.open(path, "rt", encoding="utf-8")
    return path.open(encoding="utf-8")


@dataclass(frozen=True)
class ExportTable:
    """A CRM export read as text: its columns, its rows by column name, and how the text was read.

    `rows` is a list from `read_table` and an iterator from `open_table`, which reads as the rows are taken.
    """

    columns: list[str]
    rows: Iterable[dict]
    delimiter: str | None = None  # None for Parquet and JSON lines
    encoding: str | None = None

    @property
    def note(self) -> str | None:
        """How the file was read, when that is worth telling: any text encoding but UTF-8."""
        if self.encoding is None or codecs.lookup(self.encoding).name in ("utf-8", "utf-8-sig"):
            return None
        return f"read as {self.encoding}, not UTF-8"


def read_table(path: Path, *, delimiter: str | None = None, encoding: str | None = None) -> ExportTable:
    """A CRM export as text (CSV/TSV/TXT plain or .gz, JSON lines, Parquet), every row in memory; delimiter
    and encoding guessed unless given."""
    table = open_table(path, delimiter=delimiter, encoding=encoding)
    return replace(table, rows=list(table.rows))


def open_table(
    path: Path,
    *,
    delimiter: str | None = None,
    encoding: str | None = None,
    batch: int = BATCH_ROWS,
    announce: bool = True,
) -> ExportTable:
    """A CRM export opened for reading: the header now, the rows as they are taken (memory stays flat).

    A guessed encoding other than UTF-8 is logged unless `announce` is False (a file opened again, or only
    for its header before it is read).
    """
    if not path.exists():
        raise BatchInputError(f"{path}: no such file")
    kind = file_format(path)
    if kind == ".xls":
        raise BatchInputError(f"{path}: an Excel 97-2003 workbook (.xls): save it as .xlsx or CSV (UTF-8)")
    if kind not in EXPORT_FORMATS:
        raise BatchInputError(f"{path}: an export must be one of {', '.join(EXPORT_FORMATS)}")
    if kind == ".parquet":
        return _parquet_table(path, batch)
    if kind.startswith(".jsonl"):
        return _jsonl_table(path, batch)
    if kind == ".json":
        return _json_table(path)
    if kind == ".xlsx":
        from leadgate.serving.xlsx_rows import xlsx_rows

        columns, rows = xlsx_rows(path, announce)
        return ExportTable(columns, _text_rows(rows))
    delimiter = _delimiter(delimiter)
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise BatchInputError(f"unknown encoding {encoding!r}") from None
    used = encoding or _guess_encoding(path)
    handle = _open_decoded(path, used)
    sample = _guarded(lambda: handle.read(SAMPLE + 1), path.name, encoding)
    handle.seek(0)
    fallback = "\t" if kind.startswith(".tsv") else ","
    table = _delimited_table(handle, path.name, delimiter or sniff(sample, fallback), used, encoding)
    if (
        announce and encoding is None and table.note
    ):  # a guess the user should know of; a given one is no news
        log.warning("%s: %s", path.name, table.note)
    return table


def read_export(path: Path, *, delimiter: str | None = None, encoding: str | None = None) -> list[dict]:
    """A CRM export's rows as text by column name (see read_table); an export without rows is refused."""
    table = read_table(path, delimiter=delimiter, encoding=encoding)
    if not table.rows:
        raise BatchInputError(f"{path.name}: no rows below the header")
    return table.rows


def _text_rows(records: Iterable[dict]) -> Iterator[dict]:
    # A null is an empty cell, as in a CSV: the mapping's placeholders decide what is missing.
    for record in records:
        yield {str(k): cell_text(v) for k, v in record.items()}


def _parquet_table(path: Path, batch: int) -> ExportTable:
    from leadgate.serving.parquet_rows import parquet_batches

    columns, batches = parquet_batches(path, batch)
    if not columns:
        raise BatchInputError(f"{path.name}: the file is empty")
    return ExportTable(columns, (row for records in batches for row in _text_rows(records)))


def _jsonl_table(path: Path, batch: int) -> ExportTable:
    import pandas as pd

    try:  # compression follows the suffix; read `batch` lines at a time
        frames = iter(pd.read_json(path, lines=True, dtype=False, chunksize=batch))
        first = next(frames, None)
    except (ValueError, *UNREADABLE) as error:
        raise BatchInputError(f"{path.name}: not JSON lines: {error}") from None
    if first is None or not len(first.columns):
        raise BatchInputError(f"{path.name}: the file is empty")

    def rows() -> Iterator[dict]:
        frame = first
        while frame is not None:
            yield from _text_rows(frame.to_dict(orient="records"))
            try:
                frame = next(frames, None)
            except (ValueError, *UNREADABLE) as error:
                raise BatchInputError(f"{path.name}: not JSON lines: {error}") from None

    return ExportTable([str(c) for c in first.columns], rows())


def _json_table(path: Path) -> ExportTable:
    """One export row as a JSON object, or a few in an array: read whole (JSON lines are for big exports)."""
    import json

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, *UNREADABLE) as error:
        raise BatchInputError(f"{path.name}: not JSON: {error}") from None
    records = data if isinstance(data, list) else [data]
    if not records or not all(isinstance(record, dict) for record in records):
        raise BatchInputError(f"{path.name}: an export row is a JSON object (or an array of them)")
    # A key only some rows have is a column the others left empty, as in JSON lines.
    columns = list(dict.fromkeys(str(key) for record in records for key in record))
    return ExportTable(columns, _text_rows({c: r.get(c) for c in columns} for r in records))


def _open_binary(path: Path):
    return gzip.open(path, "rb") if path.suffix.lower() == ".gz" else path.open("rb")


def _open_decoded(path: Path, encoding: str):
    """A text handle for csv (newline=''); a UTF-8 BOM is dropped."""
    if codecs.lookup(encoding).name == "utf-8":
        encoding = "utf-8-sig"
    return io.TextIOWrapper(_open_binary(path), encoding=encoding, newline="")


def _guarded(read, name: str, encoding: str | None):
    """`read()`, with a file that turns out unreadable (bad gzip, not the given encoding) a BatchInputError."""
    try:
        return read()
    except UnicodeDecodeError as error:
        raise BatchInputError(f"{name}: not {encoding} text ({error.reason} at byte {error.start})") from None
    except UNREADABLE as error:
        raise BatchInputError(f"{name}: not a readable gzip file: {error}") from None


def _decodes(path: Path, encoding: str) -> bool:
    """Whether the whole file is text in this encoding, read block by block (a big export never sits whole)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    with _open_binary(path) as handle:
        try:
            while block := handle.read(DECODE_BLOCK):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def _guess_encoding(path: Path) -> str:
    """The encoding a file is read in: UTF-16 by its BOM, else UTF-8, cp1252, latin-1, the first that fits."""
    try:
        with _open_binary(path) as handle:
            head = handle.read(2)
        if head in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            return "utf-16"  # Excel's "Unicode Text" export
        # Excel and older CRMs on Windows export cp1252; it leaves five bytes undefined, latin-1 none.
        return next((name for name in ("utf-8", "cp1252") if _decodes(path, name)), "latin-1")
    except UNREADABLE as error:
        raise BatchInputError(f"{path.name}: not a readable gzip file: {error}") from None


# Delimiters by name, as a shell makes ';' and '|' awkward to type ('\\t' is a tab typed in a shell).
DELIMITER_NAMES = {"semicolon": ";", "comma": ",", "pipe": "|", "tab": "\t", "\\t": "\t"}


def _delimiter(value: str | None) -> str | None:
    """A delimiter given by the user: one character, or one of `DELIMITER_NAMES`."""
    if value is None:
        return None
    value = DELIMITER_NAMES.get(value.lower(), value)
    if len(value) != 1:
        names = ", ".join(name for name in DELIMITER_NAMES if name.isalpha())
        raise BatchInputError(f"delimiter must be one character or a name ({names}), not {value!r}")
    return value


def _delimited_table(handle, name: str, delimiter: str, used: str, given: str | None) -> ExportTable:
    """Rows of delimited text, numbered as map_rows does (header = row 1); a ragged row stops the read."""
    # pandas had no field size limit; a CRM notes column can pass csv's default of 128 KiB.
    csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))
    reader = csv.reader(handle, delimiter=delimiter)  # Excel quoting: "a ""b"""
    lines = (row for row in reader if not blank(row))

    def parsed(read):
        try:
            return _guarded(read, name, given or used)
        except csv.Error as error:
            raise BatchInputError(f"{name}: line {reader.line_num}: {error}") from None

    header = parsed(lambda: next(lines, None))
    if header is None:
        handle.close()
        raise BatchInputError(f"{name}: the file is empty")
    # A BOM of an encoding given by name, or a UTF-8 BOM before cp1252 text (read as 'ï»¿').
    header[0] = without_bom(header[0])
    columns = unique_names(header)

    def rows() -> Iterator[dict]:
        with handle:
            for number, row in enumerate(_each(lines, parsed), start=2):
                if len(row) != len(header):
                    if len(row) == 1 and report_footer(row, _each(lines, parsed), name, number):
                        return
                    where = "" if reader.line_num == number else f" (line {reader.line_num})"
                    hint = delimiter_hint(header)
                    raise BatchInputError(
                        f"{name}: row {number}{where} has {len(row)} fields but the header has {len(header)}"
                        f" (delimiter {delimiter!r})" + (f": {hint}" if hint else "")
                    )
                yield dict(zip(columns, row, strict=True))

    return ExportTable(columns, rows(), delimiter, used)


def _each(lines: Iterator[list[str]], parsed) -> Iterator[list[str]]:
    """The rows of a csv reader, each read through `parsed` so that a read error names the file."""
    while (row := parsed(lambda: next(lines, None))) is not None:
        yield row
