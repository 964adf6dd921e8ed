"""`leadgate backtest`, `evidence` and `channels` run in-process on a small seeded history."""

import json
import re
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from leadgate.cli import app
from leadgate.decision.pipeline import DecisionPipeline
from leadgate.decision.policy import default_policy_text
from leadgate.training.backtest import run_backtest
from leadgate.training.data import history_from_records
from leadgate.training.synth import write_history
from tests.conftest import ENV_NAMES

CLEAN_ENV = dict.fromkeys(ENV_NAMES)
runner = CliRunner()
SALESFORCE = Path(__file__).resolve().parents[1] / "data" / "salesforce_leads_sample.csv"


def run(*args):
    """Invoke the CLI in a clean environment."""
    return runner.invoke(app, [str(arg) for arg in args], env=CLEAN_ENV)


def text(output: str) -> str:
    """Terminal output with table borders removed and Rich's wrapping undone."""
    return " ".join(re.sub(r"[│┃╭╮╰╯─━┏┓┗┛┡┩└┘┌┐╇┳┻╋┼├┤]", " ", output).split())


# Every test here runs without developer settings, in a scratch folder (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("isolated")


@pytest.fixture(scope="module")
def records(history_records):
    return history_records[:3000]


@pytest.fixture(scope="module")
def history_file(tmp_path_factory, records):
    return write_history(records, tmp_path_factory.mktemp("analysis") / "history.jsonl.gz")


@pytest.fixture(scope="module")
def unlabelled_file(tmp_path_factory, records):
    """The history with no outcome.won in any record: an export whose mapping has no won label."""
    stripped = [{**r, "outcome": {k: v for k, v in r["outcome"].items() if k != "won"}} for r in records]
    return write_history(stripped, tmp_path_factory.mktemp("unlabelled") / "history.jsonl.gz")


@pytest.fixture(scope="module")
def no_reason_file(tmp_path_factory, records):
    """The history with no outcome.rejection_reason in any record: an export whose mapping has none."""
    stripped = [
        {**r, "outcome": {k: v for k, v in r["outcome"].items() if k != "rejection_reason"}} for r in records
    ]
    return write_history(stripped, tmp_path_factory.mktemp("no_reason") / "history.jsonl.gz")


@pytest.fixture(scope="module")
def strict_policy(tmp_path_factory):
    path = tmp_path_factory.mktemp("policy") / "strict.yaml"
    path.write_text(default_policy_text().replace("employees_floor: 10 ", "employees_floor: 200 "))
    return path


def test_help_lists_the_analysis_commands():
    result = run("--help")
    assert result.exit_code == 0
    for command in ("backtest", "evidence", "channels"):
        assert re.search(rf"│ {command}\s", result.output), command


