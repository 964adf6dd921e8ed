"""MLflow logging and registration on the embedded SQLite backend."""

import json
from pathlib import Path

import numpy as np


def test_training_is_logged_registered_and_made_champion(registered_settings, trained):
    from mlflow import MlflowClient

    settings, registered = registered_settings
    assert registered.aliases == ["champion"]
    client = MlflowClient(tracking_uri=settings.tracking_uri())
    version = client.get_model_version_by_alias(settings.model_name, "champion")
    assert str(version.version) == registered.version
    run = client.get_run(registered.run_id)
    for key in (
        "test.system.roc_auc",
        "test.system.pr_auc",
        "test.system.brier",
        "test.system.log_loss",
        "test.system.calibration_error",
        "test.scorecard.roc_auc",
        "test.raw_lightgbm.roc_auc",
        "test.routes.recall_not_rejected",
        "test.routes.precision_sales_ready",
    ):
        assert key in run.data.metrics, key
    assert run.data.params["policy_version"].startswith("default@")
    artifacts = {a.path for a in client.list_artifacts(registered.run_id)}
    assert {"policy.yaml", "features.json", "evaluation.json", "plots"} <= artifacts
    evaluation = json.loads(Path(client.download_artifacts(registered.run_id, "evaluation.json")).read_text())
    # Each rejecting gate's cost turned off alone, as the verdict read it (JSON keeps a NaN cost as NaN).
    assert [g["gate"] for g in evaluation["gate_costs"]] == [g["gate"] for g in trained.extras["gate_losses"]]
    assert evaluation["gate_costs"] and {"cost", "cost_low", "cost_high"} <= set(evaluation["gate_costs"][0])
    assert run.data.params["split.kind"] == "time" and run.data.params["features.custom_fields"] == "none"
    # Each intent window training chose is a parameter of the run, as the model bundle stores it.
    prefix = "features.intent_window."
    windows = {k.removeprefix(prefix): float(v) for k, v in run.data.params.items() if k.startswith(prefix)}
    assert windows == dict(trained.model.builder.windows) and len(windows) == 9
    assert "test.logistic.roc_auc" in run.data.metrics
    assert (
        version.tags["leadgate.custom_fields"] == "none" and int(version.tags["leadgate.feature_count"]) > 30
    )
    settings.point_mlflow()


def test_a_second_model_becomes_the_challenger_not_the_champion(registered_settings, trained, policy):
    from mlflow import MlflowClient

    from leadgate.training.registry import log_training

    settings, first = registered_settings
    second = log_training(trained, policy, settings, {"path": "again", "leads": 1})
    assert second.aliases == ["challenger"] and int(second.version) > int(first.version)
    client = MlflowClient(tracking_uri=settings.tracking_uri())
    assert str(client.get_model_version_by_alias(settings.model_name, "champion").version) == first.version
    assert str(client.get_model_version_by_alias(settings.model_name, "challenger").version) == second.version
    client.delete_registered_model_alias(settings.model_name, "challenger")  # other tests expect none


def test_loaded_champion_decides_exactly_like_the_trained_model(
    registered_settings, pipeline, history, trained
):
    from leadgate.serving.model_loading import load_by_alias

    settings, registered = registered_settings
    loaded = load_by_alias(settings)
    assert loaded.model.version == f"{settings.model_name}/{registered.version}"
    leads = [history.leads[i] for i in np.flatnonzero(trained.split.test)[:200]]
    mine, theirs = pipeline.decide(leads), loaded.pipeline().decide(leads)
    np.testing.assert_allclose(mine.p_sql, theirs.p_sql)
    assert list(mine.route) == list(theirs.route)
    assert json.loads(json.dumps(theirs.record(0).to_json()))["model_version"] == loaded.model.version


def _files(folder) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_size for p in folder.rglob("*") if p.is_file()}


def test_a_copied_data_folder_never_writes_models_into_the_original(tmp_path, monkeypatch, trained, policy):
    import shutil

    import pytest
    from mlflow import MlflowClient

    from leadgate.settings import ArtifactsElsewhere, Settings
    from leadgate.training.registry import log_training

    for name in ("DATABASE_URL", "MLFLOW_TRACKING_URI", "LEADGATE_DATA_DIR", "LEADGATE_EXPERIMENT"):
        monkeypatch.delenv(name, raising=False)
    original, copy = tmp_path / "original", tmp_path / "copy"

    def settings(folder, **extra):
        # No tracking URI from the environment: MLflow exports the last one it was given into it.
        return Settings(data_dir=folder, mlflow_tracking_uri=None, **extra)

    log_training(trained, policy, settings(original), {"path": "test", "leads": 1})
    shutil.copytree(original, copy)
    before = _files(original)

    # MLflow keeps the experiment's artifact location as an absolute path and cannot change it.
    with pytest.raises(ArtifactsElsewhere, match="LEADGATE_EXPERIMENT") as refused:
        log_training(trained, policy, settings(copy), {"path": "test", "leads": 1})
    assert str((original / "mlartifacts").resolve()) in str(refused.value)
    assert _files(original) == before

    # The way out the message names: a new experiment, created under the folder in use.
    moved = settings(copy, experiment="leadgate-copy")
    second = log_training(trained, policy, moved, {"path": "test", "leads": 1})
    assert _files(original) == before
    client = MlflowClient(tracking_uri=moved.tracking_uri())
    assert client.get_run(second.run_id).info.artifact_uri.startswith(
        (copy / "mlartifacts").resolve().as_uri()
    )
    source = client.get_model_version(moved.model_name, second.version).source
    model = client.get_logged_model(source.removeprefix("models:/"))
    assert model.artifact_location.startswith((copy / "mlartifacts").resolve().as_uri())


