"""Batch scoring of lead files: every input format, one output row per input row, errors per row."""

import gzip
import json

import numpy as np
import pandas as pd
import pytest

from leadgate.features.mapping import parse_mapping
from leadgate.serving import batch
from leadgate.serving.batch import BatchInputError, read_export, read_leads, read_table, score_file, unflatten
from tests.factories import lead_dict, make_lead

SECTIONS = ("contact", "company", "form", "source")


def flat(lead: dict) -> dict:
    """A lead as one row of dotted columns ('company.employees'), with the events as JSON text."""
    row = {key: value for key, value in lead.items() if key not in (*SECTIONS, "events")}
    for section in SECTIONS:
        row.update({f"{section}.{key}": value for key, value in lead[section].items()})
    row["events"] = json.dumps(lead["events"])
    return row


def write_jsonl(path, lines: list[str]):
    path.write_text("".join(line + "\n" for line in lines))
    return path


def decided(pipeline, lead: dict) -> dict:
    """The pipeline's own decision for a lead dict, to compare batch output against."""
    return pipeline.decide([make_lead(**lead)]).record(0)


SMALL = lead_dict(
    lead_id="small",
    contact={"email": "joe@tinyshop.io", "job_title": "Owner"},
    company={"name": "Tiny Shop", "website": "tinyshop.io", "employees": 3},
)


def test_jsonl_with_broken_and_invalid_lines_gives_one_row_per_input_row(pipeline, tmp_path):
    source = write_jsonl(
        tmp_path / "leads.jsonl",
        [
            json.dumps(lead_dict(lead_id="good-1")),
            '{"lead_id": "broken", "company": {',
            json.dumps(lead_dict(lead_id="bad-employees", company={"employees": -4})),
            json.dumps(SMALL),
            "",
        ],
    )
    output = tmp_path / "out" / "decisions.parquet"
    summary = score_file(pipeline, source, output)
    frame = pd.read_parquet(output)
    assert frame["row"].tolist() == [1, 2, 3, 4]
    assert (summary.scored, summary.errors) == (2, 2)
    assert sum(summary.routes.values()) == 2
    ids = [None if pd.isna(lead_id) else lead_id for lead_id in frame["lead_id"]]
    assert ids == ["good-1", None, "bad-employees", "small"]

    broken, invalid = frame.iloc[1], frame.iloc[2]
    assert broken["error"].startswith("line 2: not valid JSON")
    assert "company.employees" in invalid["error"] and "greater than or equal to 0" in invalid["error"]
    assert pd.isna(broken["route"]) and pd.isna(invalid["route"])

    good = frame[frame["error"].isna()]
    assert good["route"].tolist() == [decided(pipeline, lead_dict(lead_id="good-1")).route, "self_service"]
    assert (good["p_sql"] > 0).all() and (good["p_sql"] < 1).all()
    assert "below_size_floor" in frame.iloc[3]["gates"].tolist()
    assert summary.routes == good["route"].value_counts().to_dict()


def test_rows_stay_aligned_across_chunks(pipeline, tmp_path, monkeypatch):
    """Good and bad rows interleaved over several chunks keep their own decisions."""
    monkeypatch.setattr(batch, "CHUNK", 2)
    leads = [lead_dict(lead_id="a"), SMALL, lead_dict(lead_id="b", company={"employees": -1})]
    lines = [json.dumps(lead) for lead in leads] + ["not json", json.dumps(lead_dict(lead_id="c"))]
    progress: list[int] = []
    summary = score_file(
        pipeline, write_jsonl(tmp_path / "in.jsonl", lines), tmp_path / "o.jsonl", progress.append
    )
    rows = [json.loads(line) for line in (tmp_path / "o.jsonl").read_text().splitlines()]
    assert progress == [2, 2, 1]
    assert [r["row"] for r in rows] == [1, 2, 3, 4, 5]
    assert [r["lead_id"] for r in rows] == ["a", "small", "b", None, "c"]
    assert [r.get("route") for r in rows] == [
        decided(pipeline, leads[0]).route,
        "self_service",
        None,
        None,
        decided(pipeline, lead_dict(lead_id="c")).route,
    ]
    assert (summary.scored, summary.errors) == (3, 2)


def test_jsonl_output_carries_the_full_decision_record(pipeline, tmp_path):
    source = write_jsonl(tmp_path / "in.json", [json.dumps(SMALL)])
    score_file(pipeline, source, tmp_path / "out.jsonl")
    (line,) = (tmp_path / "out.jsonl").read_text().splitlines()
    record = json.loads(line)
    expected = decided(pipeline, SMALL).to_json()
    assert record.pop("row") == 1 and record.pop("error") is None
    assert record.pop("decided_at") and expected.pop("decided_at")
    assert record == json.loads(json.dumps(expected))
    assert record["gates"][0]["code"] == "below_size_floor" and "reason" in record["gates"][0]
    assert {"text", "contribution"} <= set(record["negative_reasons"][0])


