"""Shared fixtures: a small seeded synthetic history and one model trained on it for the whole session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Hooks defined there: files start slowest first (--dist loadfile), and --record-file-durations.
from tests.file_order import pytest_addoption, pytest_collection_modifyitems  # noqa: F401

# LightGBM's OpenMP threads spin while waiting; beside another busy process on two cores that made
# training 4-10x slower (bench/README.md). Tests share the machine, so threads sleep instead.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
# One OpenMP thread each: make test runs a worker per core, so a second thread only waits for a core (user CPU
# of tests/cli/test_training.py 110.7 -> 97.9 s on two workers).
os.environ.setdefault("OMP_NUM_THREADS", "1")
# Rich fixes a console's width when it is made if COLUMNS is set then (pytest-xdist's workers set 80), and the
# CLI's console is made at import: unset, each CliRunner call's own COLUMNS is read when it prints.
for name in ("COLUMNS", "LINES"):
    os.environ.pop(name, None)
# Test folders in memory where Linux offers room for them: every SQLite commit syncs to disk, and a core waits
# for it (tests/cli/test_export_shapes.py made 11,768 syncs; beside it on the same loaded machine, 185 -> 159 s
# wall, the same CPU). A killed process leaves the same files either way. A run's folders take a few hundred MB
# and pytest keeps the last three runs', hence the room asked for; a given --basetemp or temproot wins.
if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK):
    import shutil

    if shutil.disk_usage("/dev/shm").free >= 4 * 2**30:
        os.environ.setdefault("PYTEST_DEBUG_TEMPROOT", "/dev/shm")

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
# The developer's settings that would otherwise reach a test's Settings or CLI run.
ENV_NAMES = ("DATABASE_URL", "MLFLOW_TRACKING_URI", "LEADGATE_DATA_DIR", "LEADGATE_POLICY_PATH")


def pytest_configure(config):
    from tests.file_order import register
    from tests.postgres import required

    register(config)

    # An unreadable spelling stops the run before any test, rather than in each test that needs the server.
    for variable in ("LEADGATE_REQUIRE_POSTGRES", "LEADGATE_REQUIRE_REDIS"):
        required(variable)


@pytest.fixture(scope="session")
def policy():
    from leadgate.decision.policy import load_policy

    return load_policy()


@pytest.fixture(scope="session")
def history_records(policy):
    from leadgate.training.synth import generate_history

    return generate_history(n_leads=12_000, months=24, seed=7, policy=policy)


@pytest.fixture(scope="session")
def history(history_records):
    from leadgate.training.data import history_from_records

    return history_from_records(history_records)


@pytest.fixture(scope="session")
def trained(request, policy, tmp_path_factory):
    """The session's model, trained once per run: `make test`'s second worker reads the first one's (~12 s)."""
    from leadgate.training.train import train_model
    from tests.once_per_run import once_per_run

    return once_per_run(
        tmp_path_factory, "trained", lambda: train_model(request.getfixturevalue("history"), policy, seed=0)
    )


@pytest.fixture(scope="session")
def pipeline(trained, policy):
    from leadgate.decision.pipeline import DecisionPipeline

    return DecisionPipeline(policy, trained.model)


@pytest.fixture
def settings(tmp_path, monkeypatch):
    """Embedded defaults in a fresh data folder, isolated from the developer's environment."""
    from leadgate.settings import Settings

    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    return Settings(data_dir=tmp_path / "data")


@pytest.fixture
def isolated(monkeypatch, tmp_path):
    """No developer settings, and a scratch working directory so no default `.leadgate` is created here."""
    for name in ENV_NAMES:
        monkeypatch.setenv(name, "")  # recorded, so teardown also removes a value MLflow exported meanwhile
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


@pytest.fixture(params=["sqlite", "postgres"])
def bare_store_url(request, tmp_path, isolated):
    """An empty database's URL, no table in it: a SQLite file, or a fresh PostgreSQL schema."""
    from tests.postgres import fresh_schema, postgres_or_skip

    if request.param == "sqlite":
        # An empty database file: commands refuse a missing one before opening it.
        (tmp_path / "decisions.db").touch()
        yield f"sqlite:///{tmp_path / 'decisions.db'}"
        return
    url = postgres_or_skip()
    with fresh_schema(url) as schema:
        yield f"{url}?options=-csearch_path%3D{schema}"


@pytest.fixture
def store_url(bare_store_url):
    """A migrated, empty decision store's URL (commands other than migrate and serve never create one)."""
    from leadgate.serving.store import make_engine
    from leadgate.serving.store_engine import sqlite_file
    from tests.migrated import migrated_postgres, migrated_sqlite

    path = sqlite_file(bare_store_url)
    if path is not None:
        migrated_sqlite(path)
        return bare_store_url
    engine = make_engine(bare_store_url)
    migrated_postgres(engine)
    engine.dispose()
    return bare_store_url


@pytest.fixture(scope="session")
def shop_registered(tmp_path_factory):
    """Settings of a data folder whose champion was trained on the shop export: six custom fields (three
    categories, a flag, an integer, a number; tests/training/export_shapes.py)."""
    from tests.training.export_shapes import SHOP_MAPPING, register_shop_models

    return register_shop_models(tmp_path_factory.mktemp("shop"), [SHOP_MAPPING])


@pytest.fixture(scope="session")
def registered_settings(tmp_path_factory, trained, policy, history):
    """A data folder whose MLflow registry holds the session's model as champion."""
    from leadgate.settings import Settings
    from leadgate.training.registry import log_training

    saved = {k: os.environ.pop(k, None) for k in ("DATABASE_URL", "MLFLOW_TRACKING_URI")}
    settings = Settings(data_dir=tmp_path_factory.mktemp("registry"))
    registered = log_training(trained, policy, settings, {"path": "fixture", "leads": len(history.leads)})
    for key, value in saved.items():
        # MLflow exports the URI it was given; put the environment back exactly as it was.
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    return settings, registered
