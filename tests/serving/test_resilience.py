"""The service under trouble: store outages, no model, and a champion alias that moves while serving."""

import time

import pytest
from fastapi.testclient import TestClient

from tests.factories import lead_dict
from tests.serving.conftest import auth


def _app(settings, store=None, poll=False):
    from leadgate.serving.app import create_app

    return create_app(settings, store=store, poll=poll)


def test_store_outage_is_503_nothing_half_written_and_recovers_by_itself(service_settings, tmp_path):
    from leadgate.serving.store import DecisionStore, make_engine, migrate

    folder = tmp_path / "db"
    engine = make_engine(f"sqlite:///{folder / 'decisions.db'}")
    migrate(engine)
    store = DecisionStore(engine)
    with TestClient(_app(service_settings, store)) as client:
        assert (
            client.post("/v1/leads", json=lead_dict(lead_id="before"), headers=auth("intake")).status_code
            == 201
        )
        folder.rename(tmp_path / "away")  # the database disappears under the service
        engine.dispose()
        down = client.post("/v1/leads", json=lead_dict(lead_id="during"), headers=auth("intake"))
        assert down.status_code == 503 and "nothing was stored" in down.json()["detail"]
        assert down.headers["Retry-After"]
        assert client.get("/readyz").status_code == 503
        (tmp_path / "away").rename(folder)  # it comes back; no restart
        assert client.get("/readyz").status_code == 200
        retry = client.post("/v1/leads", json=lead_dict(lead_id="during"), headers=auth("intake"))
        assert retry.status_code == 201  # a fresh decision: the failed attempt left nothing behind
        history = client.get("/v1/leads/during/decision", headers=auth("sales")).json()["history"]
        assert len(history) == 1
        assert "leadgate_store_errors_total 1.0" in client.get("/metrics").text


def test_without_a_model_gates_still_run_and_the_rest_goes_to_manual_review(service_settings, tmp_path):
    empty = service_settings.model_copy(update={"data_dir": tmp_path / "empty", "mlflow_tracking_uri": None})
    with TestClient(_app(empty)) as client:
        assert client.get("/readyz").json()["model"] == "missing"
        ok = client.post("/v1/leads", json=lead_dict(lead_id="nm-1"), headers=auth("intake")).json()
        gated = client.post(
            "/v1/leads", json=lead_dict(lead_id="nm-2", company={"employees": 2}), headers=auth("intake")
        ).json()
        assert ok["next_step"] == "verify" and gated["next_step"] == "self_service"
        decision = client.get("/v1/leads/nm-1/decision", headers=auth("sales")).json()
        assert decision["model_missing"] is True and decision["route_source"] == "no_model"
        assert decision["p_sql"] is None and decision["model_version"] is None
        assert "leadgate_model_loaded 0.0" in client.get("/metrics").text


def test_a_moved_champion_alias_is_picked_up_without_restart(service_settings, trained, policy):
    from mlflow import MlflowClient

    from leadgate.training.registry import log_training

    settings = service_settings.model_copy(update={"model_poll_seconds": 0.2})
    client_ml = MlflowClient(tracking_uri=settings.tracking_uri())
    before = str(client_ml.get_model_version_by_alias(settings.model_name, "champion").version)
    with TestClient(_app(settings, poll=True)) as client:
        assert client.get("/readyz").json()["model"] == f"leadgate/{before}"
        newer = log_training(trained, policy, settings, {"path": "alias-move", "leads": 1})
        client_ml.set_registered_model_alias(settings.model_name, "champion", newer.version)
        try:
            deadline = time.monotonic() + 20
            served = None
            while time.monotonic() < deadline:
                response = client.post(
                    "/v1/leads", json=lead_dict(lead_id=f"mv-{time.monotonic()}"), headers=auth("intake")
                )
                assert response.status_code == 201  # no request fails while the model is swapped
                served = client.get("/readyz").json()["model"]
                if served == f"leadgate/{newer.version}":
                    break
                time.sleep(0.1)
            assert served == f"leadgate/{newer.version}"
        finally:
            client_ml.set_registered_model_alias(settings.model_name, "champion", before)
            # Registered second, the newer version also took the challenger alias: tests after this one
            # expect none (a challenger would shadow-score their leads in the background).
            client_ml.delete_registered_model_alias(settings.model_name, "challenger")


