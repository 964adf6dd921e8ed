"""A registry that cannot be reached at start: the gates decide by the champion's kept policy, never the shipped
one in its place; /readyz can require a champion."""

from __future__ import annotations

import json
import logging
import socket

import pytest
from fastapi.testclient import TestClient

from tests.factories import lead_dict
from tests.serving.conftest import auth, sales_view

HOLDER_LOG = "leadgate.serving.model_holder"
BRAZIL = {"country": "BR"}  # served by the champion's policy, not by the shipped one


@pytest.fixture(scope="module")
def served_policy():
    """The shipped policy serving Brazil too, under its own name: what an operator trains with."""
    from leadgate.decision.policy import default_policy_text, parse_policy

    text = default_policy_text().replace("supported_countries: [US,", "supported_countries: [BR, US,", 1)
    return parse_policy(text.replace("name: default", "name: brazil", 1))


@pytest.fixture(scope="module")
def champion_folder(tmp_path_factory, served_policy, service_settings):
    """Settings of a data folder whose champion (leadgate/1) was trained under `served_policy`: a copy of the
    session's folder with the policy stored beside the model replaced (registering anew takes ~10 s)."""
    import shutil

    copy = tmp_path_factory.mktemp("kept") / "data"
    skipped = shutil.ignore_patterns("champion_policies", "decisions.db*")
    shutil.copytree(service_settings.data_dir, copy, ignore=skipped)
    stored = list((copy / "mlartifacts").rglob("policy.yaml"))
    assert stored, "no policy stored with the session's model"
    for path in stored:
        path.write_text(served_policy.to_yaml())
    return service_settings.model_copy(update={"data_dir": copy, "mlflow_tracking_uri": None})


