"""`leadgate redecide --model-less` on a SQLite and a PostgreSQL store: the leads decided while no model served
are decided again with the champion, once; with none loading, one line and exit 2."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from typer.testing import CliRunner

from leadgate.cli import app
from leadgate.features.schema import parse_lead
from leadgate.serving.store import DecisionStore, make_engine
from tests.factories import lead_dict
from tests.serving.test_champion_unloaded import closed_registry

runner = CliRunner()
NOW = datetime.now(UTC)


def _store(store_url: str, policy, pipeline) -> DecisionStore:
    """Two leads decided by the gates alone (no model served), one by the champion."""
    from leadgate.decision.pipeline import DecisionPipeline

    gates_only = DecisionPipeline(policy, None)
    store = DecisionStore(make_engine(store_url))
    for n, deciding in enumerate((gates_only, gates_only, pipeline)):
        lead = lead_dict(lead_id=f"nw-{n}", contact={"email": f"kim.{n}@nordwerk.de"})
        lead.pop("scored_at")
        decision = deciding.decide_one(parse_lead(lead), now=NOW)
        store.create(lead=lead, decision=decision, idempotency_key=None, received_at=NOW)
    return store


def _run(store_url: str, data_dir, *args: str, **env: str):
    result = runner.invoke(
        app, ["redecide", *args, "--data-dir", str(data_dir)], env={"DATABASE_URL": store_url, **env}
    )
    return result.exit_code, result.output


def test_redecide_model_less_decides_them_again_with_the_champion_once(
    store_url, registered_settings, policy, pipeline
):
    settings, registered = registered_settings
    store = _store(store_url, policy, pipeline)
    champion = f"{registered.name}/{registered.version}"
    before = [store.history(f"nw-{n}")[-1].route for n in range(2)]
    assert [store.history(f"nw-{n}")[-1].model_missing for n in range(3)] == [True, True, False]

    code, said = _run(store_url, settings.data_dir, "--model-less", "--dry-run")
    assert code == 0 and said.startswith("dry run: 2 stored leads last decided without a model: "), said
    assert "nothing was decided again" in said and len(store.history("nw-0")) == 1

    code, said = _run(store_url, settings.data_dir, "--model-less")
    assert code == 0, said
    assert said.startswith(f"2 stored leads decided without a model decided again, by champion {champion}: ")
    after = [store.history(f"nw-{n}")[-1] for n in range(2)]
    moved = [
        f"{b} unchanged" if b == a.route else f"{b} → {a.route}" for b, a in zip(before, after, strict=True)
    ]
    assert all(move in said for move in moved), (moved, said)
    assert [(row.trigger, row.model_version, row.model_missing) for row in after] == [
        ("model_loaded", champion, False)
    ] * 2
    assert len(store.history("nw-2")) == 1  # decided by the champion already

    code, said = _run(store_url, settings.data_dir, "--model-less")
    assert (code, said) == (0, "0 stored leads decided without a model decided again\n")
    store.engine.dispose()


def test_redecide_names_the_leads_it_decides(store_url, registered_settings):
    settings, _ = registered_settings
    code, said = _run(store_url, settings.data_dir)
    assert code == 2 and "say which leads to decide again: --model-less" in said, said


def test_with_no_champion_loading_it_stops_in_one_line_and_decides_nothing(
    store_url, registered_settings, policy, pipeline
):
    settings, _ = registered_settings
    store = _store(store_url, policy, pipeline)
    # A real process: the holder's log lines, which pytest would capture, must not reach the terminal either.
    env = {**os.environ, "DATABASE_URL": store_url, "MLFLOW_TRACKING_URI": closed_registry()}
    command = [
        sys.executable,
        "-m",
        "leadgate",
        "redecide",
        "--model-less",
        "--data-dir",
        str(settings.data_dir),
    ]
    # From the checkout's root, so `-m leadgate` imports this tree's code.
    root = Path(__file__).resolve().parents[2]
    ran = subprocess.run(command, env=env, cwd=root, capture_output=True, text=True, timeout=120)
    assert ran.returncode == 2 and ran.stdout == "", (ran.stdout, ran.stderr)
    said = " ".join(ran.stderr.split())
    assert said.startswith("error: no champion serves (model load failed: MLflow registry"), said
    assert said.endswith(
        "nothing was decided again; the leads decided without a model keep their decisions until a champion loads"
    )
    assert len(ran.stderr.strip().splitlines()) == 1, ran.stderr
    assert [len(store.history(f"nw-{n}")) for n in range(3)] == [1, 1, 1]
    store.engine.dispose()
