"""Batch scoring of lead files: every input format, one output row per input row, errors per row."""

import gzip
import json
import threading

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from leadgate.features.custom import CustomField
from leadgate.features.mapping import parse_mapping
from leadgate.serving import batch, lead_files, lead_rows
from leadgate.serving.as_of import AsOf
from leadgate.serving.batch import BatchInputError, read_leads, score_file, unflatten
from leadgate.serving.batch_output import parquet_schema
from leadgate.serving.prefetch import prefetched
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
    assert summary.first_error == frame["error"].iloc[1]  # what `score` quotes when most rows failed
    assert sum(summary.routes.values()) == 2
    ids = [None if pd.isna(lead_id) else lead_id for lead_id in frame["lead_id"]]
    assert ids == ["good-1", None, "bad-employees", "small"]

    broken, invalid = frame.iloc[1], frame.iloc[2]
    # Each error starts with its row: the line in JSON lines, as the `row` column counts.
    assert broken["error"].startswith("row 2: not valid JSON")
    assert invalid["error"].startswith("row 3: company.employees: ")
    assert "expected 0 to 5,000,000 employees, got -4" in invalid["error"]
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
    # An error row holds every key a decision does (null), so one reader reads both, as in Parquet.
    assert all(r.keys() == rows[0].keys() for r in rows)
    assert [(r["p_sql"] is None, r["gates"]) for r in rows[2:4]] == [(True, None), (True, None)]
    assert [r["route"] for r in rows] == [
        decided(pipeline, leads[0]).route,
        "self_service",
        None,
        None,
        decided(pipeline, lead_dict(lead_id="c")).route,
    ]
    assert (summary.scored, summary.errors) == (3, 2)


def test_an_employee_count_too_large_for_a_float_is_its_rows_error(pipeline, tmp_path):
    """10**400 employees: float() of it overflowed, and the whole batch stopped with a traceback."""
    huge = json.dumps(lead_dict(lead_id="huge", company={"employees": 10**400}))
    lines = [json.dumps(lead_dict(lead_id="a")), huge, json.dumps(SMALL)]
    summary = score_file(pipeline, write_jsonl(tmp_path / "in.jsonl", lines), tmp_path / "o.jsonl")
    rows = [json.loads(line) for line in (tmp_path / "o.jsonl").read_text().splitlines()]
    assert [r["lead_id"] for r in rows] == ["a", "huge", "small"]
    assert rows[1]["error"].startswith("row 2: company.employees: expected 0 to 5,000,000 employees")
    assert (summary.scored, summary.errors) == (2, 1)


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
    assert parsed[3].lead is None and parsed[3].error.startswith("row 5: events is not valid JSON")

    score_file(pipeline, path, tmp_path / "out.parquet")
    frame = pd.read_parquet(tmp_path / "out.parquet")
    assert frame["row"].tolist() == [2, 3, 4, 5]  # header = row 1, as the mapped path numbers them
    for i, lead in enumerate((lead_dict(lead_id="good"), SMALL, no_size)):
        expected = decided(pipeline, lead)
        assert frame.iloc[i]["route"] == expected.route
        assert frame.iloc[i]["p_sql"] == pytest.approx(expected.p_sql)
    assert frame.iloc[3]["error"].startswith("row 5: events is not valid JSON")


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


def test_parquet_timestamps_read_as_their_field_s_time_and_a_null_as_missing(tmp_path):
    fields = (CustomField("webinar", "datetime", "Last webinar"),)
    frame = pd.DataFrame([flat(lead_dict(lead_id=f"p{i}")) for i in range(3)])
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True)
    frame["custom.webinar"] = pd.to_datetime(["2026-10-01T08:00:00Z", None, "2026-10-02T00:00:00Z"], utc=True)
    path = tmp_path / "leads.parquet"
    frame.to_parquet(path, index=False)
    rows = list(read_leads(path, custom_fields=fields))
    assert [row.error for row in rows] == [None, None, None]
    assert [row.lead.custom for row in rows] == [
        {"webinar": "2026-10-01T08:00:00+00:00"},
        {},
        {"webinar": "2026-10-02T00:00:00+00:00"},
    ]


def test_a_nat_cell_is_missing_as_an_empty_one_is():
    assert unflatten(
        {"lead_id": "x", "created_at": pd.NaT, "custom.seen": pd.NaT, "company.name": pd.NA}
    ) == {"lead_id": "x"}