def test_a_postgresql_tracking_store_logs_twice_quietly_with_files_in_the_data_folder(
    tmp_path, monkeypatch, trained, policy, caplog, capfd
):
    import logging

    from mlflow import MlflowClient

    from leadgate.settings import Settings
    from leadgate.training.registry import log_training
    from tests.postgres import fresh_schema, postgres_or_skip

    url = postgres_or_skip()
    for name in ("DATABASE_URL", "MLFLOW_TRACKING_URI", "LEADGATE_DATA_DIR", "LEADGATE_ARTIFACT_ROOT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # MLflow's own default would write ./mlruns here
    caplog.set_level(logging.WARNING, logger="psycopg")
    with fresh_schema(url) as schema:
        tracking = f"{url}?options=-csearch_path%3D{schema}"
        settings = Settings(data_dir=tmp_path / "data", mlflow_tracking_uri=tracking)
        source = {"path": "fixture", "leads": 1}
        first, second = (log_training(trained, policy, settings, source) for _ in range(2))
        client = MlflowClient(tracking_uri=tracking)
        metrics = client.get_run(second.run_id).data.metrics
        location = client.get_experiment_by_name(settings.experiment).artifact_location
    # Walk L: MLflow 3 logged each metric once per model of the run, and PostgreSQL's refusal of the copies
    # printed psycopg's "error ignored terminating … pipeline aborted" on every training.
    assert [r.getMessage() for r in caplog.records if r.name.startswith("psycopg")] == []
    assert "error" not in capfd.readouterr().err.lower()
    assert (first.version, second.version) == ("1", "2") and second.aliases == ["challenger"]
    assert metrics["test.system.roc_auc"] == trained.metrics["test.system.roc_auc"]
    # Walk L: the files went to ./mlruns of whatever folder the first training ran in.
    assert location == (tmp_path / "data" / "mlartifacts").resolve().as_uri()
    assert not (tmp_path / "mlruns").exists()


def test_an_artifact_root_given_is_where_a_new_experiment_keeps_its_files(tmp_path, monkeypatch):
    from mlflow import MlflowClient

    from leadgate.settings import Settings
    from leadgate.training.registry import configure_mlflow

    for name in ("DATABASE_URL", "MLFLOW_TRACKING_URI", "LEADGATE_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    root = (tmp_path / "shared-artifacts").as_uri()
    monkeypatch.setenv("LEADGATE_ARTIFACT_ROOT", root)
    settings = Settings(data_dir=tmp_path / "data")
    configure_mlflow(settings)
    configure_mlflow(settings)  # outside the data folder as told: no "copied folder" refusal
    client = MlflowClient(tracking_uri=settings.tracking_uri())
    assert client.get_experiment_by_name(settings.experiment).artifact_location == root


def test_a_weak_model_is_no_first_champion_and_a_champion_there_stays(tmp_path, monkeypatch, trained, policy):
    from mlflow import MlflowClient

    from leadgate.settings import Settings
    from leadgate.training.registry import log_training

    for name in ("DATABASE_URL", "MLFLOW_TRACKING_URI", "LEADGATE_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(data_dir=tmp_path / "data", mlflow_tracking_uri=None)
    said = "the test part's ROC-AUC 0.540 (95% interval 0.39–0.69, 12 SQLs) cannot be told from chance"
    source = {"path": "test", "leads": 1}
    weak = log_training(trained, policy, settings, source, weak=said)
    client = MlflowClient(tracking_uri=settings.tracking_uri())
    assert weak.aliases == [] and client.get_registered_model("leadgate").aliases == {}
    tags = client.get_model_version("leadgate", weak.version).tags
    assert tags["leadgate.weak"] == said and "leadgate.unaliased" not in tags  # that one says a leak
    champion = log_training(trained, policy, settings, source)
    assert champion.aliases == ["champion"]
    # Once a champion decides, a weak model is a challenger as any new one: promotion judges it in shadow.
    later = log_training(trained, policy, settings, source, weak=said)
    assert later.aliases == ["challenger"]
    aliases = client.get_registered_model("leadgate").aliases
    assert aliases == {"champion": int(champion.version), "challenger": int(later.version)}
