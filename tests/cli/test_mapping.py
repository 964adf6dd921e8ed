"""`train --mapping` and `score --mapping` on the shipped CRM samples, and their errors."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from leadgate.cli import app
from tests.conftest import ENV_NAMES

DATA = Path(__file__).resolve().parents[1] / "data"
ENV = dict.fromkeys(ENV_NAMES)  # unset for each run: the developer's settings stay out
runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args], env=ENV)


def test_train_on_a_hubspot_export_then_score_a_salesforce_export(tmp_path):
    trained = run(
        "train",
        "--data",
        DATA / "hubspot_contacts_sample.csv",
        "--mapping",
        "hubspot",
        "--data-dir",
        tmp_path,
    )
    assert trained.exit_code == 0, trained.output
    assert "registered leadgate/1 (alias: champion)" in trained.output
    out = tmp_path / "decisions.jsonl"
    scored = run(
        "score", "--input", DATA / "salesforce_leads_sample.csv", "--output", out, "--mapping", "salesforce",
        "--data-dir", tmp_path,
    )  # fmt: skip
    assert scored.exit_code == 0, scored.output
    decisions = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(decisions) == 600 and all(d["error"] is None for d in decisions)
    assert len({d["route"] for d in decisions}) >= 3 and any(d["gates"] for d in decisions)
    # The report needs no --data or --mapping: the run names the export and the mapping training read.
    page = tmp_path / "report.html"
    reported = run("report", "--out", page, "--data-dir", tmp_path)
    assert reported.exit_code == 0, reported.output
    said = " ".join(reported.output.split())
    assert (
        "hubspot_contacts_sample.csv through the mapping hubspot, the export leadgate/1 was trained on"
        in said
    )
    assert page.stat().st_size > 10_000


def test_mapping_errors_are_clear_and_stop_before_training(tmp_path):
    leaking = tmp_path / "leaking.yaml"
    text = (Path(__file__).resolve().parents[2] / "training" / "mappings" / "hubspot.yaml").read_text()
    leaking.write_text(
        text.replace("company.industry: {column: Industry}", "company.industry: {column: Lead Status}")
    )
    result = run(
        "train", "--data", DATA / "hubspot_contacts_sample.csv", "--mapping", leaking, "--data-dir", tmp_path
    )
    assert result.exit_code == 2
    assert "known only after sales contact" in result.output and "Lead Status" in result.output
    wrong = run(
        "train",
        "--data",
        DATA / "salesforce_leads_sample.csv",
        "--mapping",
        "hubspot",
        "--data-dir",
        tmp_path,
    )
    assert wrong.exit_code == 2 and "has no column(s)" in wrong.output
    assert not (tmp_path / "mlflow.db").exists()