def test_unflatten_turns_numpy_values_into_python_ones():
    lead = unflatten({"company.employees": np.int64(12), "events": np.array([{"type": "x"}], dtype=object)})
    assert lead == {"company": {"employees": 12}, "events": [{"type": "x"}]}
    assert type(lead["company"]["employees"]) is int


# CRM exports as real tools write them: European Excel, tabs, Windows code pages, BOMs, gzip.


def write_bytes(path, data: bytes):
    path.write_bytes(data)
    return path


def test_read_leads_streams_gzip_json_lines(tmp_path):
    lines = [json.dumps(lead_dict(lead_id="gz-1")), "not json", json.dumps(SMALL)]
    path = write_bytes(tmp_path / "leads.jsonl.gz", gzip.compress("\n".join(lines).encode()))
    parsed = read_leads(path)
    assert next(parsed).lead_id == "gz-1"
    rest = list(parsed)
    assert rest[0].error.startswith("row 2: not valid JSON") and rest[1].lead.company.employees == 3
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
    assert (second.number, second.error) == (3, "row 3 (Id m-2): Angelegt: missing creation time")
    header_only = write_bytes(tmp_path / "empty.csv", b"Id;Angelegt;Firma;Mitarbeiter\n")
    assert list(read_leads(header_only, mapping)) == []


def test_a_mapped_export_whose_multi_select_cells_use_another_separator_is_told_so_and_still_decided(
    tmp_path, caplog
):
    # Walk V: 'Analytics, Integrations, Reporting' under the default ';' read as "Interested in Analytics: no".
    mapping = parse_mapping(
        "name: t\nlead_id: {column: Id}\ncreated_at: {column: Created}\n"
        "custom:\n  wants_api: {column: Products, contains: API}\n"
    )
    text = "Id,Created,Products\n" + "".join(
        f'm-{i},2026-11-01T09:00:00,"{cell}"\n'
        for i, cell in enumerate(["API, SSO", "SSO", "Analytics, API"])
    )
    path = write_bytes(tmp_path / "export.csv", text.encode())
    with caplog.at_level("WARNING"):
        leads = list(read_leads(path, mapping))
    assert [row.lead.custom["wants_api"] for row in leads] == [False, False, False]  # as the mapping says
    assert (
        "export.csv: Products: 2 of its 3 filled cells separate values by ',', not ';' (such as 'API, SSO'), so "
        "custom field wants_api (contains:) read a value they list as no: add separator: ',' to it"
    ) in caplog.text


def test_a_mapped_utf16_export_tells_its_encoding_once_and_reads_each_columns_decimal_mark(
    tmp_path, caplog, monkeypatch
):
    mapping = parse_mapping(
        "name: t\nlead_id: {column: Id}\ncreated_at: {column: Created}\n"
        "custom:\n  budget: {column: Budget, type: number}\n  score: {column: Score, type: number}\n"
    )
    text = "Id\tCreated\tBudget\tScore\r\n" + "".join(
        f"m-{i}\t2026-11-01T09:00:00\t{budget}\t{score}\r\n"
        for i, (budget, score) in enumerate([("15.368,78", "71.5"), ("12\u00a0213,49", "3"), ("980.5", "1")])
    )
    path = write_bytes(tmp_path / "export.txt", text.encode("utf-16"))
    monkeypatch.setattr(lead_files, "MARK_SAMPLE", 2)  # the marks are told by the first rows of a stream
    with caplog.at_level("WARNING"):
        assert lead_files.input_columns(path, mapping)[:2] == [
            "Id",
            "Created",
        ]  # the CLI's check, then the read
        first, second, third = read_leads(path, mapping)
    assert caplog.text.count("read as utf-16") == 1
    assert [first.lead.custom, second.lead.custom] == [
        {"budget": 15368.78, "score": 71.5},
        {"budget": 12213.49, "score": 3},
    ]
    # A later cell that does not follow its column's mark is its row's error, not a number 10 times too big.
    assert third.error.startswith("row 4 (Id m-2): Budget: '980.5' is not a number with the decimal mark ','")


@pytest.mark.parametrize("known", [{"Score": ","}, None])
def test_one_stray_decimal_mark_among_the_first_rows_is_its_rows_error_not_the_batchs(tmp_path, known):
    mapping = parse_mapping(
        "name: t\nlead_id: {column: Id}\ncustom:\n  score: {column: Score, type: number}\n"
    )
    scores = ["85,7", "56,3", "71.5", "3", *(f"{n},5" for n in range(9))]  # one point in eleven marks
    text = "Id;Score\n" + "".join(f"m-{i};{score}\n" for i, score in enumerate(scores))
    rows = list(read_leads(write_bytes(tmp_path / "export.csv", text.encode()), mapping, known_marks=known))
    assert [row.lead.custom["score"] for row in rows if row.lead] == [
        85.7,
        56.3,
        3,
        *(n + 0.5 for n in range(9)),
    ]
    [bad] = [row for row in rows if row.error]
    assert bad.error.startswith("row 4 (Id m-2): Score: '71.5' is not a number with the decimal mark ','")


