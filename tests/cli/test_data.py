"""Histories the analysis and training commands read: a lead-path CSV read as its JSON-lines twin is."""

from __future__ import annotations

import csv
import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import typer

from leadgate.cli.data import history_or_fail
from leadgate.training.data import history_from_records
from tests.factories import lead_dict

START = datetime(2025, 1, 1, tzinfo=UTC)


def _records(n: int = 200) -> list[dict]:
    rows = []
    for i in range(n):
        data = lead_dict(lead_id=f"c-{i}", created_at=(START + timedelta(hours=i)).isoformat())
        # The factory's '' campaign would read back from a blank cell as None.
        data["source"]["campaign"] = f"spring-{i % 2}"
        data["custom"] = {"calls": i % 7, "budget": i * 1.5, "trial": i % 2 == 0, "segment": "ABC"[i % 3]}
        if i % 10 == 0:
            del data["custom"]["calls"]  # a blank cell: missing, not zero
        data["outcome"] = {"sql": i % 4 == 0, "won": i % 8 == 0, "true_negative_factors": []}
        rows.append(data)
    return rows


def _flat(record: dict, prefix: str = "") -> dict:
    """A record as a CSV row: nested objects as dotted columns, lists as JSON text, booleans as Python writes them."""
    row = {}
    for key, value in record.items():
        if isinstance(value, dict):
            row.update(_flat(value, f"{prefix}{key}."))
        else:
            row[f"{prefix}{key}"] = json.dumps(value) if isinstance(value, list) else value
    return row


def _write_csv(path, records: list[dict], delimiter: str = ",") -> None:
    rows = [_flat(record) for record in records]
    columns = list(dict.fromkeys(column for row in rows for column in row))
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, columns, delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_a_lead_path_csv_history_reads_as_its_json_lines_twin(tmp_path, delimiter):
    records = _records()
    path = tmp_path / "history.csv"
    _write_csv(path, records, delimiter)
    from_csv = history_or_fail(path)
    from_json = history_from_records(records)
    assert [lead.lead_id for lead in from_csv.leads] == [lead.lead_id for lead in from_json.leads]
    assert from_csv.sql.tolist() == from_json.sql.tolist() and from_csv.won.tolist() == from_json.won.tolist()
    assert {(f.name, f.type) for f in from_csv.custom_fields} == {
        ("calls", "integer"),
        ("budget", "number"),
        ("trial", "flag"),
        ("segment", "category"),
    }
    assert [lead.custom for lead in from_csv.leads] == [lead.custom for lead in from_json.leads]
    assert [lead.model_dump() for lead in from_csv.leads] == [lead.model_dump() for lead in from_json.leads]


def test_a_lead_path_csv_with_unreadable_json_text_names_the_row(tmp_path, capsys):
    path = tmp_path / "history.csv"
    records = _records()
    _write_csv(path, records)
    lines = path.read_text().splitlines()
    lines[3] = (
        lines[3].replace('"[]"', '"[not json"', 1) if '"[]"' in lines[3] else lines[3].replace("[]", "[x", 1)
    )
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(typer.Exit):
        history_or_fail(path)
    assert "history.csv: row 4: not valid JSON text" in " ".join(capsys.readouterr().err.split())


def test_an_export_csv_still_asks_for_its_mapping(tmp_path, capsys):
    path = tmp_path / "crm.csv"
    path.write_text("Lead Number,Converted\n1,0\n")
    with pytest.raises(typer.Exit):
        history_or_fail(path)
    assert "looks like a CRM export, not a JSON-lines history: did you mean --mapping?" in " ".join(
        capsys.readouterr().err.split()
    )


def test_the_rows_left_out_as_invalid_are_said(tmp_path, capsys):
    records = _records()
    records[7]["company"]["employees"] = -3
    path = tmp_path / "history.csv"
    _write_csv(path, records)
    history = history_or_fail(path)
    assert len(history.leads) == len(records) - 1
    said = " ".join(capsys.readouterr().err.split())
    assert "1 row skipped (up to 1% may be): row 9: company.employees" in said


def test_a_lead_path_csv_with_a_column_of_its_own_names_it(tmp_path, capsys):
    records = _records()
    for record in records:
        record["notes"] = "called twice"
    path = tmp_path / "history.csv"
    _write_csv(path, records)
    with pytest.raises(typer.Exit):
        history_or_fail(path)
    said = " ".join(capsys.readouterr().err.split())
    assert "history.csv: columns that are no lead field (notes): drop them, name a CRM field" in said
    assert "looks like a CRM export" not in said


def test_a_history_naming_a_lead_twice_says_so_and_keeps_the_newest_row(tmp_path, capsys):
    path = tmp_path / "history.jsonl"
    records = _records(20)
    records.append({**records[4], "outcome": {"sql": True}})
    path.write_text("".join(json.dumps(record) + "\n" for record in records))
    history = history_or_fail(path)
    assert len(history.leads) == 20 and history.sql[[lead.lead_id for lead in history.leads].index("c-4")]
    assert (
        "1 lead id appears on more than one row (c-4 rows 5, 21): kept the newest row of each (by creation "
        "date; on equal dates, the later in the file) (1 other row left out)"
    ) in " ".join(capsys.readouterr().err.split())


