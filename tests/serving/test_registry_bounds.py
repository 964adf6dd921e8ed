"""A locked registry, on a real SQLite file and real PostgreSQL tables: the champion keeps serving and /readyz says
why; a start opens on the gates within the bound; only the registry saying so is "no version"; no write follows
one given up on."""

from __future__ import annotations

import shutil
import threading
import time

import pytest
from fastapi.testclient import TestClient

from tests.conftest import ENV_NAMES
from tests.factories import lead_dict
from tests.registry_folders import logged_folder
from tests.registry_hangs import BOUND, postgres_locked, registry_url_with_password, sqlite_locked
from tests.serving.conftest import KEYS, auth

# Slack for a loaded machine over a bound: a hang is minutes, a bounded call this.
SLACK = 15


@pytest.fixture(scope="module")
def sqlite_champion(tmp_path_factory, trained, policy):
    """A data folder whose SQLite registry holds the session's model as champion, logged once for the module:
    each test reads, locks and moves aliases in its own copy (a copy may, configure_mlflow)."""
    return logged_folder(tmp_path_factory.mktemp("champion"), trained, policy)


@pytest.fixture(params=["sqlite", "postgres"])
def champion_registry(request, tmp_path, monkeypatch, trained, policy):
    """Settings whose registry (a SQLite file, or PostgreSQL tables) holds one champion, and how to lock it."""
    from leadgate.serving.auth import hash_key
    from leadgate.settings import ApiKey, Settings
    from leadgate.training.registry import log_training
    from tests.postgres import fresh_schema, postgres_or_skip

    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    keys = [ApiKey(name=role, role=role, sha256=hash_key(key)) for role, key in KEYS.items()]
    options = {
        "data_dir": tmp_path / "data",
        "database_url": None,
        "api_keys": keys,
        "model_poll_seconds": 3600,
    }
    source = {"path": "fixture", "leads": 1}
    if request.param == "sqlite":
        shutil.copytree(request.getfixturevalue("sqlite_champion"), tmp_path / "data")
        settings = Settings(mlflow_tracking_uri=None, **options)
        yield settings, lambda: sqlite_locked(tmp_path / "data" / "mlflow.db")
        return
    url = postgres_or_skip()
    with fresh_schema(url) as schema:
        settings = Settings(mlflow_tracking_uri=registry_url_with_password(url, schema), **options)
        log_training(trained, policy, settings, source)
        yield settings, lambda: postgres_locked(url, schema)


def _bounded(settings):
    return settings.model_copy(update={"registry_timeout_seconds": BOUND})


def test_a_poll_on_a_locked_registry_keeps_the_champion_serving_and_readyz_says_why(
    champion_registry, caplog
):
    from leadgate.serving.app import create_app

    settings, locked = champion_registry
    with TestClient(create_app(settings, poll=False)) as client:
        holder = client.app.state.holder
        assert holder.current().model_version == "leadgate/1"
        # The poll under the tests' small bound (the start loaded the model under the default one).
        holder.settings = _bounded(settings)
        with locked():
            started = time.monotonic()
            changed = holder.refresh()
            took = time.monotonic() - started
            ready = client.get("/readyz").json()
            answered = client.post("/v1/leads", json=lead_dict(lead_id="poll-1"), headers=auth("intake"))
        assert not changed and took < BOUND + SLACK, f"{took:.0f} s"
        assert ready["model"] == "leadgate/1" and answered.status_code == 201
        problem = ready["model_problem"]
        assert "model refresh failing since" in problem and f"did not answer within {BOUND} s" in problem
        assert "(reading alias champion" in problem and "s3cret" not in problem
        assert any("model refresh failed" in r.getMessage() for r in caplog.records)
        holder.refresh()  # the registry answers again: the problem goes
        assert client.get("/readyz").json()["model_problem"] is None


def test_a_start_on_a_locked_registry_opens_on_the_gates_within_the_bound_with_the_kept_policy(
    champion_registry,
):
    from leadgate.serving.app import create_app

    settings, locked = champion_registry
    with TestClient(create_app(settings, poll=False)):
        pass  # the champion served once: its policy is kept in the data folder
    with locked():
        started = time.monotonic()
        with TestClient(create_app(_bounded(settings), poll=False)) as client:
            took = time.monotonic() - started
            ready = client.get("/readyz").json()
            current = client.app.state.holder.current()
    assert took < BOUND + SLACK, f"{took:.0f} s before the port opened"
    assert ready["model"] == "missing" and f"did not answer within {BOUND} s" in ready["model_problem"]
    # Before: a locked registry read as "no champion", and the shipped policy decided instead of the kept one.
    assert current.load_failed and current.kept is not None


def test_only_the_registry_saying_so_is_no_version(champion_registry):
    from leadgate.serving.model_holder import AliasGone, _alias_version
    from leadgate.serving.model_loading import registered_run
    from leadgate.serving.registry_aliases import version_by_alias
    from leadgate.serving.registry_errors import RegistryUnreachable
    from leadgate.training.registry import alias_version

    settings, locked = champion_registry
    bounded = _bounded(settings)
    assert version_by_alias(bounded, "challenger") is None  # the registry says: no such alias
    assert version_by_alias(bounded.model_copy(update={"model_name": "other"}), "champion") is None
    with pytest.raises(AliasGone):
        _alias_version(bounded, "challenger")
    with locked():
        for read in (version_by_alias, registered_run, _alias_version, alias_version):
            with pytest.raises(RegistryUnreachable, match=f"did not answer within {BOUND} s"):
                read(bounded, "champion")


def test_no_registry_write_follows_a_call_given_up_on_while_it_still_runs(champion_registry):
    from leadgate.serving.registry_aliases import version_by_alias
    from leadgate.serving.registry_calls import registry_call
    from leadgate.serving.registry_errors import RegistryUnreachable
    from leadgate.training.registry_changes import move_alias

    settings, _ = champion_registry
    quick = settings.model_copy(update={"registry_timeout_seconds": 0.5})
    release = threading.Event()
    doing = "moving alias champion to leadgate/1"
    # A call that outlives its bound, as one the registry holds: the caller gives up, the thread goes on.
    with pytest.raises(RegistryUnreachable, match="whether this write was made is unknown"):
        registry_call(quick, doing, release.wait, 60, write=True)
    with pytest.raises(RegistryUnreachable, match="still running there and may yet land"):
        move_alias(settings, "challenger", "1")
    assert version_by_alias(settings, "challenger") is None  # refused before it was sent
    release.set()
    deadline = time.monotonic() + SLACK
    while (
        any(t.name == f"registry call: {doing}" for t in threading.enumerate())
        and time.monotonic() < deadline
    ):
        time.sleep(0.05)
    move_alias(settings, "challenger", "1")  # it ended: writes go on
    assert str(version_by_alias(settings, "challenger").version) == "1"