def test_a_semicolon_file_read_with_a_comma_is_told_the_delimiter_it_holds(tmp_path):
    from leadgate.features.mapping import MappingError

    leads = write_bytes(tmp_path / "leads.csv", b"lead_id;contact.email\na;a@b.io\n")
    with pytest.raises(
        BatchInputError, match=r"leads\.csv: the header was read as one column .*delimiter ';'\?"
    ):
        lead_files.input_columns(leads, delimiter=",")
    mapping = parse_mapping("name: t\nlead_id: {column: Id}\nfields:\n  company.name: {column: Firma}\n")
    export = write_bytes(tmp_path / "export.csv", b"Id;Firma\nm-1;Acme\n")
    with pytest.raises(
        MappingError, match=r"^the header was read as one column 'Id;Firma': is the delimiter ';'\?"
    ):
        list(read_leads(export, mapping, delimiter=","))


# Streaming: the batch is read, decided and written chunk by chunk, never held whole.


def lead_lines(n: int, bad_every: int = 7) -> list[str]:
    """n lines of lead JSON, every `bad_every`-th one invalid, a few small (gated) ones among them."""
    lines = []
    for i in range(n):
        if i % bad_every == 3:
            lines.append(json.dumps(lead_dict(lead_id=f"bad-{i}", company={"employees": -1})))
        elif i % 5 == 1:
            lines.append(json.dumps({**SMALL, "lead_id": f"small-{i}"}))
        else:
            lines.append(json.dumps(lead_dict(lead_id=f"lead-{i}")))
    return lines


def without_time(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in row.items() if k != "decided_at"} for row in rows]


@pytest.mark.parametrize("suffix", [".jsonl", ".parquet"])
def test_streamed_output_is_the_one_call_result(pipeline, tmp_path, monkeypatch, suffix):
    """Chunk after chunk, the output is what deciding every row in one call gives, row for row."""
    monkeypatch.setattr(batch, "CHUNK", 4)
    source = write_jsonl(tmp_path / "in.jsonl", lead_lines(23))
    summary = score_file(pipeline, source, tmp_path / f"out{suffix}")
    assert summary.chunks == 6 and (summary.scored, summary.errors) == (20, 3)
    whole = batch.decide_rows(pipeline, list(read_leads(source)), full=suffix == ".jsonl")
    if suffix == ".jsonl":
        streamed = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
        assert without_time(streamed) == without_time(json.loads(json.dumps(whole)))
    else:
        frame = pd.read_parquet(tmp_path / "out.parquet")
        expected = pd.DataFrame(whole, columns=list(batch.FLAT_COLUMNS))
        streamed = frame.drop(columns="decided_at").to_dict(orient="records")
        expected = expected.drop(columns="decided_at").to_dict(orient="records")
        for got, want in zip(streamed, expected, strict=True):
            assert {k: _plain(v) for k, v in got.items()} == {k: _plain(v) for k, v in want.items()}


def _plain(value):
    """A DataFrame cell as plain Python: NaN and None alike, arrays as lists."""
    if hasattr(value, "tolist"):
        value = value.tolist()
    return None if value is None or (isinstance(value, float) and value != value) else value


def test_score_consumes_rows_as_it_writes_and_never_holds_them_all(pipeline, tmp_path, monkeypatch):
    """Rows come from a generator: by the time row 41 is asked for, the first chunk is already on disk."""
    monkeypatch.setattr(batch, "CHUNK", 10)
    output = tmp_path / "out.jsonl"
    partial = tmp_path / "out.jsonl.partial"
    lines = lead_lines(60)
    written_when_asked: dict[int, int] = {}

    def rows():
        for number, line in enumerate(lines, start=1):
            written_when_asked[number] = len(partial.read_text().splitlines()) if partial.exists() else 0
            yield batch.Row.of(number, json.loads(line))

    progress: list[int] = []
    summary = batch.score_rows(pipeline, rows(), output, progress.append)
    assert progress == [10] * 6 and summary.chunks == 6
    # At most one chunk is decided, one waits and one is being read: the rest are on disk already.
    assert written_when_asked[41] >= 10 and written_when_asked[60] >= 30
    assert len(output.read_text().splitlines()) == 60 and not partial.exists()


