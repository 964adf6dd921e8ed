"""Lifecycle commands on a live store: outcomes import, train --from-store, monitor."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from leadgate.cli import app
from tests.conftest import ENV_NAMES
from tests.training.lifecycle_world import go_live, new_leads

runner = CliRunner()
ENV = dict.fromkeys(ENV_NAMES)  # unset for each run: the developer's settings stay out


def _registry(data_dir, trained, policy):
    """Settings of a new data folder whose registry holds the session's model as champion."""
    from leadgate.settings import Settings
    from leadgate.training.registry import log_training

    settings = Settings(data_dir=data_dir, mlflow_tracking_uri=None, database_url=None)
    log_training(trained, policy, settings, {"path": "test", "leads": 1})
    return settings


@pytest.fixture(scope="module")
def registry(tmp_path_factory, trained, policy):
    """The module's registry, logged once (seconds of MLflow work) and only read by the tests that share it."""
    return _registry(tmp_path_factory.mktemp("live"), trained, policy)


@pytest.fixture(scope="module")
def records(policy):
    """800 leads of the month after training, outcomes included; no test changes them."""
    return new_leads(policy, n=800, seed=31)


@pytest.fixture
def live(registry, records, store_url):
    """A fresh store on SQLite and on PostgreSQL of the 800 leads the registry's champion decided."""
    settings = registry.model_copy(update={"database_url": store_url})
    go_live(settings, records)
    return settings, records


def run(settings, *args):
    """The command on the settings' data folder and store, without the developer's settings."""
    env = {**ENV, "DATABASE_URL": settings.database_url}
    return runner.invoke(app, [*map(str, args), "--data-dir", str(settings.data_dir)], env=env)


def _csv(path, records, broken: bool = False):
    lines = ["lead_id,sql,won,rejection_reason"]
    for r in records:
        o = r["outcome"]
        reason = "" if o["sql"] else (o.get("rejection_reason") or "")
        lines.append(f"{r['lead_id']},{str(o['sql']).lower()},{str(o.get('won', False)).lower()},{reason}")
    if broken:
        lines.append("x-1,maybe,false,")
    path.write_text("\n".join(lines) + "\n")
    return path


def test_an_invalid_outcome_row_stops_the_import_before_anything_is_written(live, tmp_path):
    from leadgate.serving.lifecycle_store import leads_with_outcomes
    from leadgate.serving.store import make_engine

    settings, records = live
    result = run(settings, "outcomes", "import", _csv(tmp_path / "o.csv", records[:10], broken=True))
    assert result.exit_code == 2
    # The 11th outcome is line 12 of the file, as `score` and a spreadsheet count it (header = row 1).
    assert "row 12:" in result.output and "nothing written" in result.output
    engine = make_engine(settings.decisions_url())
    assert leads_with_outcomes(engine) == []
    engine.dispose()


@pytest.mark.parametrize(
    ("name", "content", "where"),
    [
        ("o.csv", "lead_id,sql\na-1,true\na-2,maybe\n", "row 3: sql"),
        ("o.jsonl", '{"lead_id": "a-1", "sql": true}\n\n{"lead_id": "a-2", "sql": "maybe"}\n', "row 3: sql"),
        ("o.json", '[{"lead_id": "a-1", "sql": true}, {"lead_id": "a-2", "sql": "maybe"}]', "row 2: sql"),
        ("b.jsonl", '{"lead_id": "a-1", "sql": true}\n{"lead_id": \n', "row 2 is not valid JSON"),
        # An outcome's time follows a lead's time rules: a typo dated 2099 would exempt it from retention.
        ("f.csv", "lead_id,sql,at\na-1,true,2026-11-20\na-2,false,2099-01-01T00:00:00Z\n", "row 3: at"),
        ("z.csv", "lead_id,sql,at\na-1,true,0001-01-01T00:00:00Z\n", "before 1990-01-01"),
    ],
)
def test_outcome_rows_are_numbered_as_score_numbers_them(tmp_path, name, content, where):
    (tmp_path / name).write_text(content)
    result = runner.invoke(
        app, ["outcomes", "import", str(tmp_path / name), "--data-dir", str(tmp_path)], env=ENV
    )
    assert result.exit_code == 2 and where in " ".join(result.output.split()), result.output


def _decided_late(record: dict) -> bool:
    from datetime import datetime, timedelta

    created, arrived = (datetime.fromisoformat(record[k]) for k in ("created_at", "scored_at"))
    return arrived - created > timedelta(days=1)


