"""`leadgate train` on an export whose label or header needs reading with care: one clear line, never a traceback."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from typer.testing import CliRunner

from leadgate.cli import app
from tests.cli.test_commands import CLEAN_ENV, text
from tests.training.export_shapes import write_csv

pytestmark = pytest.mark.usefixtures("isolated")
REGION = unicodedata.normalize("NFD", "Région")  # as macOS tools write it
MAPPING = """\
name: stages
lead_id: {column: Id}
created_at: {column: Created, type: datetime}
custom:
  score: {column: Score, type: number}
  region: {column: Région}
label:
  sql: {column: Stage, values: {"Closed Won": Won, "Closed Lost": Lost}}
  sql_positive: [won]
"""


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args], env={**CLEAN_ENV, "COLUMNS": "220"})


def stage_rows(n: int = 1500, seed: int = 0) -> list[dict]:
    """A stage export whose outcome follows Score; trailing spaces and an NFD name in the header."""
    rng = np.random.default_rng(seed)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    rows = []
    for i in range(n):
        score = rng.normal()
        won = rng.random() < 1 / (1 + np.exp(-(1.5 * score - 0.5)))
        rows.append(
            {
                "Id": str(i),
                "Created": (start + timedelta(hours=3 * i)).isoformat(),
                "Score ": f"{score:.3f}",
                REGION: rng.choice(["Nord", "Süd"]),
                "Stage": rng.choice(["Closed Won", "closed won"]) if won else "Closed Lost",
            }
        )
    return rows


def test_a_label_with_a_value_map_in_any_case_trains_reading_the_header_as_spelt(tmp_path):
    write_csv(tmp_path / "stages.csv", stage_rows(), delimiter=",", encoding="utf-8")
    (tmp_path / "stages.yaml").write_text(MAPPING)
    result = run(
        "train",
        "--data",
        tmp_path / "stages.csv",
        "--mapping",
        tmp_path / "stages.yaml",
        "--data-dir",
        tmp_path / "d",
    )
    assert result.exit_code == 0, result.output
    out = text(result.output)
    assert out.count("mapping column 'Score' read from the export's 'Score ' (spaces around it)") == 1
    assert "mapping column 'Région' read from the export's" in out
    # 'closed won' counts as the same stage as 'Closed Won' through the value map and sql_positive alike.
    assert "Stage holds 'Closed Lost' → 'Lost'" in out and "'closed won' → 'Won'" in out
    assert "registered leadgate/1 (alias: champion)" in out


def test_a_label_that_matches_no_row_stops_with_one_line_naming_the_values(tmp_path):
    write_csv(tmp_path / "stages.csv", stage_rows(600), delimiter=",", encoding="utf-8")
    (tmp_path / "stages.yaml").write_text(
        MAPPING.replace("sql_positive: [won]", "sql_positive: [Closed Won]")
    )
    data_dir = tmp_path / "d"
    result = run(
        "train",
        "--data",
        tmp_path / "stages.csv",
        "--mapping",
        tmp_path / "stages.yaml",
        "--data-dir",
        data_dir,
    )
    assert result.exit_code == 2 and "Traceback" not in result.output
    error = text(result.output[result.output.index("error:") :])
    assert error.startswith(
        "error: training stopped: the label marks no lead as SQL (0 SQLs among 600 leads); "
    )
    assert "Stage holds 'Closed Lost' → 'Lost'" in error and "list the values that mean SQL" in error
    assert not data_dir.exists()  # nothing logged, nothing registered


def test_a_listed_outcome_held_also_in_another_spelling_stops_training_before_any_model(tmp_path):
    # Walk M: 'Sales Qualified Lead' listed and held, 'salesqualifiedlead' held too: its SQLs were not SQLs.
    rows = stage_rows(600)
    for i, row in enumerate(rows):
        row["Stage"] = "closedwon" if row["Stage"] != "Closed Lost" and i % 2 else row["Stage"]
    write_csv(tmp_path / "stages.csv", rows, delimiter=",", encoding="utf-8")
    (tmp_path / "stages.yaml").write_text(
        MAPPING.replace(', values: {"Closed Won": Won, "Closed Lost": Lost}', "").replace(
            "[won]", "[Closed Won]"
        )
    )
    data_dir = tmp_path / "d"
    result = run(
        "train",
        "--data",
        tmp_path / "stages.csv",
        "--mapping",
        tmp_path / "stages.yaml",
        "--data-dir",
        data_dir,
    )
    assert result.exit_code == 2 and "Traceback" not in result.output
    error = text(result.output[result.output.index("error:") :])
    assert (
        "label sql_positive lists 'Closed Won', which " in error
        and " rows hold 'closedwon', counted as not SQL" in error
    )
    assert not data_dir.exists()  # nothing logged, nothing registered
