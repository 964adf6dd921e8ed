"""Excel workbooks read as an export: typed cells as a CSV saved from Excel holds them, the first sheet, a footer."""

from __future__ import annotations

import logging
from datetime import datetime

import openpyxl
import pytest

from leadgate.features.mapping import parse_mapping
from leadgate.serving.export_reader import BatchInputError, read_export
from leadgate.serving.lead_files import row_count
from leadgate.training.exports import history_from_export

MAPPING = """
name: contacts
lead_id: {column: Record ID}
created_at: {column: Create Date, type: datetime}
fields:
  company.country: {column: Country}
  company.employees: {column: Employees}
custom:
  budget: {column: Budget, type: number}
  webinar: {column: Attended webinar, type: flag}
label:
  sql: {column: Lifecycle Stage}
  sql_positive: [SQL]
"""
HEADER = ["Record ID", "Create Date", "Country", "Employees", "Budget", "Attended webinar", "Lifecycle Stage"]


def _rows(n: int = 40) -> list[list]:
    """Typed rows as Excel holds them: numbers, datetimes, booleans, blanks."""
    return [
        [
            1000 + i,
            datetime(2026, 1, 1 + i % 28, 9, i % 60),
            ("United States", "Germany", None)[i % 3],
            (12, 250, 4000)[i % 3],
            None if i % 5 == 0 else 1250.5 * (i % 4),
            i % 2 == 0,
            "SQL" if i % 4 == 0 else "Lead",
        ]
        for i in range(n)
    ]


def _workbook(path, rows, header=HEADER, more_sheets=()):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Contacts"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    for name in more_sheets:
        book.create_sheet(name).append(["notes"])
    book.save(path)
    return path


def _csv(path, rows):
    """The same rows as Excel's 'CSV UTF-8' writes them: ISO-like dates, TRUE/FALSE, 1250.5."""
    import csv

    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for row in rows:
            writer.writerow(
                [
                    "" if v is None else v.isoformat(sep=" ") if isinstance(v, datetime) else
                    ("TRUE" if v else "FALSE") if isinstance(v, bool) else v
                    for v in row
                ]
            )  # fmt: skip
    return path


def test_a_workbook_maps_to_the_same_leads_as_the_same_rows_saved_as_csv(tmp_path):
    rows = _rows()
    from_xlsx = read_export(_workbook(tmp_path / "contacts.xlsx", rows))
    from_csv = read_export(_csv(tmp_path / "contacts.csv", rows))
    assert from_xlsx[0]["Attended webinar"] == "TRUE" and from_xlsx[1]["Attended webinar"] == "FALSE"
    assert (
        from_xlsx[0]["Budget"] == ""
        and from_xlsx[1]["Budget"] == "1250.5"
        and from_xlsx[0]["Record ID"] == "1000"
    )
    mapping = parse_mapping(MAPPING)
    a, b = (history_from_export(r, mapping).history for r in (from_xlsx, from_csv))
    assert [lead.model_dump() for lead in a.leads] == [lead.model_dump() for lead in b.leads]
    assert (a.sql == b.sql).all() and a.sql.sum() == 10
    second = next(lead for lead in a.leads if lead.lead_id == "1001")
    assert second.created_at.isoformat() == "2026-01-02T09:01:00+00:00"  # naive: the mapping's zone (UTC)
    assert row_count(tmp_path / "contacts.xlsx") == 40


def test_blank_rows_and_trailing_blank_columns_are_skipped_and_repeated_headers_made_unique(tmp_path):
    path = tmp_path / "x.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([])
    sheet.append(["Id", "Name", "Name", None, "  "])
    sheet.append([1, "a", "b"])
    sheet.append([None, None, "   "])
    sheet.append([2, None, "d"])
    book.save(path)
    assert read_export(path) == [
        {"Id": "1", "Name": "a", "Name.1": "b"},
        {"Id": "2", "Name": "", "Name.1": "d"},
    ]


def test_the_first_sheet_is_read_and_the_others_named(tmp_path, caplog):
    path = _workbook(tmp_path / "two.xlsx", _rows(3), more_sheets=("Notes", "Pivot"))
    with caplog.at_level(logging.WARNING):
        rows = read_export(path)
    assert len(rows) == 3
    assert "two.xlsx: read its first sheet 'Contacts'; not 'Notes', 'Pivot'" in caplog.text