def test_a_reader_error_mid_file_leaves_no_output_and_stops_the_reader(pipeline, tmp_path, monkeypatch):
    monkeypatch.setattr(batch, "CHUNK", 2)
    output = tmp_path / "out.parquet"
    output.write_bytes(b"previous")

    def rows():
        for number in range(1, 6):
            yield batch.Row.of(number, lead_dict(lead_id=f"r{number}"))
        raise BatchInputError("in.csv: row 7 has 3 fields but the header has 2")

    with pytest.raises(BatchInputError, match="row 7 has 3 fields"):
        batch.score_rows(pipeline, rows(), output)
    assert output.read_bytes() == b"previous" and not list(tmp_path.glob("*.partial"))
    assert not [t for t in threading.enumerate() if t.name == "batch-reader"]


def test_a_parquet_output_of_only_errors_has_the_fixed_schema(pipeline, tmp_path):
    source = write_jsonl(tmp_path / "in.jsonl", ["not json", json.dumps({"lead_id": "x"})])
    score_file(pipeline, source, tmp_path / "out.parquet")
    table = pq.read_table(tmp_path / "out.parquet")
    assert table.schema == parquet_schema()
    assert table.column("lead_id").to_pylist() == [None, "x"]
    assert table.column("row").to_pylist() == [1, 2]


def test_parquet_input_is_read_a_batch_at_a_time(pipeline, tmp_path, monkeypatch):
    monkeypatch.setattr(lead_files, "PARQUET_BATCH", 2)
    leads = [lead_dict(lead_id=f"p{i}") for i in range(5)]
    path = tmp_path / "leads.parquet"
    pd.DataFrame([flat(lead) for lead in leads]).to_parquet(path, index=False, row_group_size=2)
    rows = read_leads(path)
    assert next(rows).lead_id == "p0"  # a generator: the file is read as rows are taken
    assert [row.lead_id for row in rows] == ["p1", "p2", "p3", "p4"]


@pytest.mark.parametrize(
    ("id_column", "ids", "named"),
    [
        ("Id", ["m-1", "m-2", "m-3"], ["row 3 (Id m-2)", "row 4 (Id m-3)"]),
        (None, ["row-2", "row-3", "row-4"], ["row 3", "row 4"]),  # no id column: row-N, error rows too
    ],
)
def test_error_rows_of_a_mapped_export_keep_their_lead_id(pipeline, tmp_path, id_column, ids, named):
    mapping = parse_mapping(
        "name: t\n"
        + (f"lead_id: {{column: {id_column}}}\n" if id_column else "")
        + "created_at: {column: Angelegt, type: datetime}\nfields:\n"
        "  company.employees: {column: Mitarbeiter, type: integer}\n"
    )
    rows = [["2026-11-01T09:00:00", "40"], ["", "3"], ["2026-11-01T09:00:00", "viele"]]
    header = ["Angelegt", "Mitarbeiter"]
    if id_column:
        header, rows = [id_column, *header], [[lead_id, *row] for lead_id, row in zip(ids, rows, strict=True)]
    text = "\n".join(";".join(cells) for cells in [header, *rows]) + "\n"
    path = write_bytes(tmp_path / "export.csv", text.encode())
    summary = score_file(pipeline, path, tmp_path / "out.parquet", mapping=mapping)
    frame = pd.read_parquet(tmp_path / "out.parquet")
    assert (summary.scored, summary.errors) == (1, 2)
    assert frame["lead_id"].tolist() == ids
    assert frame["error"].iloc[1] == f"{named[0]}: Angelegt: missing creation time"
    assert frame["error"].iloc[2].startswith(f"{named[1]}: Mitarbeiter")


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_error_rows_of_a_plain_table_keep_their_lead_id(pipeline, tmp_path, suffix):
    rows = [flat(lead_dict(lead_id=f"w-{i}")) for i in range(3)]
    rows[1]["events"] = "[{"  # the row is no lead, but its lead_id cell reads
    rows[2]["company.employees"] = -4
    path = tmp_path / f"leads{suffix}"
    frame = pd.DataFrame(rows)
    if suffix == ".csv":
        frame.to_csv(path, index=False)
    else:
        frame.to_parquet(path, index=False)
    summary = score_file(pipeline, path, tmp_path / "out.parquet")
    out = pd.read_parquet(tmp_path / "out.parquet")
    assert (summary.scored, summary.errors) == (1, 2)
    assert out["lead_id"].tolist() == ["w-0", "w-1", "w-2"]
    assert out["error"].iloc[1].startswith("row 3: events is not valid JSON")