def test_a_broken_model_load_keeps_serving_the_current_one(service_settings):
    from leadgate.serving.model_holder import ModelHolder

    holder = ModelHolder(service_settings)
    assert holder.refresh() is True
    version = holder.current().model_version

    def broken(settings, alias):
        raise RuntimeError("artifact store down")

    holder._loader = broken
    holder._version_of = lambda settings, alias: "999"
    assert holder.refresh() is False
    assert holder.current().model_version == version


@pytest.mark.parametrize("role", ["intake"])
def test_new_key_command_prints_a_hash_that_authenticates(role):
    from typer.testing import CliRunner

    from leadgate.cli import app
    from leadgate.serving.auth import identify
    from leadgate.settings import ApiKey

    result = CliRunner().invoke(app, ["new-key", role, "--name", "web"])
    assert result.exit_code == 0
    key = result.output.split("key (give it to the caller, it is not stored): ")[1].split()[0]
    import json

    entry = json.loads(result.output.split("add to LEADGATE_API_KEYS: ")[1].strip())
    assert identify([ApiKey(**entry)], key).role == role
    assert key not in json.dumps(entry)


def test_a_freshly_loaded_model_decides_the_example_lead_before_it_serves(service_settings, trained, policy):
    from leadgate.decision.pipeline import DecisionPipeline
    from leadgate.serving.model_holder import ModelHolder
    from leadgate.serving.model_loading import LoadedModel

    seen = []

    class Watched(LoadedModel):
        def pipeline(self, policy=None):
            pipeline = DecisionPipeline(policy or self.policy, self.model)
            original = pipeline.decide

            def decide(leads, now=None):
                # The warm-up runs before the swap: nothing is served by this model yet.
                seen.append((leads[0].lead_id, holder.current().loaded))
                return original(leads, now)

            pipeline.decide = decide
            return pipeline

    holder = ModelHolder(
        service_settings,
        loader=lambda settings, alias: Watched(trained.model, policy, "leadgate", "7", "run"),
        version_of=lambda settings, alias: "7",
    )
    assert holder.refresh() is True
    assert seen == [("crm-00042", None)]
    assert holder.current().loaded.version == "7"


def test_what_lives_as_long_as_the_service_is_out_of_the_cyclic_gcs_reach(service_settings, trained, policy):
    import gc

    from leadgate.serving.model_holder import ModelHolder
    from leadgate.serving.model_loading import LoadedModel

    # Without this, a full collection rescanned ~400k long-lived objects and paused requests ~250 ms.
    gc.unfreeze()
    with TestClient(_app(service_settings)) as client:
        assert client.get("/healthz").status_code == 200
        assert gc.get_freeze_count() > 0
    gc.unfreeze()
    holder = ModelHolder(
        service_settings,
        loader=lambda settings, alias: LoadedModel(trained.model, policy, "leadgate", "8", "run"),
        version_of=lambda settings, alias: "8",
    )
    assert holder.refresh() is True
    assert gc.get_freeze_count() > 0  # a swapped-in model is frozen too
    gc.unfreeze()


def test_the_offensive_classifier_is_loaded_at_start_not_by_the_first_insult(service_settings):
    from leadgate.features import offensive

    offensive._classifier.cache_clear()
    with TestClient(_app(service_settings)) as client:
        # Not a single request yet: the ~0.1 s load was paid by the start-up, not by a lead.
        assert offensive._classifier.cache_info().currsize == 1
        assert client.get("/healthz").status_code == 200
