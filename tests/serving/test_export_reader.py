"""CRM exports read as text: dialects, encodings, gzip, and clear errors for files that cannot be read."""

import gzip

import pandas as pd
import pytest

from leadgate.serving import export_reader
from leadgate.serving.export_reader import BatchInputError, open_table, read_export, read_table


def write_bytes(path, data: bytes):
    path.write_bytes(data)
    return path


def test_semicolon_export_keeps_decimal_commas_and_placeholders_as_text(tmp_path):
    # csv.Sniffer alone takes ',' here: the comma in the header splits every line alike too.
    path = write_bytes(tmp_path / "export.csv", b"Id;Umsatz, brutto;Land\n1;12,5;NA\n2;1.234,56;\n")
    table = read_table(path)
    assert (table.delimiter, table.encoding, table.note) == (";", "utf-8", None)
    assert table.rows == [
        {"Id": "1", "Umsatz, brutto": "12,5", "Land": "NA"},
        {"Id": "2", "Umsatz, brutto": "1.234,56", "Land": ""},
    ]


@pytest.mark.parametrize("name", ["export.tsv", "export.txt"])
def test_tab_separated_export(tmp_path, name):
    path = write_bytes(tmp_path / name, b"Id\tCompany\tNote\n1\tAcme, Inc.\ta;b\n")
    assert read_export(path) == [{"Id": "1", "Company": "Acme, Inc.", "Note": "a;b"}]


def test_cp1252_export_is_read_and_the_guess_is_logged(tmp_path, caplog):
    path = write_bytes(tmp_path / "export.csv", "Id;Name\n1;José Müller\n2;Zoë\n".encode("cp1252"))
    table = read_table(path)
    assert [row["Name"] for row in table.rows] == ["José Müller", "Zoë"]
    assert table.encoding == "cp1252" and table.note == "read as cp1252, not UTF-8"
    assert "export.csv: read as cp1252, not UTF-8" in caplog.text


def test_bytes_cp1252_leaves_undefined_fall_back_to_latin1(tmp_path):
    path = write_bytes(tmp_path / "export.csv", b"Id,Name\n1,A\x81\xe9\n")
    table = read_table(path)
    assert table.encoding == "latin-1" and table.rows == [{"Id": "1", "Name": "A\x81é"}]


def test_utf8_bom_with_semicolons_leaves_no_bom_in_the_first_column(tmp_path, caplog):
    path = write_bytes(tmp_path / "export.csv", "Id;Name\n1;Jürgen\n".encode("utf-8-sig"))
    assert read_export(path) == [{"Id": "1", "Name": "Jürgen"}]
    assert not caplog.text


def test_a_utf8_bom_before_cp1252_text_leaves_no_mark_in_the_first_column(tmp_path):
    # Walk: read as cp1252 the BOM's bytes were 'ï»¿Lead ID', and the mapping's 'Lead ID' was missing.
    path = write_bytes(tmp_path / "export.csv", b"\xef\xbb\xbf" + "Id;Name\n1;Zoë\n".encode("cp1252"))
    table = read_table(path)
    assert table.encoding == "cp1252" and table.rows == [{"Id": "1", "Name": "Zoë"}]


def test_utf16_unicode_text_from_excel(tmp_path):
    path = write_bytes(tmp_path / "export.txt", "Id\tName\r\n1\tØre\r\n".encode("utf-16"))
    assert read_export(path) == [{"Id": "1", "Name": "Øre"}]


def test_quoted_delimiters_quotes_and_newlines_stay_inside_their_field(tmp_path):
    text = 'Id;Note;Size\n1;"call back; ""urgent""\nsecond line";12\n2;plain;3\n'
    path = write_bytes(tmp_path / "export.csv", text.encode())
    assert read_export(path) == [
        {"Id": "1", "Note": 'call back; "urgent"\nsecond line', "Size": "12"},
        {"Id": "2", "Note": "plain", "Size": "3"},
    ]


def test_a_given_delimiter_and_encoding_override_the_guesses(tmp_path):
    path = write_bytes(tmp_path / "export.csv", "Id;Name\n1;Zoë\n".encode("cp1252"))
    assert read_table(path).rows == [{"Id": "1", "Name": "Zoë"}]
    overridden = read_table(path, delimiter=",", encoding="latin-1")
    assert overridden.rows == [{"Id;Name": "1;Zoë"}] and overridden.delimiter == ","
    tabs = write_bytes(tmp_path / "tabs.txt", b"a\tb;c\n1\t2;3\n")
    assert (
        read_table(tabs, delimiter="\\t").rows
        == read_table(tabs, delimiter="tab").rows
        == [{"a": "1", "b;c": "2;3"}]
    )
    with pytest.raises(BatchInputError, match="not utf-8 text"):
        read_table(path, encoding="utf-8")
    with pytest.raises(
        BatchInputError, match=r"one character or a name \(semicolon, comma, pipe, tab\), not ';;'"
    ):
        read_table(path, delimiter=";;")