def test_error_rows_keep_a_typed_id_as_text_and_no_id_that_is_none():
    rows = list(lead_rows.table_rows([{"lead_id": 7, "events": "[{"}, {"lead_id": None, "events": "[{"}]))
    assert [(row.lead_id, row.error is not None) for row in rows] == [("7", True), (None, True)]
    nested = lead_rows.Row.of(1, {**lead_dict(), "lead_id": {"id": "x"}})
    assert nested.error is not None and nested.lead_id is None


def test_a_json_line_that_is_no_lead_and_writes_a_key_twice_keeps_its_lead_id():
    line = json.dumps(lead_dict(lead_id="w-6", company={"employees": -4}))
    line = line.replace('"company": {', '"company": {"name": "X", ', 1)
    row = lead_rows.json_text_row(7, line)
    assert (row.lead, row.lead_id) == (None, "w-6") and "written twice" in row.error


def test_custom_columns_of_a_csv_read_as_the_model_declares_them(tmp_path):
    fields = (
        CustomField("calls", "integer", "Calls"),
        CustomField("budget", "flag", "Budget"),
        CustomField("amount", "number", "Amount"),
        CustomField("segment", "category", "Segment"),
    )
    text = (
        "lead_id,created_at,custom.segment,custom.calls,custom.budget,custom.amount,company.employees\n"
        "q1,2026-11-01T10:00:00Z,SMB,3,true,1200.5,40\n"
        "q2,2026-11-01T10:00:00Z,Enterprise,three,Ja,,40\n"
        "q3,2026-11-01T10:00:00Z,,x,,,-5\n"
    )
    path = write_bytes(tmp_path / "leads.csv", text.encode())
    good, bad, worse = read_leads(path, custom_fields=fields)
    assert good.error is None
    assert good.lead.custom == {"segment": "SMB", "calls": 3, "budget": True, "amount": 1200.5}
    assert (bad.lead, bad.lead_id) == (None, "q2")
    assert bad.error == "row 3: custom.calls: 'three' is not a whole number"
    # A bad custom cell and a bad built-in field: both named, after the row once.
    assert worse.error.startswith("row 4: company.employees: ") and worse.error.count("row ") == 1
    assert worse.error.endswith("; custom.calls: 'x' is not a whole number")


def test_json_lines_keep_custom_values_as_typed(tmp_path):
    fields = (CustomField("calls", "integer", "Calls"),)
    lead = lead_dict(lead_id="j1", custom={"calls": "3"})
    (row,) = read_leads(write_jsonl(tmp_path / "leads.jsonl", [json.dumps(lead)]), custom_fields=fields)
    assert row.lead.custom == {"calls": "3"}  # JSON says what it means: the model's check refuses the text


@pytest.mark.parametrize("suffix", [".jsonl", ".json"])
def test_json_files_take_numbers_as_typed_where_a_csv_reads_its_text(tmp_path, suffix):
    leads = [
        lead_dict(lead_id="t1", company={"employees": True}),
        lead_dict(lead_id="t2", company={"employees": "60"}),
        lead_dict(lead_id="t3", company={"employees": 60}),
    ]
    path = tmp_path / f"leads{suffix}"
    path.write_text("\n".join(map(json.dumps, leads)) if suffix == ".jsonl" else json.dumps(leads))
    one, two, three = read_leads(path)
    assert (one.lead_id, one.error) == ("t1", "row 1: company.employees: expected a number, got true/false")
    assert (two.lead_id, two.error) == (
        "t2",
        "row 2: company.employees: expected a number or a size band like '51-200' or '10001+', got text '60'",
    )
    assert three.lead.company.employees == 60
    csv = write_bytes(tmp_path / "leads.csv", b"lead_id,created_at,company.employees\nc1,2026-11-01,60\n")
    assert [row.lead.company.employees for row in read_leads(csv)] == [60]


def test_a_csv_ip_that_is_no_address_is_its_rows_error(tmp_path):
    text = b"lead_id,created_at,source.ip\ni1,2026-11-01,198.51.100.7\ni2,2026-11-01,not-an-ip\n"
    good, bad = read_leads(write_bytes(tmp_path / "leads.csv", text))
    assert good.lead.source.ip == "198.51.100.7"
    assert (bad.lead_id, bad.error) == ("i2", "row 3: source.ip: 'not-an-ip' is not an IPv4 or IPv6 address")


