"""MLflow logging and registration on the embedded SQLite backend."""

import json

import numpy as np


def test_training_is_logged_registered_and_made_champion(registered_settings):
    import mlflow
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
    mlflow.set_tracking_uri(settings.tracking_uri())


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
