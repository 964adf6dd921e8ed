"""The consoles every command writes to: how wide they draw when the output is no terminal."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from leadgate.cli import app
from tests.cli.test_commands import CLEAN_ENV
from tests.training.export_shapes import SHOP_MAPPING, shop_rows, write_csv


@pytest.mark.usefixtures("isolated")
def test_train_piped_without_columns_draws_each_table_row_on_one_line(tmp_path):
    # Walk F11a: piped into a CI log, rich drew 80 columns wide and the comparison table wrapped to ~50 lines.
    write_csv(tmp_path / "shop.csv", shop_rows())
    (tmp_path / "shop.yaml").write_text(SHOP_MAPPING)
    args = ["train", "--data", tmp_path / "shop.csv", "--mapping", tmp_path / "shop.yaml"]
    env = {**CLEAN_ENV, "COLUMNS": None}  # CliRunner's output is no terminal; None unsets COLUMNS
    result = CliRunner().invoke(app, [str(a) for a in [*args, "--data-dir", tmp_path / "d"]], env=env)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    # At 80 columns each row wrapped to 6-9 lines ('│ leadgate (gates  │ 7 columns     │ …', '│ + model)  │ …').
    row = next(line for line in lines if line.startswith("│ leadgate (gates + model)"))
    assert "Land, Segment, Produktlinie, Landingpage +3 more; 6 as custom fields" in row, row
    assert re.search(r"│ +0\.\d{3} │ +0\.\d{3} │", row), row  # its ROC-AUC and PR-AUC on the same line
    header = next(line for line in lines if line.startswith("┃ scorer"))
    assert "learned from" in header and "PR-AUC (floor " in header and "leadgate ahead" in header, header


def test_columns_still_sets_the_width_of_piped_output(monkeypatch):
    import io

    from leadgate.cli.common import PIPED_WIDTH, console

    piped = type(console)(file=io.StringIO(), soft_wrap=True)
    monkeypatch.setenv("COLUMNS", "100")
    assert piped.width == 100
    monkeypatch.delenv("COLUMNS")
    assert piped.width == PIPED_WIDTH
    assert type(console)(file=io.StringIO(), width=72).width == 72  # a width given stays


def test_a_piped_rule_is_not_drawn_the_piped_width(monkeypatch):
    import io

    from leadgate.cli.common import PIPED_WIDTH, RULE_WIDTH, console

    monkeypatch.delenv("COLUMNS", raising=False)
    out = io.StringIO()
    piped = type(console)(file=out, soft_wrap=True)
    piped.rule("1. Synthetic CRM history")
    (line,) = out.getvalue().splitlines()
    assert piped.width == PIPED_WIDTH and len(line) == RULE_WIDTH, len(line)
    assert "1. Synthetic CRM history" in line


def test_an_option_written_before_its_command_is_told_to_go_after_it(tmp_path):
    # Walk AA: `leadgate --data-dir data/a train …` said only "No such option: --data-dir".
    result = CliRunner().invoke(app, ["--data-dir", str(tmp_path), "train", "--data", "x.csv"], env=CLEAN_ENV)
    assert result.exit_code == 2
    said = " ".join(result.output.replace("│", " ").split())
    assert (
        "--data-dir is an option of `leadgate train`, not of `leadgate`: write it after the command" in said
    )
    assert f"(leadgate train --data-dir {tmp_path} …)" in said
    assert not (tmp_path / "mlflow.db").exists()  # nothing ran
    # An option no command has stays click's own error.
    unknown = CliRunner().invoke(app, ["--bogus", "train"], env=CLEAN_ENV)
    assert unknown.exit_code == 2 and "No such option: --bogus" in unknown.output