def test_a_sequence_mapped_export_ranks_rows_over_the_whole_file(tmp_path):
    mapping = parse_mapping(
        "name: t\nlead_id: {column: Id}\ncreated_at: {column: Nr, start: '2015-01-01T00:00:00Z'}\n"
        "fields:\n  company.name: {column: Firma}\n"
    )
    path = write_bytes(tmp_path / "export.csv", b"Id,Nr,Firma\na,30,A\nb,10,B\nc,20,C\n")
    created = {row.lead_id: row.lead.created_at for row in read_leads(path, mapping)}
    assert created["b"] < created["c"] < created["a"]


def test_a_prefetched_iterator_raises_the_producers_error_and_stops_when_closed():
    def numbers():
        yield from range(3)
        raise ValueError("broken at 3")

    with pytest.raises(ValueError, match="broken at 3"):
        list(prefetched(numbers()))
    endless = prefetched(iter(int, 1), name="endless")  # never ends on its own
    assert next(endless) == 0
    endless.close()
    assert not [t for t in threading.enumerate() if t.name == "endless"]


@pytest.mark.parametrize(
    "lead",
    [
        lead_dict(lead_id="plain"),
        lead_dict(lead_id="  padded  ", contact={"email": " Dana@Example.com ", "job_title": "Gründerin ☕"}),
        lead_dict(lead_id="naive", created_at="2026-11-01T09:00:00", scored_at="2026-11-02T00:00:00+02:00"),
        lead_dict(lead_id="custom", custom={"segment": "mid", "budget": True, "calls": 3, "share": 0.5}),
        lead_dict(lead_id="numbers", company={"employees": 12.0, "annual_revenue": 10**20}),
        lead_dict(lead_id="number-time", created_at=1e9),
        lead_dict(lead_id="huge", company={"annual_revenue": "1e400"}),
        lead_dict(lead_id="typo", compnay={}),
        lead_dict(lead_id="true-size", company={"employees": True}),
        lead_dict(lead_id="text-size", company={"employees": "60"}),
    ],
)
def test_json_lines_validated_in_one_pass_match_the_dict_path(lead):
    """The one-pass JSON-lines reader accepts and refuses exactly as parse_lead does, in the same words."""
    line = json.dumps(lead)
    fast, usual = lead_rows.json_text_row(7, line), batch.Row.parsed(7, json.loads(line))
    assert (fast.lead, fast.lead_id, fast.error) == (usual.lead, usual.lead_id, usual.error)


@pytest.mark.parametrize(
    "text", ['{"lead_id": "inf", "company": {"annual_revenue": Infinity}}', "[1, 2]", '"x"']
)
def test_json_lines_the_dict_path_reads_differently_still_get_its_error(text):
    fast, usual = lead_rows.json_text_row(3, text), batch.Row.parsed(3, json.loads(text))
    assert fast.lead is None and (fast.lead_id, fast.error) == (usual.lead_id, usual.error)


def test_form_answers_come_from_csv_columns_as_comma_separated_text(tmp_path):
    row = flat(lead_dict(lead_id="csv-answers"))
    row.update({"form.answers.stack": "Excel, Mailchimp", "form.answers.compliance": "SOC 2; FedRAMP"})
    path = tmp_path / "leads.csv"
    pd.DataFrame([row]).to_csv(path, index=False)
    (read,) = list(read_leads(path))
    lead = read.lead
    assert (
        read.error is None
        and lead.form.answers.stack == ["Excel", "Mailchimp"]
        and lead.form.answers.compliance
        == [
            "SOC 2",
            "FedRAMP",
        ]
    )


@pytest.fixture(scope="module")
def shop_pipeline(policy):
    """A model whose training leads all carried their custom fields (a shop's CRM export)."""
    from leadgate.decision.pipeline import DecisionPipeline
    from leadgate.training.exports import history_from_export
    from leadgate.training.train import train_model
    from tests.training.export_shapes import SHOP_MAPPING, shop_rows

    history = history_from_export(shop_rows(), parse_mapping(SHOP_MAPPING)).history
    return DecisionPipeline(policy, train_model(history, policy, seed=0).model)


