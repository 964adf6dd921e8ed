"""`leadgate draft-mapping`: a first mapping on stdout that `train` reads; what it cannot guess on stderr."""

from __future__ import annotations

import csv

import pytest

from leadgate.features.mapping import parse_mapping
from tests.cli.test_commands import run, text
from tests.training.test_mapping_draft import _contacts

pytestmark = pytest.mark.usefixtures("isolated")


def _write(path, rows, delimiter=";"):
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.DictWriter(handle, list(rows[0]), delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_the_draft_is_yaml_on_stdout_that_parses_as_a_mapping(tmp_path):
    result = run("draft-mapping", _write(tmp_path / "contacts.csv", _contacts()))
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert result.stdout.startswith(
        "# A first mapping drafted by `leadgate draft-mapping` from contacts.csv (300"
    )
    mapping = parse_mapping(result.stdout, "draft")
    assert mapping.lead_id.column == "Record ID" and mapping.label.sql_positive == ["Qualified"]
    # --rows reads fewer: the sample is said.
    assert "(20 rows read)" in run("draft-mapping", tmp_path / "contacts.csv", "--rows", "20").stdout


def test_an_outcome_no_word_gives_away_is_said_on_stderr_and_a_bad_file_is_one_line(tmp_path):
    rows = [{**row, "Lead Status": ("A", "B", "C")[i % 3]} for i, row in enumerate(_contacts(60))]
    result = run("draft-mapping", _write(tmp_path / "coded.csv", rows))
    assert result.exit_code == 0
    assert result.stderr.startswith("the draft needs you before it trains: ")
    assert (
        "sql_positive: []  # the values that mean SQL: check (none guessed: fill in from Lead Status's"
        in result.stdout
    )
    result = run("draft-mapping", tmp_path / "missing.csv")
    assert result.exit_code == 2 and "missing.csv: no such file" in text(result.output)