def test_a_json_array_file_is_a_batch_of_leads(pipeline, tmp_path):
    source = tmp_path / "leads.json"
    source.write_text(
        json.dumps([lead_dict(lead_id="arr-1"), lead_dict(lead_id="arr-2", company={"employees": -1})])
    )
    summary = score_file(pipeline, source, tmp_path / "out.jsonl")
    rows = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert (summary.scored, summary.errors) == (1, 1)
    assert rows[0]["lead_id"] == "arr-1" and "company.employees" in rows[1]["error"]


def test_csv_with_dotted_columns_and_events_as_json_text(pipeline, tmp_path):
    no_size = lead_dict(lead_id="no-size", company={"employees": None})
    rows = [flat(lead_dict(lead_id="good")), flat(SMALL), flat(no_size), flat(lead_dict(lead_id="bad"))]
    rows[3]["events"] = "[{"
    path = tmp_path / "leads.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    assert "contact.email" in path.read_text().splitlines()[0]

    parsed = list(read_leads(path))
    assert parsed[2].lead.company.employees is None
    assert parsed[0].lead.events[0].type == "pricing_page"
    assert parsed[3].lead is None and parsed[3].error.startswith("row 4: events is not valid JSON")

    score_file(pipeline, path, tmp_path / "out.parquet")
    frame = pd.read_parquet(tmp_path / "out.parquet")
    assert frame["row"].tolist() == [1, 2, 3, 4]
    for i, lead in enumerate((lead_dict(lead_id="good"), SMALL, no_size)):
        expected = decided(pipeline, lead)
        assert frame.iloc[i]["route"] == expected.route
        assert frame.iloc[i]["p_sql"] == pytest.approx(expected.p_sql)
    assert frame.iloc[3]["error"].startswith("row 4: events is not valid JSON")


def test_parquet_input_with_missing_numbers(pipeline, tmp_path):
    leads = [lead_dict(lead_id="good"), lead_dict(lead_id="no-size", company={"employees": None}), SMALL]
    path = tmp_path / "leads.parquet"
    frame = pd.DataFrame([flat(lead) for lead in leads])
    assert frame["company.employees"].isna().sum() == 1
    frame.to_parquet(path, index=False)

    parsed = list(read_leads(path))
    assert [row.error for row in parsed] == [None, None, None]
    assert parsed[0].lead.company.employees == 400 and parsed[1].lead.company.employees is None

    summary = score_file(pipeline, path, tmp_path / "out.jsonl")
    out = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert summary.errors == 0
    for record, lead in zip(out, leads, strict=True):
        assert record["p_sql"] == pytest.approx(decided(pipeline, lead).p_sql)


def test_parquet_input_with_events_as_a_list_column(tmp_path):
    leads = [
        lead_dict(lead_id="two", events=[{"type": "pricing_page", "at": "2026-11-01T09:10:00Z"}] * 2),
        lead_dict(lead_id="none", events=[]),
    ]
    path = tmp_path / "leads.parquet"
    frame = pd.DataFrame([{**flat(lead), "events": lead["events"]} for lead in leads])
    frame.to_parquet(path, index=False)
    parsed = list(read_leads(path))
    assert [len(row.lead.events) for row in parsed] == [2, 0]


def test_output_is_written_atomically_and_replaces_the_old_file(pipeline, tmp_path):
    source = write_jsonl(tmp_path / "in.jsonl", [json.dumps(SMALL)])
    output = tmp_path / "out.jsonl"
    output.write_text("stale\n" * 100)
    score_file(pipeline, source, output)
    assert [json.loads(line)["lead_id"] for line in output.read_text().splitlines()] == ["small"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "out.jsonl"]


def test_a_failed_batch_leaves_the_previous_output_untouched(pipeline, tmp_path):
    output = tmp_path / "out.parquet"
    output.write_bytes(b"previous")
    with pytest.raises(BatchInputError):
        score_file(pipeline, tmp_path / "missing.jsonl", output)
    assert output.read_bytes() == b"previous"
    assert not list(tmp_path.glob("*.partial"))


def test_unsupported_input_suffix_is_refused(pipeline, tmp_path):
    path = tmp_path / "leads.txt"
    path.write_text(json.dumps(lead_dict()) + "\n")
    with pytest.raises(BatchInputError, match=r"leads\.txt: input must be one of \.jsonl, \.json, \.csv"):
        score_file(pipeline, path, tmp_path / "out.jsonl")
    assert not (tmp_path / "out.jsonl").exists()


