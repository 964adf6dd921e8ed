"""Export shapes real CRMs produce, through `leadgate train` / `score` / `decide` as a data scientist runs them."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from leadgate.cli import app
from tests.cli.test_commands import CLEAN_ENV, text
from tests.training.export_shapes import (
    ADDITIVE_MAPPING,
    SHIFT_MAPPING,
    SHOP_MAPPING,
    additive_rows,
    shift_rows,
    shop_rows,
    write_csv,
)

ROOT_POLICY = Path(__file__).resolve().parents[2] / "decision" / "default_policy.yaml"


def run(*args):
    """The CLI in a clean environment and a terminal wide enough that table rows stay on one line."""
    return CliRunner().invoke(app, [str(a) for a in args], env={**CLEAN_ENV, "COLUMNS": "220"})


def train(data, mapping, data_dir, *more):
    """`leadgate train` on an export through a mapping into a data folder, as `run` runs it."""
    return run("train", "--data", data, "--mapping", mapping, "--data-dir", data_dir, *more)


# Every test here runs without developer settings, in a scratch folder (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("isolated")


def score(source, mapping, output, data_dir):
    """`leadgate score` of an export through its mapping into `output`."""
    return run("score", "--input", source, "--mapping", mapping, "--output", output, "--data-dir", data_dir)


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    """The shop export trained once: (folder, train output)."""
    folder = tmp_path_factory.mktemp("shop")
    write_csv(folder / "shop.csv", shop_rows())
    (folder / "shop.yaml").write_text(SHOP_MAPPING)
    result = train(folder / "shop.csv", folder / "shop.yaml", folder / "data")
    assert result.exit_code == 0, result.output
    return folder, text(result.output)


def test_a_semicolon_export_without_ids_or_dates_trains_on_its_own_columns(shop):
    _, out = shop
    assert "Held-out comparison (random split, " in out
    assert "random, stratified by outcome (seed 0)" in out
    assert (
        "7 columns through the mapping: Land, Segment, Produktlinie, Landingpage +3 more; 6 as custom fields"
    ) in out
    # Each baseline names what it learned from (the first few here), and the line below what it left out, why.
    assert "7 columns: Segment, Produktlinie, Landingpage, Budget freigegeben +3 more; 2 left out" in out
    assert (
        "columns the baselines left out: Ergebnis (the mapping's label); Betreuer (after_contact: known only "
        "after sales contact)"
    ) in out
    rows = {
        name: [float(x) for x in out.split(name, 1)[1].split()[:12] if x.replace(".", "").isdigit()][-2:]
        for name in ("leadgate (gates + model)", "points scorecard")
    }
    # The outcome depends only on the shop's own columns: leadgate learns them, the fixed scorecard cannot.
    assert rows["leadgate (gates + model)"][0] > rows["points scorecard"][0] + 0.15
    assert "beats leadgate" not in out
    # The chosen model in words, with what validation compared it with.
    assert re.search(
        r"model: \d+ trees? of \d+ leaves; validation ROC-AUC 0\.\d{3}, against 0\.\d{3} boosted from a linear "
        r"start \(not kept: not more than 0\.002 better",
        out,
    )


def test_an_additive_export_says_its_model_was_boosted_from_a_linear_start(tmp_path):
    write_csv(tmp_path / "additive.csv", additive_rows(), delimiter=",", encoding="utf-8")
    (tmp_path / "additive.yaml").write_text(ADDITIVE_MAPPING)
    result = train(tmp_path / "additive.csv", tmp_path / "additive.yaml", tmp_path / "d")
    assert result.exit_code == 0, result.output
    out = text(result.output)
    assert re.search(
        r"boosted from a linear start .*; validation ROC-AUC (0\.\d{3}) against (0\.\d{3}) for plain trees",
        out,
    )
    ahead, behind = map(float, re.search(r"validation ROC-AUC (0\.\d{3}) against (0\.\d{3})", out).groups())
    assert ahead > behind


def test_the_trained_shop_model_scores_the_export_and_refuses_unknown_custom_fields(shop, tmp_path):
    folder, _ = shop
    out = tmp_path / "decisions.jsonl"
    result = score(folder / "shop.csv", folder / "shop.yaml", out, folder / "data")
    assert result.exit_code == 0, result.output
    decisions = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(decisions) == 3000 and all(d["error"] is None for d in decisions)
    families = {r["family"] for d in decisions for r in d["negative_reasons"] + d["positive_reasons"]}
    assert {"custom_segment", "custom_budget"} <= families
    texts = {r["text"] for d in decisions for r in d["negative_reasons"] + d["positive_reasons"]}
    assert {"Budget allocated: yes", "Budget allocated: no"} & texts
    lead = {
        "lead_id": "x",
        "created_at": "2026-11-01T00:00:00Z",
        "custom": {"segment": "konzern", "colour": "red"},
    }
    (tmp_path / "lead.json").write_text(json.dumps(lead))
    refused = run("decide", tmp_path / "lead.json", "--data-dir", folder / "data")
    assert refused.exit_code != 0
    assert "custom.colour: not a custom field of the serving model" in text(refused.output)
    lead["custom"] = {"segment": "konzern", "budget": True, "calls": 5}
    (tmp_path / "lead.json").write_text(json.dumps(lead))
    decided = run("decide", tmp_path / "lead.json", "--data-dir", folder / "data", "--json")
    assert decided.exit_code == 0, decided.output
    assert json.loads(decided.stdout)["p_sql"] > 0.5
    # Walk V F8: a lead without custom fields every training lead had is warned of, as the API and `score` do.
    assert "every training lead had (product_line 1, landing_page 1, budget_eur 1)" in text(decided.stderr)
    lead["custom"] = {"segment": "konzern"}
    (tmp_path / "lead.json").write_text(json.dumps(lead))
    sparse = run("decide", tmp_path / "lead.json", "--data-dir", folder / "data", "--json")
    assert sparse.exit_code == 0, sparse.output
    json.loads(sparse.stdout)  # the record alone on stdout
    assert "leads without custom fields every training lead had (" in text(sparse.stderr)
    assert "budget 1" in text(sparse.stderr) and "calls 1" in text(sparse.stderr)


def test_a_mapping_that_leaves_the_strongest_columns_out_loses_to_the_baselines_on_screen(tmp_path):
    write_csv(tmp_path / "shop.csv", shop_rows())
    thin = SHOP_MAPPING.replace(
        "  budget: {column: Budget freigegeben, type: flag, label: Budget allocated, true_values: [ja]}\n", ""
    )
    thin = thin.replace("  segment: {column: Segment}\n", "").replace(
        "  calls: {column: Anrufe, type: integer, label: Calls this campaign}\n", ""
    )
    (tmp_path / "thin.yaml").write_text(thin)
    result = train(tmp_path / "shop.csv", tmp_path / "thin.yaml", tmp_path / "d")
    assert result.exit_code == 0, result.output
    out = text(result.output)
    assert "logistic regression, only the columns leadgate reads" in out
    assert "beats leadgate by" in out and "map those known when a lead arrives as custom fields" in out


def _train_on_a_shift(tmp_path) -> tuple:
    """`train`'s arguments on the regime-shift export, written to tmp_path (data folder tmp_path/data)."""
    write_csv(tmp_path / "shift.csv", shift_rows(), delimiter=",", encoding="utf-8")
    (tmp_path / "shift.yaml").write_text(SHIFT_MAPPING)
    return (
        "train",
        "--data",
        tmp_path / "shift.csv",
        "--mapping",
        tmp_path / "shift.yaml",
        "--data-dir",
        tmp_path / "data",
    )