def test_a_batch_counts_leads_without_a_custom_field_no_training_lead_lacked(shop_pipeline, tmp_path):
    model = shop_pipeline.model
    assert set(model.always_given()) == {
        "segment",
        "product_line",
        "landing_page",
        "budget",
        "calls",
        "budget_eur",
    }
    full = {"segment": "konzern", "product_line": "pro", "landing_page": "/lp/a", "budget": True, "calls": 3}
    leads = [lead_dict(lead_id=f"s{i}", custom={**full, "budget_eur": 1200.0}) for i in range(3)]
    leads += [lead_dict(lead_id="no-budget", custom=full), lead_dict(lead_id="none", custom={})]
    path = write_jsonl(tmp_path / "leads.jsonl", [json.dumps(lead) for lead in leads])
    summary = score_file(shop_pipeline, path, tmp_path / "out.parquet")
    assert summary.scored == 5
    assert summary.unlearned_gaps == {
        "segment": 1,
        "product_line": 1,
        "landing_page": 1,
        "budget": 1,
        "calls": 1,
        "budget_eur": 2,
    }


def test_a_json_lead_keyed_by_the_crm_s_own_field_name_is_told_the_model_s_fields(shop_pipeline, tmp_path):
    leads = [lead_dict(lead_id="crm-key", custom={"Budget_vorhanden__c": True}), lead_dict(lead_id="plain")]
    path = write_jsonl(tmp_path / "leads.jsonl", [json.dumps(lead) for lead in leads])
    summary = score_file(shop_pipeline, path, tmp_path / "out.parquet")
    assert (summary.scored, summary.errors) == (1, 1)
    error = pd.read_parquet(tmp_path / "out.parquet")["error"].iloc[0]
    assert error.startswith(
        "row 1: custom.Budget_vorhanden__c: not a custom field of the serving model (it declares: budget, "
    )


def test_without_a_model_a_key_no_field_could_be_named_is_still_refused(policy, tmp_path):
    from leadgate.decision.pipeline import DecisionPipeline

    lead = lead_dict(lead_id="crm-key", custom={"Budget_vorhanden__c": True})
    path = write_jsonl(tmp_path / "leads.jsonl", [json.dumps(lead)])
    summary = score_file(DecisionPipeline(policy), path, tmp_path / "out.parquet")
    assert summary.errors == 1
    assert pd.read_parquet(tmp_path / "out.parquet")["error"].iloc[0] == (
        "row 1: custom.Budget_vorhanden__c: not a custom field name (lower-case letters, digits and _, starting "
        "with a letter, such as budget_vorhanden_c)"
    )


def test_a_json_line_writing_a_key_twice_is_its_rows_error_and_the_batch_carries_on():
    # As the API refuses it: pydantic, like plain JSON, would keep the last value without a word.
    good = json.dumps(lead_dict(lead_id="good-1"))
    twice = good.replace('"lead_id": "good-1"', '"lead_id": "twice-a", "lead_id": "twice-b"')
    nested = json.dumps(lead_dict(lead_id="nested")).replace('"company": {', '"company": {"name": "X", ', 1)
    rows = [lead_rows.json_text_row(n, line) for n, line in enumerate([good, twice, nested], start=1)]
    assert rows[0].lead is not None and rows[0].error is None
    assert (rows[1].lead, rows[1].lead_id) == (None, "twice-b")
    assert rows[1].error == (
        "row 2: lead_id: 'lead_id' is written twice: JSON would keep only the last value; send each field once"
    )
    assert rows[2].lead is None and rows[2].error.startswith("row 3: company.name: 'name' is written twice")


def test_a_batch_whose_every_decided_lead_was_kept_from_sales_is_told_and_a_small_or_mixed_one_is_not():
    from leadgate.serving.batch import ALL_REJECTED_MIN, all_rejected_message

    said = all_rejected_message({"self_service": 280, "silent_reject": 20}, "leadgate/3")
    assert said.startswith(
        "all 300 decided leads went to a route that keeps them from sales (self_service 280, silent_reject 20)"
    )
    assert "leadgate/3" in said and "policy" in said
    assert all_rejected_message({"self_service": ALL_REJECTED_MIN - 1}, "leadgate/3") is None
    assert all_rejected_message({"self_service": 299, "nurture": 1}, "leadgate/3") is None
    assert all_rejected_message({}, "leadgate/3") is None