def test_missing_input_file_is_refused(tmp_path):
    with pytest.raises(BatchInputError, match="no such file"):
        list(read_leads(tmp_path / "nowhere.csv"))


def test_unsupported_output_suffix_is_refused_before_reading(pipeline, tmp_path):
    with pytest.raises(BatchInputError, match=r"out\.csv: output must be one of \.jsonl, \.parquet"):
        score_file(pipeline, tmp_path / "missing.jsonl", tmp_path / "out.csv")


def test_unflatten_nests_dotted_keys_and_drops_empty_cells_and_nan():
    row = {
        "lead_id": "x",
        "contact.email": "",
        "contact.job_title": None,
        "company.employees": float("nan"),
        "company.annual_revenue": np.float64("nan"),
        "company.country": "DE",
        "form.seconds_on_form": 0,
        "events": '[{"type": "pricing_page", "at": "2026-11-01T09:10:00Z"}]',
    }
    assert unflatten(row) == {
        "lead_id": "x",
        "company": {"country": "DE"},
        "form": {"seconds_on_form": 0},
        "events": [{"type": "pricing_page", "at": "2026-11-01T09:10:00Z"}],
    }


def test_unflatten_turns_numpy_values_into_python_ones():
    lead = unflatten({"company.employees": np.int64(12), "events": np.array([{"type": "x"}], dtype=object)})
    assert lead == {"company": {"employees": 12}, "events": [{"type": "x"}]}
    assert type(lead["company"]["employees"]) is int


# CRM exports as real tools write them: European Excel, tabs, Windows code pages, BOMs, gzip.


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
    with pytest.raises(BatchInputError, match="one character"):
        read_table(path, delimiter=";;")


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


@pytest.mark.parametrize("content", [b"", b"\n\n  \n", "\ufeff".encode()])
def test_an_empty_export_is_refused(tmp_path, content):
    with pytest.raises(BatchInputError, match=r"export\.csv: the file is empty"):
        read_export(write_bytes(tmp_path / "export.csv", content))


def test_a_header_without_rows_is_refused_by_read_export_but_known_to_read_table(tmp_path):
    path = write_bytes(tmp_path / "export.csv", b"Id;Name\n")
    assert read_table(path).columns == ["Id", "Name"] and read_table(path).rows == []
    with pytest.raises(BatchInputError, match="no rows below the header"):
        read_export(path)


def test_read_leads_streams_gzip_json_lines(tmp_path):
    lines = [json.dumps(lead_dict(lead_id="gz-1")), "not json", json.dumps(SMALL)]
    path = write_bytes(tmp_path / "leads.jsonl.gz", gzip.compress("\n".join(lines).encode()))
    parsed = read_leads(path)
    assert next(parsed).lead_id == "gz-1"
    rest = list(parsed)
    assert rest[0].error.startswith("line 2: not valid JSON") and rest[1].lead.company.employees == 3
    with pytest.raises(BatchInputError, match="leads.jsonl.gz: cannot be read"):
        list(read_leads(write_bytes(tmp_path / "leads.jsonl.gz", b"not gzip")))


def test_score_reads_a_gzip_semicolon_csv_of_leads(pipeline, tmp_path):
    frame = pd.DataFrame([flat(lead_dict(lead_id="eu")), flat(SMALL)])
    data = frame.to_csv(sep=";", index=False).encode("cp1252")
    path = write_bytes(tmp_path / "leads.csv.gz", gzip.compress(data))
    summary = score_file(pipeline, path, tmp_path / "out.jsonl")
    rows = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert (summary.scored, summary.errors) == (2, 0)
    assert [r["route"] for r in rows] == [decided(pipeline, lead_dict(lead_id="eu")).route, "self_service"]


def test_a_mapped_cp1252_semicolon_export_is_scored(tmp_path):
    mapping = parse_mapping(
        "name: t\nlead_id: {column: Id}\ncreated_at: {column: Angelegt, type: datetime}\nfields:\n"
        "  company.name: {column: Firma}\n  company.employees: {column: Mitarbeiter, type: integer}\n"
    )
    text = "Id;Angelegt;Firma;Mitarbeiter\nm-1;2026-11-01T09:00:00;Müller GmbH;40\nm-2;;Zoë AG;3\n"
    path = write_bytes(tmp_path / "export.csv", text.encode("cp1252"))
    first, second = read_leads(path, mapping)
    assert first.error is None and first.lead.company.name == "Müller GmbH"
    assert first.lead.company.employees == 40
    assert (second.number, second.error) == (3, "row 3: Angelegt: missing creation time")
    header_only = write_bytes(tmp_path / "empty.csv", b"Id;Angelegt;Firma;Mitarbeiter\n")
    assert list(read_leads(header_only, mapping)) == []