def test_a_regime_shift_stops_training_with_one_line_and_registers_nothing(tmp_path):
    data_dir = tmp_path / "data"
    result = run(*_train_on_a_shift(tmp_path))
    assert result.exit_code == 2
    out = text(result.output)
    assert "training stopped:" in out and "regime shift" in out
    # The way out is the newer period, named as a flag; --split random is named only as no way out.
    assert "Train on the newer period only: --since 2025-07-30 keeps the 720 leads" in out
    assert "--split random is no way out" in out and "Try --split random" not in out
    assert "Traceback" not in result.output
    assert not data_dir.exists()  # nothing logged, nothing half-registered
    again = run(
        "train",
        "--data",
        tmp_path / "shift.csv",
        "--mapping",
        tmp_path / "shift.yaml",
        "--data-dir",
        data_dir,
        "--split",
        "random",
    )
    # Mixed periods cancel out, so the model is weak; it trains, and the output says how the split was made,
    # and that on the newest leads it ranks backwards, with the flag that trains on them alone.
    assert again.exit_code == 0, again.output
    out = text(again.output)
    assert "a shift over time would go unseen" in out
    warned = re.search(
        r"warning: this model ranks the newest leads backwards: ROC-AUC (0\.\d+) \(95% interval [\d.]+–([\d.]+)\) "
        r"on the \d+ test leads \(\d+ SQLs\) among the newest 30% of the history",
        out,
    )
    assert warned and float(warned[2]) < 0.5, out
    assert "Train again on the newer period only: --since 2025-07-30 keeps the 720 leads" in out
    from mlflow import MlflowClient

    client = MlflowClient(tracking_uri=f"sqlite:///{data_dir / 'mlflow.db'}")
    (run_,) = client.search_runs([e.experiment_id for e in client.search_experiments()])
    assert run_.data.metrics["test.newest.roc_auc"] == pytest.approx(float(warned[1]), abs=5e-4)
    assert "ranks the newest leads backwards" in run_.data.tags["mlflow.note.content"]
    # The report mailed on from this run says it too: its random test part hides the same shift.
    page = tmp_path / "report.html"
    reported = run("report", "--data-dir", data_dir, "--out", page)
    assert reported.exit_code == 0, reported.output
    said = " ".join(page.read_text().split())
    assert f"Warning: this model ranks the newest leads backwards: ROC-AUC {warned[1]}" in said
    assert "Train again on the newer period only: --since 2025-07-30 keeps the 720 leads" in said