def test_train_from_store_registers_a_challenger_and_leaves_the_champion(
    records, store_url, trained, policy, tmp_path
):
    from mlflow import MlflowClient

    # A registry of its own: the challenger it registers would be in the shadow of every later test's store.
    settings = _registry(tmp_path / "data", trained, policy).model_copy(update={"database_url": store_url})
    go_live(settings, records)
    extra = [{"lead_id": "not-stored", "outcome": {"sql": True}}]
    imported = run(settings, "outcomes", "import", _csv(tmp_path / "o.csv", records + extra))
    assert imported.exit_code == 0, imported.output
    said = " ".join(imported.output.split())
    assert "recorded 800 outcomes" in said and "1 lead id is not in the store, skipped: not-stored" in said

    result = run(settings, "train", "--from-store")
    assert result.exit_code == 0, result.output
    assert "(alias: challenger)" in result.output
    said = " ".join(result.output.split())  # which model still decides, and what it learned from
    # The synthetic leads reach the store at their snapshot, most days after creation, as a backfill would.
    late = sum(_decided_late(r) for r in records)
    warned = f"{late:,} of 800 training leads were first decided more than a day after their created_at"
    assert 0 < late < 800 and warned in said
    assert (
        "the champion leadgate/1 (trained on " in said
        and "still decides for score, decide and the service" in said
    )
    aliases = (
        MlflowClient(tracking_uri=settings.tracking_uri()).get_registered_model(settings.model_name).aliases
    )
    assert {k: str(v) for k, v in aliases.items()} == {"champion": "1", "challenger": "2"}
    run_params = (
        MlflowClient(tracking_uri=settings.tracking_uri())
        .get_run(
            MlflowClient(tracking_uri=settings.tracking_uri())
            .get_model_version(settings.model_name, "2")
            .run_id
        )
        .data
    )
    assert run_params.tags["mlflow.note.content"].startswith(warned)  # the run's description in MLflow
    run_params = run_params.params
    assert run_params["data.path"] == "decision store" and run_params["data.leads"] == "800"


def test_monitor_reports_drift_gate_rates_and_rejections(live, tmp_path):
    settings, _ = live
    out = tmp_path / "monitor.json"
    result = run(settings, "monitor", "--since", "2020-01-01", "--out", out)
    assert result.exit_code == 0, result.output
    assert "Drift against the training reference" in result.output
    report = json.loads(out.read_text())
    assert report["leads"] == 800
    # The window's start as a date, and the routes as a person reads them, not a Python dict.
    said = " ".join(result.output.split())
    shares = ", ".join(
        f"{route} {count:,} ({count / 800:.1%})" for route, count in report["routes"].items() if count
    )
    assert "800 leads since 2020-01-01 00:00 UTC; routes at arrival: " in said and "{" not in said
    assert all(part in said for part in shares.split(", "))
    psi = {row["column"]: row["psi"] for row in report["drift"]}
    assert psi["p_sql"] < 0.1  # the same generator as training: stable
    # P(SQL)'s row is printed however small its drift (walk N: 15 feature rows, and P(SQL) only in --out).
    assert re.search(r"│ p_sql\s+│ the model.s score\s+│\s+0\.\d{3} │ stable", result.output), result.output
    shown = 15 + ("p_sql" not in [row["column"] for row in report["drift"][:15]])
    assert len(report["drift"]) > shown
    assert f"… {len(report['drift']) - shown} more columns, each drifting less (--out writes them)" in said
    assert {row["reason"] for row in report["rejections"]} and report["gate_rates"]
    assert report["decided_by"] == {"leadgate/1": 800} and "not all decided by one model" not in said


def test_monitor_names_each_model_when_its_window_spans_a_promotion(live):
    import dataclasses

    from leadgate.serving.lifecycle_store import first_decisions
    from leadgate.serving.model_loading import load_by_alias
    from leadgate.serving.monitoring import monitor
    from leadgate.serving.store import make_engine

    settings, _ = live
    engine = make_engine(settings.decisions_url())
    decisions = first_decisions(engine, since=None)
    engine.dispose()
    older = [dataclasses.replace(d, model_version="leadgate/0") for d in decisions[:300]]
    gated = [dataclasses.replace(d, model_version=None) for d in decisions[300:310]]
    report = monitor(older + gated + decisions[310:], load_by_alias(settings, "champion"))
    assert report.decided_by == {"leadgate/0": 300, "leadgate/1": 490, "none": 10}