@pytest.mark.parametrize(
    ("name", "delimiter"), [("semicolon", ";"), ("Comma", ","), ("pipe", "|"), ("TAB", "\t")]
)
def test_a_delimiter_given_by_name_reads_as_that_character(tmp_path, name, delimiter):
    # Walk: `--delimiter semicolon` was "must be one character" though `tab` was accepted.
    path = write_bytes(
        tmp_path / "export.txt",
        delimiter.join(["Id", "Name"]).encode() + b"\n1" + delimiter.encode() + b"A\n",
    )
    table = read_table(path, delimiter=name)
    assert (table.delimiter, table.rows) == (delimiter, [{"Id": "1", "Name": "A"}])


def test_gzip_export_by_suffix(tmp_path):
    path = write_bytes(tmp_path / "export.csv.gz", gzip.compress(b"Id;Name\n1;Acme\n"))
    assert read_export(path) == [{"Id": "1", "Name": "Acme"}]
    rows = [{"Id": "1", "Name": "Acme"}, {"Id": "2", "Name": None}]
    jsonl = write_bytes(
        tmp_path / "export.jsonl.gz",
        gzip.compress(pd.DataFrame(rows).to_json(orient="records", lines=True).encode()),
    )
    assert read_export(jsonl) == [{"Id": "1", "Name": "Acme"}, {"Id": "2", "Name": ""}]
    with pytest.raises(BatchInputError, match="not a readable gzip file"):
        read_export(write_bytes(tmp_path / "broken.csv.gz", b"Id,Name\n"))


def test_a_ragged_row_is_refused_with_its_row_number(tmp_path):
    path = write_bytes(tmp_path / "export.csv", b'Id,Name,Size\n1,Acme,3\n2,"Beta\nGmbH",4\n3,Gamma\n')
    with pytest.raises(
        BatchInputError, match=r"export\.csv: row 4 \(line 5\) has 2 fields but the header has 3"
    ):
        read_export(path)
    too_many = write_bytes(tmp_path / "more.csv", b"Id;Name\n1;Acme\n2;Beta;extra\n")
    with pytest.raises(BatchInputError, match=r"more\.csv: row 3 has 3 fields .* \(delimiter ';'\)"):
        read_export(too_many)


def test_a_salesforce_report_s_footer_is_said_and_left_out_and_other_one_field_lines_still_refused(
    tmp_path, caplog
):
    # Walk AC: a Salesforce Classic report's CSV, refused whole at its footer's first line.
    footer = (
        '\r\n"Leads Report"\r\n"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."\r\n'
        '"Confidential Information - Do Not Distribute"\r\n"Generated By:  Jane Doe  12/7/2026 10:02 AM"\r\n'
        '"Acme Inc."\r\n'
    )
    body = "Lead ID,Email\r\n1,a@acme.com\r\n2,b@acme.com\r\n"
    path = tmp_path / "report.csv"
    path.write_text(body + footer, encoding="utf-8", newline="")
    with caplog.at_level("WARNING"):
        rows = read_export(path)
    assert [row["Lead ID"] for row in rows] == ["1", "2"]
    assert (
        "report.csv: the report's footer (5 lines from row 4: Leads Report / Copyright (c) 2000-2026 "
        "salesforce.com, inc. All rights reserved.) is no lead: left out"
    ) in caplog.text
    # One-field lines that are no known footer, or a footer with a lead after it, are refused as before.
    for tail in ('"just a note"\r\n', footer + "3,c@acme.com\r\n"):
        path.write_text(body + tail, encoding="utf-8", newline="")
        with pytest.raises(BatchInputError, match=r"row 4 .*has 1 fields but the header has 2"):
            read_export(path)


def test_a_header_read_as_one_column_by_a_wrong_delimiter_names_the_delimiter_it_holds(tmp_path):
    path = write_bytes(tmp_path / "export.csv", b"Id;Name;Budget\n1;Acme;12,5\n")
    with pytest.raises(
        BatchInputError,
        match=r"row 2 has 2 fields but the header has 1 \(delimiter ','\): the header was read as one column "
        r"'Id;Name;Budget': is the delimiter ';'\?",
    ):
        read_export(path, delimiter=",")


@pytest.mark.parametrize("content", [b"", b"\n\n  \n", "\ufeff".encode()])
def test_an_empty_export_is_refused(tmp_path, content):
    with pytest.raises(BatchInputError, match=r"export\.csv: the file is empty"):
        read_export(write_bytes(tmp_path / "export.csv", content))