def test_train_since_keeps_the_newer_period_logs_it_and_refuses_what_it_cannot_read(tmp_path):
    data_dir = tmp_path / "data"
    args = _train_on_a_shift(tmp_path)
    bad = run(*args, "--since", "2025-13-01")
    assert (
        bad.exit_code == 2
        and "--since: expected YYYY-MM-DD or an ISO-8601 time, got '2025-13-01'" in bad.output
    )
    assert not data_dir.exists()
    empty = run(*args, "--since", "2027-01-01")
    assert empty.exit_code == 2 and "no leads between 2027-01-01 and the end" in text(empty.output)
    few = run(*args, "--since", "2025-10-20")
    assert few.exit_code == 2 and "training stopped: too few leads" in text(few.output)
    # Under a window the first way out is a wider one, with what it keeps now.
    assert "widen the --since/--until window (it keeps " in text(few.output)
    assert "of the 2,400 leads read), or bring more history" in text(few.output)
    result = run(*args, "--since", "2025-07-30")
    assert result.exit_code == 0, result.output
    out = text(result.output)
    assert "window 2025-07-30 to the end (--since/--until): 720 of 2,400 leads" in out
    assert "regime shift" not in out and "ranks the newest leads backwards" not in out
    from mlflow import MlflowClient

    client = MlflowClient(tracking_uri=f"sqlite:///{data_dir / 'mlflow.db'}")
    (run_,) = client.search_runs([e.experiment_id for e in client.search_experiments()])
    params = run_.data.params
    assert (params["data.since"], params["data.until"], params["data.leads"]) == ("2025-07-30", "", "720")
    assert params["data.leads_read"] == "2400"
    assert params["data.window_zone"] == "UTC"  # what `report` reads the window back in
    # The report splits that same window, so its test part is the one the model never saw.
    report = run("report", "--data-dir", data_dir, "--out", tmp_path / "r.html")
    assert report.exit_code == 0, report.output
    assert "window 2025-07-30 to the end: 720 of 2,400 leads, the window the model was trained on" in text(
        report.output
    )
    # So does a back-test without --data (walk Y: it looked for history.jsonl.gz instead).
    backtest = run("backtest", "--data-dir", data_dir, "--model-alias", "champion")
    assert backtest.exit_code == 0, backtest.output
    said = text(backtest.output)
    assert (
        f"data: {tmp_path / 'shift.csv'} through the mapping {tmp_path / 'shift.yaml'}, the export " in said
    )
    assert "window 2025-07-30 to the end: 720 of 2,400 leads, the window the model was trained on" in said
    # An export in row order has no dates to choose a window by: one line, before any training.
    (tmp_path / "rows.yaml").write_text(
        SHIFT_MAPPING.replace("created_at: {column: Created, type: datetime}\n", "")
    )
    rows = run(
        *args[:3],
        "--mapping",
        tmp_path / "rows.yaml",
        "--data-dir",
        tmp_path / "rows",
        "--since",
        "2025-07-30",
    )
    assert rows.exit_code == 2
    assert "has no dates (its leads are in row order): --since and --until cannot choose a window" in text(
        rows.output
    )


