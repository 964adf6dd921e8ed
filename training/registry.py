"""Logging a trained model to MLflow, registering a version and setting the champion alias."""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

from features.builder import FEATURE_NAMES, FEATURES
from features.policy import Policy
from leadgate.settings import Settings
from training.train import TrainResult

CHAMPION = "champion"


@dataclass(frozen=True)
class Registered:
    """Where a trained model ended up."""

    run_id: str
    name: str
    version: str
    aliases: list[str]


def configure_mlflow(settings: Settings):
    """Point MLflow at the settings' tracking URI and experiment (created with local artifacts if new)."""
    import logging
    import os

    # Per-file download bars from MLflow would drown the CLI's own progress display.
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    import mlflow

    # Table-creation chatter from MLflow's embedded store is noise in a CLI; warnings still show.
    for name in ("mlflow", "alembic"):
        logging.getLogger(name).setLevel(logging.WARNING)

    settings.ensure_data_dir()
    mlflow.set_tracking_uri(settings.tracking_uri())
    if mlflow.get_experiment_by_name(settings.experiment) is None:
        location = None if settings.mlflow_tracking_uri else settings.artifact_location()
        mlflow.create_experiment(settings.experiment, artifact_location=location)
    mlflow.set_experiment(settings.experiment)
    return mlflow


def log_training(result: TrainResult, policy: Policy, settings: Settings, data_info: dict) -> Registered:
    """One MLflow run: params, metrics, policy, feature list, plots, the pyfunc model; register and alias it."""
    configure_mlflow(settings)
    import mlflow
    import mlflow.lightgbm
    import pandas as pd
    from mlflow import MlflowClient
    from mlflow.models import infer_signature

    import features.pyfunc
    from training.plots import calibration_figure, route_distribution_figure

    test = result.test_decisions
    with mlflow.start_run(run_name="leadgate-train") as run, tempfile.TemporaryDirectory() as tmp:
        mlflow.log_params({f"lgbm.{k}": v for k, v in result.booster_params.items()})
        mlflow.log_params({f"features.{k}": v for k, v in result.model.builder.get_params().items()})
        mlflow.log_params(
            {"policy_version": policy.version, **{f"data.{k}": v for k, v in data_info.items()}}
        )
        mlflow.log_params({f"split.{k}": v for k, v in result.split.describe().items()})
        mlflow.log_params({f"threshold.{k}": v for k, v in result.model.thresholds.model_dump().items()})
        mlflow.log_param("calibration", json.dumps(list(result.model.calibration)))
        mlflow.log_metrics({k.replace("@", "_"): v for k, v in result.metrics.items() if v == v})
        mlflow.log_text(policy.to_yaml(), "policy.yaml")
        mlflow.log_dict(
            {"features": [vars(spec) for spec in FEATURES], "size_candidates": result.candidates},
            "features.json",
        )
        mlflow.log_dict({"comparison": result.comparison, "routes": result.routes}, "evaluation.json")
        mlflow.log_figure(calibration_figure(test.p_sql, result.test_sql), "plots/calibration.png")
        mlflow.log_figure(route_distribution_figure(test.p_sql, test.route), "plots/score_by_route.png")
        # The bare booster as MLflow's own LightGBM flavor: what `mlflow models serve` would serve by default,
        # kept beside the pipeline model as the serving benchmark's baseline.
        sample = pd.DataFrame(result.test_decisions.matrix[:5], columns=list(FEATURE_NAMES))
        signature = infer_signature(sample, result.model.booster.predict(sample.to_numpy()))
        mlflow.lightgbm.log_model(result.model.booster, name="booster", signature=signature)
        bundle_path, policy_path = Path(tmp) / "bundle.json", Path(tmp) / "policy.yaml"
        bundle = result.model.to_dict()
        # Traceable even when the pyfunc is served on its own; loading by alias refines it to name/version.
        bundle["version"] = f"{settings.model_name}@run:{run.info.run_id}"
        bundle_path.write_text(json.dumps(bundle))
        policy_path.write_text(policy.to_yaml())
        info = mlflow.pyfunc.log_model(
            name="model",
            python_model=features.pyfunc.__file__,
            artifacts={"bundle": str(bundle_path), "policy": str(policy_path)},
            registered_model_name=settings.model_name,
        )
    version = str(info.registered_model_version)
    client = MlflowClient()
    aliases = []
    if not _has_alias(client, settings.model_name, CHAMPION):
        # The first model becomes champion; later ones wait for promotion on evidence.
        client.set_registered_model_alias(settings.model_name, CHAMPION, version)
        aliases.append(CHAMPION)
    return Registered(run_id=run.info.run_id, name=settings.model_name, version=version, aliases=aliases)


def _has_alias(client, name: str, alias: str) -> bool:
    from mlflow.exceptions import MlflowException

    try:
        client.get_model_version_by_alias(name, alias)
    except MlflowException:
        return False
    return True
