"""Excel workbooks (.xlsx, as Salesforce and HubSpot export by default) read as an export: the first sheet's rows."""

from __future__ import annotations

import itertools
import logging
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path

from leadgate.features.cells import BoolCell
from leadgate.features.headers import unique_names
from leadgate.serving.report_footer import MAX_FOOTER_LINES, report_footer

log = logging.getLogger(__name__)


def _workbook(path: Path):
    """The workbook opened to stream (read-only), cached formula results rather than formulas."""
    import openpyxl

    from leadgate.serving.export_reader import BatchInputError

    try:
        with warnings.catch_warnings():
            # Workbooks written by CRMs often carry no default style: openpyxl warns, and reads them right.
            warnings.simplefilter("ignore", UserWarning)
            return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise BatchInputError(f"{path.name}: not a readable Excel workbook (.xlsx): {error}") from None


def _plain(value):
    """A cell as the text-like value a CSV saved from Excel holds: TRUE/FALSE for a boolean (typed, so a flag
    reads it whatever its words: a German CSV's WAHR), the rest as typed."""
    if isinstance(value, bool):
        return BoolCell("TRUE" if value else "FALSE")
    return value


def xlsx_rows(path: Path, announce: bool = True) -> tuple[list[str], Iterator[dict]]:
    """The first sheet's header (its first non-blank row, trailing blank cells dropped, names made unique as a
    CSV's are) and its rows by column name as they are taken; blank rows skipped, as in a CSV.

    A workbook of several sheets is read from its first, which is logged unless `announce` is False."""
    from leadgate.serving.export_reader import BatchInputError

    book = _workbook(path)
    sheets = book.worksheets
    if not sheets:
        book.close()
        raise BatchInputError(f"{path.name}: the workbook has no sheet")
    sheet = sheets[0]
    if announce and len(sheets) > 1:
        others = ", ".join(repr(other.title) for other in sheets[1:])
        log.warning("%s: read its first sheet %r; not %s", path.name, sheet.title, others)
    lines = _after_blank(sheet.iter_rows(values_only=True))
    header = next(lines, (None,))[0]
    if header is None:
        book.close()
        raise BatchInputError(f"{path.name}: the first sheet ({sheet.title!r}) is empty")
    width = max(i + 1 for i, cell in enumerate(header) if _filled(cell))
    columns = unique_names(["" if cell is None else str(cell).strip() for cell in header[:width]])

    def rows() -> Iterator[dict]:
        pending: list[tuple[tuple, bool]] = []  # rows read ahead to tell a report's footer from a lead's row
        try:
            number = 1
            while (item := pending.pop(0) if pending else next(lines, None)) is not None:
                row, after_blank = item
                number += 1
                # A footer follows a blank row, as in a CSV report; a lead with only its first cell is kept.
                if after_blank and _first_only(row):
                    pending += itertools.islice(lines, MAX_FOOTER_LINES - len(pending))
                    ahead = ([str(r[0])] if _first_only(r) else [""] * 2 for r, _ in pending)
                    if report_footer([str(row[0])], ahead, path.name, number):
                        return
                past = [i for i, cell in enumerate(row[width:], start=width) if _filled(cell)]
                if past:
                    raise BatchInputError(
                        f"{path.name}: row {number} has a value in column {past[0] + 1}, past the header's "
                        f"last column ({columns[-1]!r}, column {width}): give that column a header"
                    )
                cells = [*row[:width], *[None] * (width - len(row))]
                yield {column: _plain(cell) for column, cell in zip(columns, cells, strict=True)}
        finally:
            book.close()

    return columns, rows()


def xlsx_row_count(path: Path) -> int | None:
    """The first sheet's rows less its header, from the sheet's recorded size (None when it records none)."""
    book = _workbook(path)
    try:
        rows = book.worksheets[0].max_row if book.worksheets else None
    finally:
        book.close()
    return None if rows is None else max(rows - 1, 0)


def _after_blank(rows: Iterator[tuple]) -> Iterator[tuple[tuple, bool]]:
    """The rows with a cell filled, each with whether a blank row came before it (blank rows are skipped)."""
    blank_before = False
    for row in rows:
        if any(_filled(cell) for cell in row):
            yield row, blank_before
            blank_before = False
        else:
            blank_before = True


def _first_only(row: tuple) -> bool:
    """Whether only a row's first cell is filled, with text: a line of a report's footer, or a sparse lead."""
    return isinstance(row[0], str) and not any(_filled(cell) for cell in row[1:])


def _filled(cell) -> bool:
    return cell is not None and not (isinstance(cell, str) and not cell.strip())