def test_empty_routes_show_a_dash_not_nan(shop):
    _, out = shop
    assert "nan%" not in out
    # No held-out lead reached verify (its band is empty here) or silent_reject: a dash, not a blank.
    assert "verify 0 0 —" in out
    assert "silent_reject 0 0 —" in out


def test_scored_export_has_one_row_per_input_row_in_parquet(shop, tmp_path):
    folder, _ = shop
    out = tmp_path / "d.parquet"
    result = score(folder / "shop.csv", folder / "shop.yaml", out, folder / "data")
    assert result.exit_code == 0, result.output
    assert len(pd.read_parquet(out)) == 3000


def test_a_shift_only_the_newest_leads_show_stops_training_too(tmp_path):
    write_csv(tmp_path / "late.csv", shift_rows(switch=0.87), delimiter=",", encoding="utf-8")
    (tmp_path / "shift.yaml").write_text(SHIFT_MAPPING)
    data_dir = tmp_path / "data"
    result = run(
        "train", "--data", tmp_path / "late.csv", "--mapping", tmp_path / "shift.yaml", "--data-dir", data_dir
    )
    assert result.exit_code == 2, result.output
    out = text(result.output)
    assert "on the newest leads the model ranks leads backwards" in out and "Nothing was registered" in out
    assert "Train on the newer period only: --since 2025-09-13 keeps the 360 leads" in out
    assert not (data_dir / "mlflow.db").exists()


def test_new_leads_without_outcome_columns_are_scored_through_the_training_mapping(shop, tmp_path):
    folder, _ = shop
    rows = [
        {k: v for k, v in row.items() if k not in ("Ergebnis", "Betreuer")} for row in shop_rows(50, seed=9)
    ]
    rows[3]["Anrufe"] = "viele"  # one bad row: its error, the others decided
    write_csv(tmp_path / "new.csv", rows)
    out = tmp_path / "new.parquet"
    result = score(tmp_path / "new.csv", folder / "shop.yaml", out, folder / "data")
    assert result.exit_code == 0, result.output
    decided = pd.read_parquet(out)
    assert len(decided) == 50 and decided["error"].notna().sum() == 1
    assert "Anrufe" in decided.loc[3, "error"] and decided["route"].notna().sum() == 49
    # No id column: every lead is its row, the one in error too.
    assert decided["lead_id"].tolist() == [f"row-{n}" for n in range(2, 52)]


def test_a_batch_of_only_bad_rows_keeps_every_output_column(shop, tmp_path):
    folder, _ = shop
    rows = [{k: v for k, v in row.items() if k != "Ergebnis"} | {"Anrufe": "?"} for row in shop_rows(5)]
    write_csv(tmp_path / "bad.csv", rows)
    out = tmp_path / "bad.parquet"
    result = score(tmp_path / "bad.csv", folder / "shop.yaml", out, folder / "data")
    assert result.exit_code == 1, result.output  # every row failed: the batch failed, its rows are written
    assert "5 of 5 rows failed" in text(result.output)
    decided = pd.read_parquet(out)
    assert {"route", "p_sql", "negative_reasons", "error", "row"} <= set(decided.columns)
    assert decided["error"].notna().all() and decided["route"].isna().all()


def test_a_column_filled_in_after_contact_is_named_in_training_and_in_the_report(tmp_path):
    write_csv(tmp_path / "shop.csv", shop_rows())
    # The sales owner, set only once a lead converted, mapped as if it were known when the lead arrives.
    leaky = SHOP_MAPPING.replace("after_contact: [Betreuer]\n", "").replace(
        "custom:\n", "custom:\n  owner: {column: Betreuer, label: Owner}\n"
    )
    (tmp_path / "leaky.yaml").write_text(leaky)
    data = (
        "--data",
        tmp_path / "shop.csv",
        "--mapping",
        tmp_path / "leaky.yaml",
        "--data-dir",
        tmp_path / "d",
    )
    result = run("train", *data)
    assert result.exit_code == 0, result.output
    out = text(result.output)
    assert "almost surely a column filled in only after contact" in out
    assert "Betreuer (ROC-AUC 1.000 by itself; leadgate's model reads it)" in out
    assert "list such columns under after_contact" in out
    # Registered for inspection, but under no alias: nothing serves or shadows a model that learned a leak.
    assert "registered leadgate/1, run" in out and "leadgate/1 has no alias, so nothing serves" in out
    scored = run(
        "score",
        "--input",
        tmp_path / "shop.csv",
        "--mapping",
        tmp_path / "leaky.yaml",
        "--output",
        tmp_path / "o.jsonl",
        "--data-dir",
        tmp_path / "d",
    )
    assert scored.exit_code != 0 and "with alias 'champion'" in text(scored.output)
    report = run("report", *data, "--version", "1", "--out", tmp_path / "r.html")
    assert report.exit_code == 0, report.output
    page = (tmp_path / "r.html").read_text()
    assert (
        "class=warn" in page and "Betreuer (ROC-AUC 1.000 by itself; leadgate&#x27;s model reads it)" in page
    )