@pytest.mark.parametrize(
    ("since", "until", "message"),
    [
        (
            "2025-09-01",
            "2025-08-01",
            "--since 2025-09-01 comes after --until 2025-08-01: --since starts the window",
        ),
        ("2025-08-02", "2025-08-01", "--since 2025-08-02 comes after --until 2025-08-01"),
        (
            "2025-08-01T12:00",
            "2025-08-01T12:00",
            "leave no time between them (a time as --until is excluded)",
        ),
    ],
)
@pytest.mark.parametrize("command", ["train", "backtest"])
def test_a_window_that_ends_before_it_starts_is_refused_before_any_data_is_read(
    tmp_path, command, since, until, message
):
    """Walk W: `--since 2025-09-01 --until 2025-08-01` read the whole export, then said "no leads between"."""
    from tests.cli.test_analysis import run, text

    missing = tmp_path / "never-read.csv"  # read first, it would stop the command with "no such file"
    result = run(command, "--data", missing, "--data-dir", tmp_path / "d", "--since", since, "--until", until)
    assert result.exit_code == 2
    assert message in text(result.output) and "no such file" not in result.output
    assert not (tmp_path / "d").exists()


def test_a_window_of_one_day_or_from_a_time_within_it_is_no_refusal():
    from leadgate.cli.data import check_window

    check_window("2025-08-01", "2025-08-01")  # the whole day
    check_window("2025-08-01T12:00", "2025-08-01")  # the afternoon


# A Pipedrive-like export in Berlin: dates without a time, so each lead is created at midnight there (23:00 UTC
# the day before in winter).
BERLIN = """
name: berlin_persons
timezone: {zone}
lead_id: {{column: ID}}
created_at: {{column: Created, date_format: "%d.%m.%Y"}}
fields:
  contact.email: {{column: Email}}
label:
  sql: {{column: Stage}}
  sql_positive: [Demo]
"""


def _dated_export(zone: str | None):
    from leadgate.features.mapping import parse_mapping
    from leadgate.training.exports import history_from_export

    days = ["30.12.2025", "31.12.2025", "01.01.2026", "02.01.2026"]
    rows = [
        {
            "ID": str(i),
            "Created": days[i % 4],
            "Email": f"p{i}@firm{i}.de",
            "Stage": "Demo" if i % 3 else "Lost",
        }
        for i in range(40)
    ]
    text = BERLIN.format(zone=zone or "UTC").replace("timezone: UTC\n", "")
    return history_from_export(rows, parse_mapping(text)).history


def test_a_date_as_since_or_until_is_midnight_in_the_mappings_time_zone():
    """Walk Y: `--since 2026-01-01` left out the 13 leads a Berlin export dates 01.01.2026 (23:00 UTC before)."""
    from leadgate.cli.data import window_said, within

    history = _dated_export("Europe/Berlin")
    assert history.zone == "Europe/Berlin"
    days = Counter(
        lead.created_at.astimezone(ZoneInfo("Europe/Berlin")).date().isoformat() for lead in history.leads
    )
    kept = within(history, "export", "2026-01-01", None)
    assert len(kept.leads) == days["2026-01-01"] + days["2026-01-02"]
    assert len(within(history, "export", None, "2025-12-31").leads) == days["2025-12-30"] + days["2025-12-31"]
    assert len(within(history, "export", "2026-01-01", "2026-01-01").leads) == days["2026-01-01"]
    # A time with an offset keeps its own meaning: from midnight UTC, the 1 January leads (23:00 UTC) are out.
    assert len(within(history, "export", "2026-01-01T00:00+00:00", None).leads) == days["2026-01-02"]
    said = window_said("2026-01-01", None, kept, history)
    assert said.startswith(f"window 2026-01-01 to the end (Europe/Berlin): {len(kept.leads)} of 40 leads")
    # Without a time zone in the mapping the dates are UTC's, as before, and the line names none.
    utc = _dated_export(None)
    assert utc.zone == "UTC" and len(within(utc, "export", "2026-01-01", None).leads) == len(kept.leads)
    assert window_said("2026-01-01", None, kept, utc).startswith("window 2026-01-01 to the end: ")
    assert window_said(None, "2026-01-01", kept, utc).startswith("window from the start to 2026-01-01: ")


def test_a_trained_window_is_read_back_in_the_zone_its_run_logged_and_an_older_run_in_utc(tmp_path, capsys):
    """Review 26: a run trained before windows were read in the export's zone had its window moved an hour."""
    from leadgate.cli.report import trained_window

    history = _dated_export("Europe/Berlin")
    path = tmp_path / "export.csv"
    run = {"data.since": "2026-01-01", "data.until": "", "data.path": str(path)}
    # Logged with its zone: midnight in Berlin, so the 1 January leads (23:00 UTC before) are in.
    new = trained_window(
        {**run, "data.window_zone": "Europe/Berlin", "data.leads": "20"}, history, path, True
    )
    assert len(new.leads) == 20
    assert "window 2026-01-01 to the end (Europe/Berlin): 20 of 40 leads" in capsys.readouterr().out
    # Without it the run read its window in UTC, as it was trained: the 1 January leads stay out.
    old = trained_window({**run, "data.leads": "10"}, history, path, True)
    assert len(old.leads) == 10
    said = capsys.readouterr().out
    assert "window 2026-01-01 to the end: 10 of 40 leads" in said and "it keeps" not in said
    # A window that no longer keeps what the model was trained on is said, not reported on silently.
    trained_window({**run, "data.leads": "12"}, history, path, True)
    said = " ".join(capsys.readouterr().out.split())
    assert "the model was trained on 12 leads of that window; it keeps 10 of this history" in said