def test_parquet_output_says_which_contact_a_suppression_stops(pipeline, tmp_path):
    """An unsubscribed lead keeps its route: only the suppression columns tell marketing not to email it."""
    unsubscribed = lead_dict(lead_id="unsub", events=[{"type": "unsubscribe", "at": "2026-10-25T09:00:00Z"}])
    complained = lead_dict(lead_id="spam", events=[{"type": "spam_complaint", "at": "2026-10-25T09:00:00Z"}])
    lines = [json.dumps(lead) for lead in (unsubscribed, complained, lead_dict(lead_id="plain"))]
    score_file(pipeline, write_jsonl(tmp_path / "in.jsonl", [*lines, "not json"]), tmp_path / "out.parquet")
    frame = pd.read_parquet(tmp_path / "out.parquet")
    # Appended after `row`: the columns before it keep their places.
    assert list(frame.columns)[-5:] == ["error", "row", "control", "suppressed", "suppressions"]
    rows = frame.set_index("row")
    assert rows.loc[1, "route"] == decided(pipeline, unsubscribed).route != "silent_reject"
    assert rows.loc[1, "suppressed"].tolist() == ["marketing_email"]
    assert rows.loc[1, "suppressions"].tolist() == [
        "active: marketing_email of maria.keller@nordwerk.de (event:unsubscribe): unsubscribe received"
    ]
    assert (rows.loc[2, "route"], rows.loc[2, "control"]) == ("silent_reject", "suppression")
    assert rows.loc[2, "suppressed"].tolist() == ["all_contact"]
    assert rows.loc[3, "suppressed"].tolist() == [] and rows.loc[3, "suppressions"].tolist() == []
    assert rows.loc[3, "control"] == decided(pipeline, lead_dict(lead_id="plain")).control
    assert rows.loc[4, "suppressed"] is None and pd.isna(rows.loc[4, "control"])


def test_a_file_whose_dates_its_format_cannot_read_is_told_the_formats_that_do(tmp_path, caplog):
    # Walk F9: every row's error quoted the format, and nothing said which one reads the column.
    import logging

    from leadgate.features.mapping import parse_mapping
    from leadgate.serving.lead_files import read_leads

    path = tmp_path / "new.csv"
    path.write_text("Id,Created\na1,03/13/2026 9:00 AM\na2,03/01/2026 2:30 PM\n")
    mapping = parse_mapping(
        "name: t\nlead_id: {column: Id}\ncreated_at: {column: Created, date_format: '%d/%m/%Y %H:%M'}\n"
    )
    with caplog.at_level(logging.WARNING):
        rows = list(read_leads(path, mapping))
    assert all("does not match date_format '%d/%m/%Y %H:%M'" in row.error for row in rows)
    assert (
        "new.csv: created_at (Created): date_format '%d/%m/%Y %H:%M' reads none of 2 sampled cells, not "
        "'03/13/2026 9:00 AM'; '%m/%d/%Y %I:%M %p' reads 2; '%d/%m/%Y %I:%M %p' reads 1: declare the one the CRM "
        "writes"
    ) in caplog.messages


def test_a_do_not_call_flag_of_an_export_keeps_the_route_and_says_no_call_in_the_output(pipeline, tmp_path):
    """The user's walk: 'Do Not Call = TRUE' on a Salesforce export sent executives to sales_call."""
    mapping = parse_mapping(
        "name: t\nlead_id: {column: Lead ID}\ncreated_at: {column: Created, type: datetime}\n"
        "fields:\n"
        "  contact.email: {column: Email}\n  contact.job_title: {column: Title}\n"
        "  company.website: {column: Website}\n  company.employees: {column: Employees, type: integer}\n"
        "events:\n  - {type: demo_request, column: Demo, kind: flag}\n"
        "  - {type: do_not_call, column: Do Not Call, kind: flag}\n"
    )
    text = "Lead ID,Created,Email,Title,Website,Employees,Demo,Do Not Call\n" + "".join(
        f"{lead_id},2026-11-03T08:00:00,{lead_id}@nordwerk.de,CEO,nordwerk.de,400,TRUE,{flag}\n"
        for lead_id, flag in (("called", "FALSE"), ("dnc", "TRUE"))
    )
    path = write_bytes(tmp_path / "export.csv", text.encode())
    score_file(pipeline, path, tmp_path / "out.parquet", mapping=mapping, as_of=AsOf("created"))
    rows = pd.read_parquet(tmp_path / "out.parquet").set_index("lead_id")
    assert rows.loc["called", "next_step"] == "sales_call" and rows.loc["called", "suppressed"].tolist() == []
    assert (
        rows.loc["dnc", ["route", "p_sql", "control"]].tolist()
        == rows.loc["called", ["route", "p_sql", "control"]].tolist()
    )
    assert (rows.loc["dnc", "next_step"], rows.loc["dnc", "public_message"]) == ("sales_email", "sales_email")
    assert rows.loc["dnc", "suppressed"].tolist() == ["phone"]
    assert rows.loc["dnc", "suppressions"].tolist() == [
        "active: phone of dnc@nordwerk.de (event:do_not_call): do-not-call request received"
    ]
    assert not [text for text in rows.loc["dnc", "positive_reasons"] if "call" in text.lower()]