def test_a_leak_only_the_baselines_read_is_told_as_theirs_and_the_model_keeps_its_alias(tmp_path):
    write_csv(tmp_path / "shop.csv", shop_rows())
    # The sales owner, set only once a lead converted, neither mapped nor listed under after_contact:
    # only the baselines (every export column) learn from it, leadgate's model never sees it.
    (tmp_path / "open.yaml").write_text(SHOP_MAPPING.replace("after_contact: [Betreuer]\n", ""))
    result = train(tmp_path / "shop.csv", tmp_path / "open.yaml", tmp_path / "d")
    assert result.exit_code == 0, result.output
    out = text(result.output)
    assert (
        "column Betreuer alone orders the test leads at ROC-AUC 1.000; leadgate's model does not read it, the "
        "baselines did: if it is known only after contact, add it to after_contact so the baselines leave it out"
    ) in out
    assert "registered leadgate/1 (alias: champion)" in out and "has no alias" not in out


def test_the_run_and_the_report_name_every_column_each_scorer_saw_and_each_left_out(shop, tmp_path):
    folder, _ = shop
    (found,) = (folder / "data").glob("mlartifacts/*/artifacts/evaluation.json")
    evaluation = json.loads(found.read_text())
    names = {row["key"]: row.get("column_names") for row in evaluation["comparison"]}
    every = ["Segment", "Produktlinie", "Landingpage", "Budget freigegeben", "Anrufe", "Budget", "Land"]
    assert names["raw_lightgbm"] == names["logistic"] == every  # in the export's order
    assert sorted(names["system"]) == sorted(every) and names["scorecard"] is None
    assert evaluation["left_out"] == {
        "Ergebnis": "the mapping's label",
        "Betreuer": "after_contact: known only after sales contact",
    }
    # No column the mapping reads orders the leads suspiciously well by itself (Betreuer is after_contact).
    assert evaluation["suspect_columns"] == []
    data = ("--data", folder / "shop.csv", "--mapping", folder / "shop.yaml", "--data-dir", folder / "data")
    report = run("report", *data, "--version", "1", "--out", tmp_path / "r.html")
    assert report.exit_code == 0, report.output
    page = (tmp_path / "r.html").read_text()
    assert f"7 columns: {', '.join(every)}; 2 left out" in page
    assert (
        "Columns the baselines left out: Ergebnis (the mapping&#x27;s label); Betreuer (after_contact: known "
        "only after sales contact)."
    ) in page


def test_numbers_that_read_either_way_read_with_the_mark_training_read_them_with(shop, tmp_path):
    folder, _ = shop
    # New leads whose budgets are all whole thousands ("1.500": 1500 or 1.5?), scored through the mapping
    # without its `decimal` line: training read Budget with ',' so the model settles it.
    rows = shop_rows(40, seed=5)
    for row in rows:
        row["Budget"] = "1.500"
    write_csv(tmp_path / "new.csv", rows)
    (tmp_path / "undeclared.yaml").write_text(SHOP_MAPPING.replace('decimal: ","\n', ""))
    out = tmp_path / "decisions.jsonl"
    result = score(tmp_path / "new.csv", tmp_path / "undeclared.yaml", out, folder / "data")
    assert result.exit_code == 0, result.output
    decisions = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(decisions) == 40 and all(d["error"] is None for d in decisions)
    import leadgate

    scorer = leadgate.load(data_dir=folder / "data")
    assert scorer.loaded.model.metadata["decimal_marks"]["Budget"] == ","
    frame = scorer.explain(rows[0], mapping=str(tmp_path / "undeclared.yaml"))
    assert frame.set_index("feature").loc["custom_budget_eur", "value"] == 1500.0