def test_monitor_computes_no_drift_from_fewer_leads_than_psi_needs(live):
    # Fixer drift: 150-lead samples of a model's own training leads showed a column past 0.25 by chance.
    from leadgate.serving.drift import MIN_LEADS
    from leadgate.serving.lifecycle_store import first_decisions
    from leadgate.serving.model_loading import load_by_alias
    from leadgate.serving.monitoring import monitor
    from leadgate.serving.store import make_engine

    settings, _ = live
    engine = make_engine(settings.decisions_url())
    decisions = first_decisions(engine, since=None)
    engine.dispose()
    few = monitor(decisions[: MIN_LEADS - 1], load_by_alias(settings, "champion"))
    assert few.drift == [] and few.drift_note.startswith(
        f"drift not computed: {MIN_LEADS - 1} leads in the window"
    )
    assert monitor(decisions[:MIN_LEADS], load_by_alias(settings, "champion")).drift


def test_routes_read_in_the_pipelines_order_with_their_shares():
    from leadgate.cli.monitor import routes_in_words

    assert routes_in_words({"nurture": 1, "sales_ready": 3}) == "sales_ready 3 (75.0%), nurture 1 (25.0%)"
    assert routes_in_words({}) == "none"


def test_monitor_sees_drift_in_a_shifted_sample(registry, store_url, policy, tmp_path):
    settings = registry.model_copy(update={"database_url": store_url})
    records = new_leads(policy, n=600, seed=32)
    for record in records:  # a campaign that brought only tiny companies and no activity
        record["company"] = {**record.get("company", {}), "employees": 12}
        record["events"] = []
    go_live(settings, records)
    out = tmp_path / "monitor.json"
    result = run(settings, "monitor", "--since", "2020-01-01", "--out", out)
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text())
    levels = {row["column"]: row["level"] for row in report["drift"]}
    assert "p_sql" in levels, (report["drift_note"], result.output)
    assert levels["p_sql"] == "major"


@pytest.fixture(scope="module")
def original(tmp_path_factory, trained, policy):
    """A data folder with a champion and a challenger, logged once for the module; no test writes to it."""
    from leadgate.training.registry import log_training

    settings = _registry(tmp_path_factory.mktemp("original"), trained, policy)  # the champion
    log_training(trained, policy, settings, {"path": "test", "leads": 1})  # then the challenger
    return settings


def test_promote_runs_in_a_copied_data_folder_and_records_the_criteria_s_policy(
    tmp_path, store_url, original, policy
):
    import shutil

    from mlflow import MlflowClient

    from leadgate.decision.policy import load_policy
    from leadgate.settings import Settings

    shutil.copytree(original.data_dir, tmp_path / "copy")
    copy = Settings(data_dir=tmp_path / "copy", mlflow_tracking_uri=None, database_url=None)
    env = {**ENV, "DATABASE_URL": store_url}
    lax = policy.model_copy(
        update={"promotion": policy.promotion.model_copy(update={"max_extra_won_hidden": 5})}
    )
    (tmp_path / "lax.yaml").write_text(lax.to_yaml())
    lax = load_policy(tmp_path / "lax.yaml")  # its version as promote reads it: a hash of the file's rules
    assert lax.version != policy.version

    def promote(*args):
        return runner.invoke(app, ["promote", *args, "--data-dir", str(copy.data_dir)], env=env)

    # A dry run writes nothing: it runs in a copy, and its exit 1 is the evidence's refusal, not a crash.
    dry = promote("--dry-run")
    said = " ".join(dry.output.split())
    assert dry.exit_code == 1 and isinstance(dry.exception, SystemExit), dry.output
    # No shadow lead yet: the champion is named by its alias, and what no outcome measured is —, never 0.
    assert "Shadow period: leadgate/1 vs leadgate/2" in said
    assert re.search(r"SQLs kept from sales only by\W+—\W+—", dry.output), dry.output
    assert re.search(r"won deals kept from sales only by\W+—\W+—", dry.output), dry.output
    assert f"would be refused (criteria of policy {policy.version}, leadgate/1's own)" in said
    # The registry lives in the copy's own mlflow.db: a real run tags the copy's version, not the original's.
    real = promote("--policy", tmp_path / "lax.yaml", "--out", tmp_path / "verdict.json")
    assert real.exit_code == 1 and isinstance(real.exception, SystemExit), real.output
    assert f"refused (criteria of policy {lax.version}, from {tmp_path / 'lax.yaml'})" in " ".join(
        real.output.split()
    )
    tags = MlflowClient(tracking_uri=copy.tracking_uri()).get_model_version(copy.model_name, "2").tags
    assert tags["leadgate.promotion.decision"] == "refused"
    assert tags["leadgate.promotion.policy"] == lax.version
    assert json.loads(tags["leadgate.promotion.report"])["policy_version"] == lax.version
    assert json.loads((tmp_path / "verdict.json").read_text())["policy_version"] == lax.version
    untouched = MlflowClient(tracking_uri=original.tracking_uri()).get_model_version(original.model_name, "2")
    assert "leadgate.promotion.decision" not in untouched.tags
