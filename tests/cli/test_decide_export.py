"""`leadgate decide --mapping`: a CRM export's row (CSV or JSON) decided as `score` decides it."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from leadgate.cli import app
from tests.conftest import ENV_NAMES

DATA = Path(__file__).resolve().parents[1] / "data"
ENV = dict.fromkeys(ENV_NAMES)  # unset for each run: the developer's settings stay out
AS_OF = ("--as-of", "2026-06-01")  # one decision time for decide and score alike
runner = CliRunner()

pytestmark = pytest.mark.usefixtures("isolated")


def run(*args):
    return runner.invoke(app, [str(a) for a in args], env=ENV)


def said(output: str) -> str:
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", output).split())


def export_rows(n: int) -> tuple[list[str], list[dict]]:
    """The header and first `n` rows of the shipped Salesforce sample, as text."""
    with (DATA / "salesforce_leads_sample.csv").open(newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), [row for _, row in zip(range(n), reader, strict=False)]


def write_csv(path: Path, header: list[str], rows: list[dict]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, header)
        writer.writeheader()
        writer.writerows(rows)
    return path


def scored(path: Path, data_dir: Path, tmp_path: Path) -> list[dict]:
    out = tmp_path / "scored.jsonl"
    result = run("score", "--input", path, "--output", out, "--mapping", "salesforce", *AS_OF,
                 "--max-error-rate", 1, "--data-dir", data_dir)  # fmt: skip
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in out.read_text().splitlines()]


def test_decide_reads_an_export_row_csv_or_json_through_a_mapping_as_score_does(
    registered_settings, tmp_path
):
    data_dir = registered_settings[0].data_dir
    header, rows = export_rows(1)
    row_csv = write_csv(tmp_path / "row.csv", header, rows)
    row_json = tmp_path / "row.json"
    row_json.write_text(json.dumps(rows[0]))  # the row as a notebook or an API copies it out
    [expected] = scored(row_csv, data_dir, tmp_path)
    for path in (row_csv, row_json):
        result = run("decide", path, "--mapping", "salesforce", "--json", *AS_OF, "--data-dir", data_dir)
        assert result.exit_code == 0, result.output
        record = json.loads(result.stdout)
        assert record["lead_id"] == rows[0]["Lead ID"] == expected["lead_id"]
        assert (record["route"], record["p_sql"]) == (expected["route"], expected["p_sql"]), path.name
        assert [r["text"] for r in record["negative_reasons"]] == [
            r["text"] for r in expected["negative_reasons"]
        ]
    panel = said(run("decide", row_csv, "--mapping", "salesforce", *AS_OF, "--data-dir", data_dir).output)
    assert f"lead {expected['lead_id']}" in panel and f"→ {expected['route'].upper()}" in panel


def test_decide_says_a_row_that_does_not_map_in_score_s_words(registered_settings, tmp_path):
    data_dir = registered_settings[0].data_dir
    header, rows = export_rows(2)
    rows[1]["Created Date"] = "31/05/2026 02:24 PM"  # dd/mm where the mapping reads mm/dd
    path = write_csv(tmp_path / "rows.csv", header, rows)
    error = next(d["error"] for d in scored(path, data_dir, tmp_path) if d["error"])
    assert error.startswith(f"row 3 (Lead ID {rows[1]['Lead ID']}): Created Date")
    both = run("decide", path, "--mapping", "salesforce", *AS_OF, "--data-dir", data_dir)
    # The good row is printed, each named by its row; the bad one is said as score's error row says it.
    assert both.exit_code == 1
    assert f"row 2 · lead {rows[0]['Lead ID']}" in said(both.stdout)
    assert f"error: {path}: {error}" in said(both.stderr)
    alone = run("decide", write_csv(tmp_path / "bad.csv", header, rows[1:]), "--mapping", "salesforce",
                "--data-dir", data_dir)  # fmt: skip
    assert alone.exit_code == 2 and error.replace("row 3", "row 2") in said(alone.stderr)
    listed = run("decide", path, "--mapping", "salesforce", "--json", *AS_OF, "--data-dir", data_dir)
    assert [record["lead_id"] for record in json.loads(listed.stdout)] == [rows[0]["Lead ID"]]


def test_decide_refuses_a_file_too_big_to_print_and_one_without_rows(registered_settings, tmp_path):
    data_dir = registered_settings[0].data_dir
    header, rows = export_rows(21)
    big = run("decide", write_csv(tmp_path / "big.csv", header, rows), "--mapping", "salesforce",
              "--data-dir", data_dir)  # fmt: skip
    assert big.exit_code == 2 and "big.csv: more than 20 rows" in said(big.stderr)
    assert "leadgate score --input" in said(big.stderr)
    empty = run("decide", write_csv(tmp_path / "empty.csv", header, []), "--mapping", "salesforce",
                "--data-dir", data_dir)  # fmt: skip
    assert empty.exit_code == 2 and "empty.csv: no rows below the header" in said(empty.stderr)


def test_decide_without_a_mapping_asks_for_one_when_given_an_export_row(tmp_path):
    header, rows = export_rows(1)
    row_csv = write_csv(tmp_path / "row.csv", header, rows)
    row_json = tmp_path / "row.json"
    row_json.write_text(json.dumps(rows[0]))
    for path in (row_csv, row_json):
        result = run("decide", path, "--data-dir", tmp_path / "data")
        assert result.exit_code == 2 and "did you mean --mapping?" in said(result.stderr), path.name
    assert "row.json: no column is a lead field (Lead ID, First Name" in said(result.stderr)


def test_decide_help_names_the_mapping_option_as_score_does():
    for command in ("decide", "score"):
        out = " ".join(re.sub(r"[│]", " ", run(command, "--help").output).split())
        assert "the input is a CRM export read through this mapping (file or shipped name)" in out, command


def test_decide_shows_a_do_not_call_flag_of_the_export_as_no_call_on_the_card(registered_settings, tmp_path):
    """The user's walk: 'Do Not Call = TRUE' mapped as an event stops calls, and the card says so."""
    from importlib import resources

    data_dir = registered_settings[0].data_dir
    shipped = resources.files("leadgate.training").joinpath("mappings", "salesforce.yaml").read_text()
    flagged = shipped.replace(
        "events:\n", "events:\n  - {type: do_not_call, column: Do Not Call, kind: flag}\n", 1
    )
    mapping = tmp_path / "salesforce-dnc.yaml"
    mapping.write_text(flagged)
    header, rows = export_rows(1)
    row = write_csv(tmp_path / "row.csv", [*header, "Do Not Call"], [{**rows[0], "Do Not Call": "TRUE"}])
    plain = write_csv(tmp_path / "plain.csv", [*header, "Do Not Call"], [{**rows[0], "Do Not Call": "FALSE"}])
    decided = {}
    for name, path in (("dnc", row), ("plain", plain)):
        result = run("decide", path, "--mapping", mapping, "--json", *AS_OF, "--data-dir", data_dir)
        assert result.exit_code == 0, result.output
        decided[name] = json.loads(result.stdout)
    dnc = decided["dnc"]
    assert (dnc["route"], dnc["p_sql"]) == (decided["plain"]["route"], decided["plain"]["p_sql"])
    assert [s["contact"] for s in dnc["suppressions"]] == ["phone"] and decided["plain"]["suppressions"] == []
    assert dnc["next_step"] != "sales_call"
    panel = said(run("decide", row, "--mapping", mapping, *AS_OF, "--data-dir", data_dir).output)
    assert f"next step: {dnc['next_step']}" in panel
    email = rows[0]["Email"].lower()
    assert f"active: phone of {email} (event:do_not_call): do-not-call request received" in panel
    assert "no phone call to this person or account" in panel