LEAD_PATH_CSV = (
    "lead_id,created_at,custom.segment,custom.budget,custom.calls,custom.budget_eur\n"
    "q1,2026-11-01T10:00:00Z,konzern,Ja,3,1200.5\n"
    "q2,2026-11-01T10:00:00Z,privat,false,0,\n"
    "q3,2026-11-01T10:00:00Z,privat,true,three,\n"
)


def test_custom_columns_of_a_lead_path_csv_are_read_as_the_model_declares_them(shop, tmp_path):
    folder, _ = shop
    (tmp_path / "cust.csv").write_text(LEAD_PATH_CSV)
    out = tmp_path / "cust.jsonl"
    result = run("score", "--input", tmp_path / "cust.csv", "--output", out, "--data-dir", folder / "data")
    assert result.exit_code == 1, result.output  # one of three rows failed: over the default 10%
    decided = [json.loads(line) for line in out.read_text().splitlines()]
    assert [d["error"] for d in decided[:2]] == [None, None]
    assert decided[2]["error"] == "row 4: custom.calls: 'three' is not a whole number"
    assert decided[0]["p_sql"] > decided[1]["p_sql"]
    # The same file read by pandas decides the same, in the notebook's API.
    import leadgate

    frame = leadgate.load(data_dir=folder / "data").decide(pd.read_csv(tmp_path / "cust.csv"))
    assert frame["p_sql"].iloc[:2].tolist() == [d["p_sql"] for d in decided[:2]]
    assert frame["error"].iloc[2] == decided[2]["error"] and frame["row"].tolist() == [2, 3, 4]


def test_a_backtest_of_an_export_without_dates_names_no_period_and_refuses_a_window(shop):
    folder, _ = shop
    data = ["--data", folder / "shop.csv", "--mapping", folder / "shop.yaml", "--data-dir", folder / "data"]
    result = run("backtest", *data, "--model-alias", "champion", "--proposed-policy", ROOT_POLICY)
    assert result.exit_code == 0, result.output
    out = text(result.output)
    assert "historical leads (the export has no dates: in row order)" in out and "2000-01-01" not in out
    assert "this export has no dates, so no window of newer leads can be chosen" in out
    windowed = run("backtest", *data, "--since", "2020-01-01", "--proposed-policy", ROOT_POLICY)
    assert windowed.exit_code == 2
    assert "has no dates (its leads are in row order): --since and --until cannot choose a window" in text(
        windowed.output
    )
    # The model hides some gates-only leads: listed without the row order's stand-in date (2000-01-01).
    listed = run("backtest", *data, "--model-alias", "none", "--proposed-model-alias", "champion")
    assert listed.exit_code == 0, listed.output
    rows = re.findall(r"^ *(row-\d+) +(\S+) ", listed.output, flags=re.MULTILINE)
    assert rows and {created for _, created in rows} == {"—"}, listed.output
    assert "2000-01-01" not in listed.output


@pytest.mark.parametrize("command", ["backtest", "evidence", "channels"])
def test_without_data_the_analyses_read_the_export_the_champion_was_trained_on(shop, command):
    """Walk Y: `backtest`, `evidence` and `channels` without --data looked for history.jsonl.gz, while `report`
    found the export and mapping the model was trained on by itself."""
    folder, _ = shop
    result = run(command, "--data-dir", folder / "data")
    assert result.exit_code == 0, result.output
    said = text(result.output)
    assert (
        f"data: {folder / 'shop.csv'} through the mapping {folder / 'shop.yaml'}, the export leadgate/1 was "
        "trained on" in said
    )
    assert "history.jsonl.gz" not in said


