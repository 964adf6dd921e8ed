"""CRM exports read as text by column name: CSV in any common dialect and encoding, JSON lines, Parquet."""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import logging
import zlib
from dataclasses import dataclass
from pathlib import Path

from leadgate.features.cells import cell_text

EXPORT_FORMATS = (".csv", ".tsv", ".txt", ".csv.gz", ".tsv.gz", ".txt.gz", ".jsonl", ".jsonl.gz", ".parquet")
DELIMITERS = ",;\t|"
SAMPLE = 64 * 1024  # characters the delimiter is sniffed from
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
    kind = file_format(path)
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
    rows = [{str(k): cell_text(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]
    return ExportTable([str(c) for c in frame.columns], rows)


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