def unreachable(settings):
    """The same settings with the registry's database on a port nothing listens on: refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return settings.model_copy(
        update={"mlflow_tracking_uri": f"postgresql+psycopg://postgres@127.0.0.1:{port}/mlflow"}
    )


def _app(settings, store):
    from leadgate.serving.app import create_app

    return create_app(settings, store=store, poll=False)


def _warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == HOLDER_LOG and r.levelno == logging.WARNING]


def test_an_unreachable_registry_at_start_gates_by_the_champion_s_kept_policy(
    champion_folder, served_policy, store, caplog
):
    from leadgate.serving.kept_policy import kept_path

    with TestClient(_app(champion_folder, store)) as client:  # the champion loads: its policy is kept
        assert client.get("/readyz").json()["model"] == "leadgate/1"
    kept = json.loads(kept_path(champion_folder).read_text())
    assert kept["model_version"] == "leadgate/1" and kept["policy_version"] == served_policy.version
    caplog.set_level(logging.INFO, logger="leadgate")
    with TestClient(_app(unreachable(champion_folder), store)) as client:
        ready = client.get("/readyz")
        answer = client.post(
            "/v1/leads", json=lead_dict(lead_id="br-1", company=BRAZIL), headers=auth("intake")
        )
        view = sales_view(client, "br-1")
    assert ready.status_code == 200 and ready.json()["model"] == "missing"
    assert ready.json()["policy"] == served_policy.version
    # Not "we are not able to serve your organisation yet": the champion's policy serves Brazil.
    assert answer.status_code == 201 and answer.json()["next_step"] == "verify"
    assert view["gates"] == [] and view["policy_version"] == served_policy.version and view["model_missing"]
    [no_champion] = [said for said in _warnings(caplog) if said.startswith("no champion")]
    at = kept["kept_at"][:16].replace("T", " ")
    assert no_champion.startswith("no champion (model load failed: MLflow registry postgresql")
    assert no_champion.endswith(
        f"): gates of leadgate/1's policy {served_policy.version} (kept {at} UTC), ungated leads go to verify"
    )


def test_with_nothing_kept_the_shipped_policy_decides_and_the_log_warns_the_champion_s_is_unknown(
    service_settings, tmp_path, caplog
):
    from leadgate.decision.policy import load_policy
    from leadgate.serving.model_holder import ModelHolder

    caplog.set_level(logging.INFO, logger="leadgate")
    holder = ModelHolder(unreachable(service_settings.model_copy(update={"data_dir": tmp_path})))
    holder.refresh()
    assert holder.current().pipeline.policy.version == load_policy().version
    policy_line = _warnings(caplog)[-1]
    assert policy_line == (
        f"policy {load_policy().version} for the champion (the shipped default: the champion's own policy is "
        f"unknown while it does not load, and none was kept in {tmp_path / 'champion_policies' / 'leadgate.json'})"
    )


def test_a_policy_file_or_an_empty_registry_never_gives_way_to_the_kept_policy(
    champion_folder, served_policy, tmp_path
):
    import shutil

    from leadgate.decision.policy import default_policy_text, load_policy
    from leadgate.serving.kept_policy import kept_path
    from leadgate.serving.model_holder import ModelHolder

    ModelHolder(champion_folder).refresh()  # keeps the champion's policy
    own = tmp_path / "own.yaml"
    own.write_text(default_policy_text().replace("name: default", "name: own"))
    filed = ModelHolder(unreachable(champion_folder.model_copy(update={"policy_path": own})))
    filed.refresh()
    assert filed.current().pipeline.policy.name == "own" and filed.current().kept is None
    # A folder holding a kept copy but no model at all: nothing is registered, so nothing kept applies.
    empty = champion_folder.model_copy(update={"data_dir": tmp_path / "empty"})
    kept_path(empty).parent.mkdir(parents=True)
    shutil.copy(kept_path(champion_folder), kept_path(empty))
    holder = ModelHolder(empty)
    holder.refresh()
    assert holder.current().problem == "no model with alias 'champion'"
    assert holder.current().pipeline.policy.version == load_policy().version != served_policy.version


def test_the_command_line_decides_by_the_kept_policy_as_the_service_does(
    champion_folder, served_policy, tmp_path
):
    from leadgate.serving.model_holder import ModelHolder
    from leadgate.serving.store import make_engine
    from leadgate.serving.suppression_service import outside_the_service

    ModelHolder(champion_folder).refresh()  # keeps the champion's policy
    # A command pointed at no data folder (the registry by its URL) makes none to keep the policy in.
    elsewhere = champion_folder.model_copy(
        update={"data_dir": tmp_path / "none", "mlflow_tracking_uri": champion_folder.tracking_uri()}
    )
    loaded = ModelHolder(elsewhere)
    loaded.refresh()
    assert loaded.current().model_version == "leadgate/1" and not (tmp_path / "none").exists()
    down = unreachable(champion_folder)
    engine = make_engine(down.decisions_url())
    try:
        current = outside_the_service(down, engine)["holder"].current()
    finally:
        engine.dispose()
    assert current.load_failed and current.pipeline.policy.version == served_policy.version
    assert current.kept is not None and current.kept.model_version == "leadgate/1"


def test_the_registry_coming_back_is_said_once_and_the_kept_copy_is_refreshed(
    champion_folder, served_policy, caplog
):
    from leadgate.serving.kept_policy import kept
    from leadgate.serving.model_holder import ModelHolder

    ModelHolder(champion_folder).refresh()
    before = kept(champion_folder).kept_at
    holder = ModelHolder(unreachable(champion_folder))
    holder.refresh()
    holder.refresh()
    assert holder.current().kept is not None and holder.current().model_version is None
    caplog.set_level(logging.INFO, logger="leadgate")
    caplog.clear()
    holder.settings = champion_folder  # the registry answers again
    assert holder.refresh() is True
    said = [r.getMessage() for r in caplog.records if r.name == HOLDER_LOG]
    assert said[0].startswith("champion refresh works again (2 failures since ")
    assert said[1:] == ["now serving leadgate/1 (champion)"]  # same policy: no second policy line
    current = holder.current()
    assert current.kept is None and current.problem is None
    assert current.pipeline.policy.version == served_policy.version
    assert kept(champion_folder).kept_at > before
    # Serving, then the registry goes away and comes back: the problem shows meanwhile, the model stays.
    caplog.clear()
    holder.settings = unreachable(champion_folder)
    holder.refresh()
    assert holder.current().model_version == "leadgate/1"
    assert holder.current().problem.startswith("model refresh failing since ")
    holder.settings = champion_folder
    assert holder.refresh() is False
    said = [r.getMessage() for r in caplog.records if r.name == HOLDER_LOG and r.levelno == logging.INFO]
    assert said == [said[0]] and said[0].endswith(": still leadgate/1")
    assert holder.current().problem is None


def test_readyz_answers_503_without_a_champion_when_the_settings_require_one(champion_folder, store):
    settings = champion_folder.model_copy(update={"ready_requires_model": True})
    with TestClient(_app(unreachable(settings), store)) as client:
        ready, head = client.get("/readyz"), client.head("/readyz")
        metrics = client.get("/metrics").text
        decided = client.post("/v1/leads", json=lead_dict(lead_id="rq-1"), headers=auth("intake"))
    assert ready.status_code == head.status_code == 503
    assert ready.json()["store"] == "ok" and ready.json()["model"] == "missing"
    assert ready.json()["model_problem"].startswith("model load failed: MLflow registry")
    assert "leadgate_model_loaded 0.0" in metrics
    assert decided.status_code == 201  # unready for a balancer, yet a lead that reaches it is decided
    with TestClient(_app(settings, store)) as client:
        assert client.get("/readyz").status_code == 200