def test_a_model_trained_on_euro_amounts_refuses_a_new_leads_amount_in_dollars(tmp_path):
    # Walk F6b: a '$' cell was read as the same unit as training's '€' cells, silently.
    import leadgate

    rows = shop_rows(1500)
    for row in rows:
        row["Budget"] = f"€ {row['Budget']}"
    write_csv(tmp_path / "shop.csv", rows)
    (tmp_path / "shop.yaml").write_text(SHOP_MAPPING)
    trained = train(tmp_path / "shop.csv", tmp_path / "shop.yaml", tmp_path / "d")
    assert trained.exit_code == 0, trained.output
    new = [
        {k: v for k, v in row.items() if k not in ("Ergebnis", "Betreuer")} for row in shop_rows(12, seed=9)
    ]
    new[1]["Budget"], new[2]["Budget"], new[3]["Budget"] = "$ 1.500,00", "EUR 1.500,00", "1.500,00"
    write_csv(tmp_path / "new.csv", new)
    result = score(tmp_path / "new.csv", tmp_path / "shop.yaml", tmp_path / "new.parquet", tmp_path / "d")
    assert result.exit_code == 0, result.output
    decided = pd.read_parquet(tmp_path / "new.parquet")
    assert decided["error"].tolist()[1] == (
        "row 3: Budget: '$ 1.500,00' is an amount in $, but the model was trained on this column's amounts in "
        "EUR: write it in EUR, as training's cells were (a model reads a column as one currency)"
    )
    assert decided["error"].isna().tolist() == [True, False] + [True] * 10  # 'EUR' and unmarked cells read
    # The Python API reads the same cell the same way.
    api = leadgate.load(data_dir=tmp_path / "d").decide(
        pd.DataFrame(new), mapping=str(tmp_path / "shop.yaml")
    )
    assert api["error"].tolist()[1].startswith("row 3: Budget: '$ 1.500,00' is an amount in $, but the model")
    # A lead-path table (no mapping) too.
    paths = pd.DataFrame(
        {
            "lead_id": ["p-1", "p-2"],
            "created_at": ["2026-11-02T09:00:00Z"] * 2,
            "custom.budget_eur": ["$ 1,500.00", "€ 1,500.00"],
        }
    )
    by_path = leadgate.load(data_dir=tmp_path / "d").decide(paths)
    assert by_path["error"].tolist()[0].startswith("row 2: custom.budget_eur: '$ 1,500.00' is an amount in $")
    assert by_path["error"].isna().tolist() == [False, True]


def test_an_export_writing_midnight_as_the_date_alone_trains_through_its_date_format(tmp_path):
    # Walk W: Excel's General format wrote 2 in 5 creation dates without their time ('06/12/2025' beside
    # '06/12/2025 14:30'); neither '%d/%m/%Y %H:%M' nor '%d/%m/%Y' read the whole column.
    rows = []
    for row in shift_rows(switch=1.0):  # no regime shift: the dates are the point
        created = datetime.fromisoformat(row["Created"])
        written = created.strftime("%d/%m/%Y") if created.hour == 0 else created.strftime("%d/%m/%Y %H:%M")
        rows.append({**row, "Created": written})
    assert sum(len(row["Created"]) == 10 for row in rows) == 300
    write_csv(tmp_path / "dates.csv", rows, delimiter=",", encoding="utf-8")
    mapping = SHIFT_MAPPING.replace("type: datetime}", 'type: datetime, date_format: "%d/%m/%Y %H:%M"}')
    (tmp_path / "dates.yaml").write_text(mapping)
    result = train(tmp_path / "dates.csv", tmp_path / "dates.yaml", tmp_path / "data")
    assert result.exit_code == 0, result.output
    out = text(result.output)
    assert "2,400 leads" in out and "does not match date_format" not in out
    # Scoring through the same mapping reads both shapes too, the date alone as midnight.
    fresh = [{k: v for k, v in row.items() if k != "Converted"} for row in rows[-16:]]
    write_csv(tmp_path / "new.csv", fresh, delimiter=",", encoding="utf-8")
    scored = score(tmp_path / "new.csv", tmp_path / "dates.yaml", tmp_path / "new.parquet", tmp_path / "data")
    assert scored.exit_code == 0, scored.output
    decided = pd.read_parquet(tmp_path / "new.parquet")
    assert len(decided) == 16 and decided["error"].isna().all() and decided["route"].notna().all()


# A Salesforce multi-currency org: each amount in its record's currency, written as its owner's locale writes it.
MULTI_CURRENCY_MAPPING = SHOP_MAPPING.replace('decimal: ","\n', "").replace(
    "fields:\n",
    "fields:\n  company.annual_revenue: {column: Annual Revenue, type: number, usd_per_unit: {EUR: 1.08, USD: 1}}\n",
)


def _revenue_cell(usd: float, euro: bool) -> str:
    """'$2,500,000' for an amount kept in dollars, '€1.250.000' for one kept in euros."""
    return "€" + f"{usd / 1.08:,.0f}".replace(",", ".") if euro else f"${usd:,.0f}"