def test_a_reports_footer_is_left_out_and_a_lead_with_only_its_first_cell_kept(tmp_path, caplog):
    rows = [*_rows(3), ["1999", None, None, None, None, None, None]]
    footer = [["Contacts report"], ["Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."]]
    path = _workbook(tmp_path / "report.xlsx", [*rows, [], *footer])
    with caplog.at_level(logging.WARNING):
        read = read_export(path)
    assert [row["Record ID"] for row in read] == ["1000", "1001", "1002", "1999"]
    assert "the report's footer (2 lines from row 6: Contacts report / Copyright" in caplog.text


def test_unreadable_empty_and_overflowing_workbooks_are_refused_by_name(tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_text("Record ID,Create Date\n1,2026-01-01\n")  # a CSV renamed
    with pytest.raises(BatchInputError, match=r"bad\.xlsx: not a readable Excel workbook \(\.xlsx\)"):
        read_export(bad)
    empty = tmp_path / "empty.xlsx"
    openpyxl.Workbook().save(empty)
    with pytest.raises(BatchInputError, match=r"empty\.xlsx: the first sheet \('Sheet'\) is empty"):
        read_export(empty)
    wide = _workbook(tmp_path / "wide.xlsx", [[*_rows(1)[0], "stray"]])
    with pytest.raises(
        BatchInputError, match=r"row 2 has a value in column 8, past the header's last column"
    ):
        read_export(wide)


def test_a_typed_number_reads_with_its_point_where_the_mapping_gives_the_text_a_decimal_comma(tmp_path):
    rows = _rows(6)
    rows[2][4] = "2.500,75"  # one cell typed as text, the German way: read with the mapping's comma
    read = read_export(_workbook(tmp_path / "de.xlsx", rows))
    history = history_from_export(
        read, parse_mapping(MAPPING.replace("name: contacts", 'name: de\ndecimal: ","'))
    ).history
    budgets = {lead.lead_id: lead.custom.get("budget") for lead in history.leads}
    # The baselines read the column as typed too (walk AE: read with the comma, 3,104 amounts were left out
    # as an identifier).
    assert history.decimal["Budget"] == "." and history.decimal["Employees"] == "."
    assert budgets == {
        "1000": None,
        "1001": 1250.5,
        "1002": 2500.75,
        "1003": 3751.5,
        "1004": 0.0,
        "1005": None,
    }


def test_an_old_binary_workbook_is_refused_with_what_to_save_it_as(tmp_path):
    old = tmp_path / "Leads.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    with pytest.raises(
        BatchInputError, match=r"Leads\.xls: an Excel 97-2003 workbook \(\.xls\): save it as \.xlsx or CSV"
    ):
        read_export(old)


def test_a_typed_boolean_is_yes_or_no_whatever_words_the_mapping_gives_the_csv_s_cells(tmp_path):
    """Walk AE: a mapping written for a German CSV (true_values: [WAHR]) refused every row of the same export
    saved as .xlsx ('FALSE' is neither a yes (WAHR) nor a no (FALSCH))."""
    german = MAPPING.replace(
        "webinar: {column: Attended webinar, type: flag}",
        "webinar: {column: Attended webinar, type: flag, true_values: [WAHR], false_values: [FALSCH]}",
    )
    read = read_export(_workbook(tmp_path / "de.xlsx", _rows(8)))
    history = history_from_export(read, parse_mapping(german)).history
    assert {lead.lead_id: lead.custom["webinar"] for lead in history.leads} == {
        str(1000 + i): i % 2 == 0 for i in range(8)
    }
    # The German CSV's own cells read with the default words too: Excel writes WAHR and FALSCH.
    rows = [{**row, "Attended webinar": "WAHR" if i % 2 == 0 else "FALSCH"} for i, row in enumerate(read)]
    plain = history_from_export(rows, parse_mapping(MAPPING)).history
    assert {lead.lead_id: lead.custom["webinar"] for lead in plain.leads} == {
        str(1000 + i): i % 2 == 0 for i in range(8)
    }