def test_backtest_with_the_champion_matches_the_library_and_writes_json(
    history_file, strict_policy, registered_settings, records, tmp_path
):
    settings, _ = registered_settings
    out = tmp_path / "bt.json"
    result = run(
        "backtest", "--data", history_file, "--proposed-policy", strict_policy, "--model-alias", "champion",
        "--minutes-per-call", 15, "--out", out, "--data-dir", settings.data_dir,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    shown = text(result.output)
    assert "sales hours saved" in shown and "Won deals the proposed setup would hide" in shown
    written = json.loads(out.read_text())

    from leadgate.decision.policy import load_policy
    from leadgate.serving.model_loading import load_by_alias

    loaded = load_by_alias(settings, "champion")
    expected = run_backtest(
        history_from_records(records),
        DecisionPipeline(loaded.policy, loaded.model),
        DecisionPipeline(load_policy(strict_policy), loaded.model),
    )
    assert {row["lead_id"] for row in written["hidden"] if row["won"]} == expected.hidden_won
    assert written["summary"]["sqls_hidden"] == expected.summary["sqls_hidden"]
    assert written["summary"]["minutes_per_call"] == 15
    assert f"{expected.summary['won_hidden']:,} of {expected.summary['won']:,} won deals" in shown


def test_backtest_without_a_won_label_says_won_deals_are_unknown_and_writes_null(
    unlabelled_file, strict_policy, tmp_path
):
    out = tmp_path / "bt.json"
    result = run("backtest", "--data", unlabelled_file, "--proposed-policy", strict_policy, "--out", out)
    assert result.exit_code == 0, result.output
    shown = text(result.output)
    # Not "19 of 470 SQLs and won deals unknown", which reads as 19 of 470 of both.
    assert re.search(r"hidden: [\d,]+ of [\d,]+ SQLs; won deals unknown \(no won label\); leads sales", shown)
    assert "SQLs and won deals" not in shown and "of 0 won deals" not in shown
    assert "SQLs the proposed setup would hide" in shown and "Won deals the proposed" not in shown
    assert re.search(r"sales_ready(\s+[\d,]+){2}\s+—(\s+[\d,]+){2}\s+—", shown)
    written = json.loads(out.read_text())
    assert written["summary"]["won"] is None and written["summary"]["won_hidden"] is None
    assert {row["current_won"] for row in written["routes"]} == {None}
    assert written["hidden"] and {row["won"] for row in written["hidden"]} == {None}


def test_backtest_without_a_rejection_reason_says_sales_rejections_are_unknown(
    no_reason_file, history_file, strict_policy, tmp_path
):
    out = tmp_path / "bt.json"
    result = run("backtest", "--data", no_reason_file, "--proposed-policy", strict_policy, "--out", out)
    assert result.exit_code == 0, result.output
    shown = text(result.output)
    assert (
        "leads sales rejected kept from them: unknown (no rejection reason in the mapping or history);"
        in shown
    )
    assert json.loads(out.read_text())["summary"]["sales_rejected_called"] is None
    labelled = text(run("backtest", "--data", history_file, "--proposed-policy", strict_policy).output)
    assert re.search(
        r"leads sales rejected kept from them: [\d,]+ of [\d,]+ the current setup calls;", labelled
    )


def test_a_backtest_that_adds_calls_says_sales_hours_added_not_negative_hours_saved(
    history_file, strict_policy, tmp_path
):
    # The strict floor as current, the default as proposed: calls are only added.
    default = tmp_path / "default.yaml"
    default.write_text(default_policy_text())
    out = tmp_path / "bt.json"
    result = run(
        "backtest", "--data", history_file, "--policy", strict_policy, "--proposed-policy", default, "--out", out
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    summary = json.loads(out.read_text())["summary"]
    added = summary["calls_added"] * summary["minutes_per_call"] / 60
    assert summary["calls_avoided"] == 0 and added > 0
    assert summary["net_sales_hours_saved"] == pytest.approx(-added)
    shown = text(result.output)
    assert (
        f"(0 avoided, {summary['calls_added']:,} added): {added:,.0f} sales hours added at 20 min a call"
        in shown
    )
    assert "hours saved" not in shown


def test_backtest_period_and_csv_tables(history_file, strict_policy, tmp_path, records):
    created = pd.to_datetime([r["created_at"] for r in records], utc=True).sort_values()
    since, until = created[500].date(), created[2000].date()
    out = tmp_path / "bt.csv"
    result = run(
        "backtest", "--data", history_file, "--proposed-policy", strict_policy,
        "--since", since, "--until", until, "--out", out,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    # --until with a bare date takes in that whole day.
    in_period = ((created >= str(since)) & (created < str(until + timedelta(days=1)))).sum()
    assert 1000 < in_period < 3000
    assert f"{in_period:,} historical leads created {since}" in text(result.output)
    routes = pd.read_csv(tmp_path / "bt.routes.csv")
    assert routes["current_leads"].sum() == in_period == routes["proposed_leads"].sum()
    assert set(pd.read_csv(tmp_path / "bt.gates.csv")["gate"]) >= {"below_size_floor", "personal_email"}
    assert (tmp_path / "bt.hidden.csv").exists() and (tmp_path / "bt.prevented.csv").exists()


def test_evidence_reads_parquet_history_and_writes_csv(records, tmp_path):
    parquet = tmp_path / "history.parquet"
    pd.json_normalize(records).to_parquet(parquet, index=False)
    out = tmp_path / "evidence.csv"
    result = run("evidence", "--data", parquet, "--min-n", 30, "--out", out)
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    assert {"gate", "feature"} <= set(table["origin"])
    assert set(table["suggestion"]) <= {"gate", "penalty", "none", "too few", "no contrast"}
    assert "too few: under 30 leads" in text(result.output)
    assert table.loc[table["origin"] == "gate", "leads"].eq(len(records)).all()


def test_evidence_without_a_won_label_writes_null_won_with(unlabelled_file, tmp_path):
    result = run("evidence", "--data", unlabelled_file, "--out", tmp_path / "ev.json")
    assert result.exit_code == 0, result.output
    written = json.loads((tmp_path / "ev.json").read_text())
    assert {row["won_with"] for row in written["signals"]} == {None}
    assert any("no won label" in note for note in written["notes"]) and "no won label" in text(result.output)


def test_channels_writes_both_tables(history_file, tmp_path):
    result = run("channels", "--data", history_file, "--out", tmp_path / "ch.json")
    assert result.exit_code == 0, result.output
    written = json.loads((tmp_path / "ch.json").read_text())
    total = next(row for row in written["channels"] if row["channel"] == "total")
    assert total["leads"] == written["leads"] == 3000
    assert "leads had a cost" in text(result.output)


def test_channels_without_a_won_label_show_won_as_unknown(unlabelled_file, tmp_path):
    args = ["channels", "--data", unlabelled_file, "--out", tmp_path / "ch.json"]
    # Wide enough that the table does not wrap: the won cell sits beside the SQL rate.
    result = runner.invoke(app, [str(arg) for arg in args], env={**CLEAN_ENV, "COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    written = json.loads((tmp_path / "ch.json").read_text())
    assert {row["won"] for row in written["channels"] + written["campaigns"]} == {None}
    total = next(row for row in written["channels"] if row["channel"] == "total")
    shown = text(result.output)
    # total: leads, pass gates (share), SQLs, SQL rate [interval], then won
    assert re.search(rf"total {total['leads']:,} [\d,]+ \(\d+%\) {total['sqls']:,} \S+ \S+ — ", shown)
    assert "no won label" in shown


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["backtest", "--data", "missing.jsonl.gz"], "missing.jsonl.gz: no such file"),
        (["channels", "--since", "last tuesday"], "--since: expected YYYY-MM-DD"),
        (["evidence", "--out", "table.xlsx"], "--out must end in .json or .csv"),
    ],
)
def test_bad_input_fails_with_one_clear_line(history_file, args, message):
    if "--data" not in args:
        args = [*args, "--data", history_file]
    result = run(*args)
    assert result.exit_code == 2
    assert message in text(result.output)


def test_without_data_or_a_model_the_missing_history_names_the_export_way_too(tmp_path):
    """Walk Y: only `leadgate synth` or `leadgate demo` were suggested, to a user with a CRM export."""
    result = run("evidence", "--data-dir", tmp_path / "empty")
    assert result.exit_code == 2
    assert (
        "history.jsonl.gz: no such file (make one with `leadgate synth` or `leadgate demo`, or read a CRM export "
        "with --data EXPORT --mapping MAPPING)"
    ) in text(result.output)
    assert not (tmp_path / "empty").exists()  # asking for a champion created no registry there


def test_a_period_without_leads_is_refused(history_file):
    result = run("channels", "--data", history_file, "--since", "2030-01-01")
    assert result.exit_code == 2 and "no leads between 2030-01-01 and the end" in text(result.output)


@pytest.mark.parametrize("command", ["backtest", "evidence", "channels"])
def test_a_crm_export_is_read_through_its_mapping_within_the_window(command, tmp_path):
    from leadgate.serving.export_reader import read_export
    from leadgate.training.crm_mappings import load_mapping
    from leadgate.training.exports import history_from_export

    mapped = history_from_export(read_export(SALESFORCE), load_mapping("salesforce")).history
    since = pd.Timestamp("2026-08-01", tz="UTC").timestamp()
    in_window = int((mapped.created >= since).sum())
    assert 0 < in_window < len(mapped.leads)
    out = tmp_path / f"{command}.json"
    result = run(
        command, "--data", SALESFORCE, "--mapping", "salesforce", "--since", "2026-08-01", "--out", out
    )
    assert result.exit_code == 0, result.output
    written = json.loads(out.read_text())
    leads = {
        "backtest": lambda: sum(row["current_leads"] for row in written["routes"]),
        "evidence": lambda: max(row["leads"] for row in written["signals"] if row["origin"] == "gate"),
        "channels": lambda: next(r for r in written["channels"] if r["channel"] == "total")["leads"],
    }[command]()
    assert leads == in_window
    in_window_sqls = int(mapped.sql[mapped.created >= since].sum())
    expected = (
        f"window 2026-08-01 to the end: {in_window:,} of {len(mapped.leads):,} leads, {in_window_sqls:,} SQLs"
    )
    assert expected in text(result.output)  # beside the export's outcome line, which counts every lead


def test_the_delimiter_reaches_the_export_reader():
    result = run("channels", "--data", SALESFORCE, "--mapping", "salesforce", "--delimiter", ";")
    assert result.exit_code == 2
    assert "(delimiter ';')" in text(result.output) and "Traceback" not in result.output


@pytest.mark.parametrize("command", ["backtest", "evidence", "channels"])
def test_an_export_without_a_mapping_asks_for_one(command):
    result = run(command, "--data", SALESFORCE)
    assert result.exit_code == 2
    out = text(result.output)
    assert "salesforce_leads_sample.csv: looks like a CRM export, not a JSON-lines history" in out
    assert "did you mean --mapping?" in out and "history must be" not in out


def test_an_export_saved_as_parquet_without_a_mapping_asks_for_one_too(tmp_path):
    from leadgate.serving.export_reader import read_export

    parquet = tmp_path / "export.parquet"
    pd.DataFrame(read_export(SALESFORCE)).to_parquet(parquet)
    result = run("evidence", "--data", parquet)
    assert result.exit_code == 2
    out = text(result.output)
    assert "export.parquet: looks like a CRM export, not a history of leads" in out
    assert "did you mean --mapping?" in out and "history rows are invalid" not in out


def _rendered(print_one, width: int) -> str:
    from io import StringIO

    from rich.console import Console

    out = StringIO()
    print_one(Console(file=out, width=width, color_system=None, legacy_windows=False))
    return out.getvalue()


def _words(output: str) -> list[str]:
    return re.sub(r"[│┃╭╮╰╯─━┏┓┗┛┡┩└┘┌┐╇┳┻╋┼├┤]", " ", output).split()


@pytest.fixture(scope="module")
def analysed(records, strict_policy):
    """Back-test, evidence and channel results on the small history, as the commands compute them."""
    from leadgate.decision.policy import load_policy
    from leadgate.training.channels import channel_quality
    from leadgate.training.evidence import evidence_table

    history = history_from_records(records)
    current, proposed = DecisionPipeline(load_policy(None)), DecisionPipeline(load_policy(strict_policy))
    return {
        "backtest": run_backtest(history, current, proposed),
        "evidence": evidence_table(history, load_policy(None)),
        "channels": channel_quality(history, current),
    }


@pytest.mark.parametrize("kind", ["backtest", "evidence", "channels"])
def test_tables_keep_every_value_whole_at_80_columns(analysed, kind):
    from leadgate.cli import render_analysis

    def print_one(console):
        if kind == "backtest":
            render_analysis.print_backtest(console, analysed[kind], 20)
        elif kind == "evidence":
            render_analysis.print_evidence(console, analysed[kind])
        else:
            render_analysis.print_channels(console, analysed[kind], 15)

    wide, narrow = _rendered(print_one, 400), _rendered(print_one, 80)
    assert max(map(len, narrow.splitlines())) <= 80
    assert not re.search(
        r"\S…", narrow
    )  # nothing shortened to an ellipsis ("… 88 more" is a line of its own)
    # Every word of every cell, as a terminal wide enough for all shows it, is there whole at 80 columns
    # (a long table is printed in parts that repeat the names, so words may appear more often, never less).
    missing = Counter(_words(wide)) - Counter(_words(narrow))
    assert not missing, missing


def test_backtest_names_which_policy_a_warning_is_about_and_says_it_once(
    history_file, strict_policy, tmp_path
):
    default = tmp_path / "default.yaml"
    default.write_text(default_policy_text())
    floor = "warning: employees_floor 200 is not below employees_target's low end 50"
    # Walk M: with two policies, a bare "policy warning" could be about either; the same file twice said it twice.
    result = run("backtest", "--data", history_file, "--policy", default, "--proposed-policy", strict_policy)
    assert result.exit_code == 0, result.output
    assert f"proposed policy {floor}" in text(result.stderr)
    result = run(
        "backtest", "--data", history_file, "--policy", strict_policy, "--proposed-policy", strict_policy
    )
    assert result.exit_code == 0, result.output
    said = text(result.stderr)
    assert said.count(floor) == 1 and f"policy {floor}" in said and "proposed policy" not in said


def test_backtest_and_channels_decide_with_the_champion_unless_told_gates_only(
    history_file, strict_policy, registered_settings, tmp_path
):
    # Walk AE: the README's back-test, without --model-alias, ran gates only (4,622 calls, every ungated lead
    # to verify) in a folder with a champion, which cuts them to 364: two policies compared on no model.
    settings, registered = registered_settings
    common = ["--data", history_file, "--data-dir", settings.data_dir]

    def written(command, *args):
        out = tmp_path / f"{command}{len(args)}.json"
        extra = ["--proposed-policy", strict_policy] if command == "backtest" else []
        result = run(command, *common, *extra, *args, "--out", out)
        assert result.exit_code == 0, result.output
        return json.loads(out.read_text()), text(result.output)

    for command in ("backtest", "channels"):
        default, said = written(command)
        champion, _ = written(command, "--model-alias", "champion")
        assert default == champion and "gates only" not in said, command
        gates, said = written(command, "--model-alias", "none")
        assert gates != champion
        assert "--model-alias none: gates only, every lead no gate holds goes to verify" in said, said
        if command == "backtest":
            assert default["current"].endswith(f"model leadgate/{registered.version}"), default["current"]
            assert gates["current"].endswith(", no model (gates only)") and "model no model" not in said


def test_without_a_registered_model_the_analyses_say_gates_only_and_create_no_registry(
    history_file, strict_policy, tmp_path, monkeypatch
):
    from leadgate.serving import model_loading

    def never(*args, **kwargs):  # importing MLflow to ask takes seconds, and asking would create a store
        raise AssertionError("a folder without a registry was asked for its champion")

    monkeypatch.setattr(model_loading, "registered_run", never)
    empty = tmp_path / "empty"
    for command, args in (("backtest", ["--proposed-policy", strict_policy]), ("channels", [])):
        result = run(command, "--data", history_file, "--data-dir", empty, *args)
        assert result.exit_code == 0, result.output
        assert f"no model registered in {empty}: gates only, every lead no gate holds goes to verify" in text(
            result.output
        )
        assert not empty.exists(), command