def test_an_export_of_amounts_in_dollars_and_euros_trains_and_scores_in_usd(tmp_path):
    import leadgate

    rng = np.random.default_rng(3)
    rows = shop_rows(1500)
    for row in rows:
        usd = 5e5 * rng.lognormal(0.8 if row["Ergebnis"] == "Yes" else 0.0, 1.0)  # a signal, no giveaway
        row["Annual Revenue"] = _revenue_cell(usd, rng.random() < 0.5)
    write_csv(tmp_path / "sf.csv", rows)
    (tmp_path / "sf.yaml").write_text(MULTI_CURRENCY_MAPPING)
    trained = train(tmp_path / "sf.csv", tmp_path / "sf.yaml", tmp_path / "d")
    assert trained.exit_code == 0, trained.output
    assert "leak" not in text(trained.output)
    model = leadgate.load(data_dir=tmp_path / "d").loaded.model
    assert model.metadata["decimal_marks_by_currency"] == {"Annual Revenue": {"EUR": ",", "USD": "."}}
    assert (
        "Annual Revenue" not in model.metadata["decimal_marks"]
    )  # one mark a column there, as models before

    new = [
        {k: v for k, v in row.items() if k not in ("Ergebnis", "Betreuer")} for row in shop_rows(6, seed=9)
    ]
    # Cells that read either way as one column ('$2,500': 2500 or 2.5?): each currency by training's mark.
    cells = ["$2,500", "€1.250", "$2,500,000", "€1.250.000", "CHF 5.000", "2.500.000"]
    for row, cell in zip(new, cells, strict=True):
        row["Annual Revenue"] = cell
    write_csv(tmp_path / "new.csv", new)
    out = tmp_path / "new.jsonl"
    result = run(
        *("score", "--input", tmp_path / "new.csv", "--mapping", tmp_path / "sf.yaml", "--output", out),
        *("--data-dir", tmp_path / "d", "--max-error-rate", "0.5"),  # two of six cells are errors, on purpose
    )
    assert result.exit_code == 0, result.output
    decided = [json.loads(line) for line in out.read_text().splitlines()]
    assert [d["error"] for d in decided[:4]] == [None] * 4
    assert decided[4]["error"] == (
        "row 6: Annual Revenue: 'CHF 5.000' is an amount in CHF, but the column converts EUR and USD "
        "(`usd_per_unit`): add CHF's rate or correct the cell"
    )
    assert decided[5]["error"].startswith("row 7: Annual Revenue: '2.500.000' has no currency mark")
    reasons = [r["text"] for d in decided[:4] for r in d["positive_reasons"] + d["negative_reasons"]]
    said = sorted(r for r in reasons if r.startswith("Annual revenue"))
    assert said and set(said) <= {
        "Annual revenue USD 2,500",
        "Annual revenue USD 1,350",
        "Annual revenue USD 2,500,000",
        "Annual revenue USD 1,350,000",
    }, reasons
    # The Python API reads the cells as `score` does.
    frame = leadgate.load(data_dir=tmp_path / "d").explain(new[1], mapping=str(tmp_path / "sf.yaml"))
    assert frame.set_index("feature").loc["log10_revenue", "value"] == pytest.approx(
        np.log10(1350 + 1)
    )  # log10(1 + USD)


def test_an_excel_workbook_of_the_export_scores_as_its_csv_does(shop, tmp_path):
    """Salesforce's and HubSpot's export dialogs offer .xlsx first: typed cells (a budget as a number, not
    '1234,56') read as the CSV training read them."""
    import openpyxl

    folder, _ = shop
    rows = [
        {k: v for k, v in row.items() if k not in ("Ergebnis", "Betreuer")} for row in shop_rows(60, seed=4)
    ]
    write_csv(tmp_path / "new.csv", rows)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(rows[0]))
    for row in rows:
        typed = {**row, "Anrufe": int(row["Anrufe"]), "Budget": float(row["Budget"].replace(",", "."))}
        sheet.append(list(typed.values()))
    book.save(tmp_path / "new.xlsx")
    decided = {}
    for kind in ("csv", "xlsx"):
        result = score(
            tmp_path / f"new.{kind}", folder / "shop.yaml", tmp_path / f"{kind}.parquet", folder / "data"
        )
        assert result.exit_code == 0, result.output
        decided[kind] = pd.read_parquet(tmp_path / f"{kind}.parquet")
    assert decided["xlsx"]["error"].isna().all() and len(decided["xlsx"]) == 60
    columns = ["lead_id", "route", "p_sql", "gates", "negative_reasons", "positive_reasons"]
    pd.testing.assert_frame_equal(decided["xlsx"][columns], decided["csv"][columns])