def test_a_header_without_rows_is_refused_by_read_export_but_known_to_read_table(tmp_path):
    path = write_bytes(tmp_path / "export.csv", b"Id;Name\n")
    assert read_table(path).columns == ["Id", "Name"] and read_table(path).rows == []
    with pytest.raises(BatchInputError, match="no rows below the header"):
        read_export(path)


def test_open_table_reads_rows_as_they_are_taken(tmp_path):
    path = write_bytes(tmp_path / "export.csv", b"Id;Name\n1;A\n2;B\n3;C;extra\n")
    table = open_table(path)
    assert (table.columns, table.delimiter) == (["Id", "Name"], ";")
    rows = iter(table.rows)
    assert next(rows) == {"Id": "1", "Name": "A"} and next(rows) == {"Id": "2", "Name": "B"}
    with pytest.raises(BatchInputError, match=r"row 4 has 3 fields but the header has 2"):
        next(rows)  # a ragged row stops the read only when it is reached


def test_one_cp1252_byte_late_in_a_big_export_decides_the_encoding_of_every_row(tmp_path, monkeypatch):
    monkeypatch.setattr(export_reader, "DECODE_BLOCK", 64)  # the guess reads the file block by block
    lines = ["Id;Name"] + [f"{i};Muller" for i in range(200)] + ["last;Zoë"]  # ASCII up to the last row
    path = write_bytes(tmp_path / "export.csv.gz", gzip.compress("\n".join(lines).encode("cp1252")))
    table = read_table(path)
    assert (
        table.encoding == "cp1252" and table.rows[0]["Name"] == "Muller" and table.rows[-1]["Name"] == "Zoë"
    )


def test_a_parquet_export_is_read_as_the_csv_would_be_a_batch_at_a_time(tmp_path):
    frame = pd.DataFrame(
        {
            "Id": ["a", "b", "c"],
            "Size": pd.array([3, None, 12], dtype="Int64"),
            "Revenue": [1.5, float("nan"), 2.0],
            "Open": [True, False, None],
        }
    )
    path = tmp_path / "export.parquet"
    frame.to_parquet(path, index=False, row_group_size=1)
    table = open_table(path, batch=1)
    assert table.columns == ["Id", "Size", "Revenue", "Open"]
    assert list(table.rows) == [
        {"Id": "a", "Size": "3", "Revenue": "1.5", "Open": "True"},
        {"Id": "b", "Size": "", "Revenue": "", "Open": "False"},
        {"Id": "c", "Size": "12", "Revenue": "2", "Open": ""},
    ]
    with pytest.raises(BatchInputError, match="not a readable Parquet file"):
        read_table(write_bytes(tmp_path / "broken.parquet", b"not parquet"))


def test_a_parquet_timestamp_column_is_a_time_whatever_the_mapping_s_date_format(tmp_path):
    from leadgate.features.export_records import map_rows
    from leadgate.features.mapping import parse_mapping

    frame = pd.DataFrame({"Id": ["a"], "Created": pd.to_datetime(["2026-12-01 09:30"])})
    path = tmp_path / "export.parquet"
    frame.to_parquet(path, index=False)
    mapping = parse_mapping(
        'name: t\nlead_id: {column: Id}\ncreated_at: {column: Created, date_format: "%d.%m.%Y"}\n'
    )
    [(_, record)] = map_rows(mapping, list(open_table(path).rows), outcome=False)
    assert record["created_at"] == "2026-12-01T09:30:00+00:00"


def test_a_json_export_row_or_array_of_rows_is_read_as_the_csv_would_be(tmp_path):
    # `decide row.json --mapping m` takes an export row as it was copied out: an object, or a few in an array.
    one = tmp_path / "row.json"
    one.write_text('{"Lead ID": "s-1", "Employees": 40, "Opt Out": true, "Notes": null}')
    table = read_table(one)
    assert table.columns == ["Lead ID", "Employees", "Opt Out", "Notes"]
    assert table.rows == [{"Lead ID": "s-1", "Employees": "40", "Opt Out": "True", "Notes": ""}]
    several = tmp_path / "rows.json"
    several.write_text('[{"Lead ID": "s-1"}, {"Lead ID": "s-2", "Title": "CEO"}]')
    assert read_table(several).rows == [{"Lead ID": "s-1", "Title": ""}, {"Lead ID": "s-2", "Title": "CEO"}]
    for text, said in (("[1, 2]", "an export row is a JSON object"), ("{nope", "rows.json: not JSON")):
        several.write_text(text)
        with pytest.raises(BatchInputError, match=said):
            read_table(several)
