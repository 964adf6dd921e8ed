"""Logging a trained model to MLflow, registering a version and setting the champion alias."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from leadgate.decision.policy import Policy
from leadgate.serving.registry_aliases import REPLACED_TAG, UNALIASED_TAG, WEAK_TAG  # noqa: F401 - read here too
from leadgate.serving.registry_calls import ask, registry_call
from leadgate.settings import Settings
from leadgate.training.registry_changes import (  # noqa: F401 - importers read alias_version and record_promotion here
    CHALLENGER,
    CHAMPION,
    alias_of,
    alias_version,
    move_alias,
    record_promotion,
    tag_version,
)
from leadgate.training.train import TrainResult


@dataclass(frozen=True)
class Registered:
    """Where a trained model ended up."""

    run_id: str
    name: str
    version: str
    aliases: list[str]
    # The version that held the challenger alias before this one took it, if another did.
    replaced_challenger: str | None = None


def configure_mlflow(settings: Settings, new_runs: bool = True):
    """Point MLflow at the settings' tracking URI and experiment (created with local artifacts if new).

    `new_runs=False` is for the registry alone (aliases, tags): those live in the tracking database, inside
    even a copied data folder, so a copy may read and tag its models though it may not log new ones.
    """
    import logging
    import os

    # Per-file download bars from MLflow would drown the CLI's own progress display.
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    import mlflow

    # Table-creation chatter from MLflow's embedded store is noise in a CLI; warnings still show.
    for name in ("mlflow", "alembic"):
        logging.getLogger(name).setLevel(logging.WARNING)

    settings.ensure_data_dir()
    from leadgate.serving.registry_reach import check_registry

    # RegistryUnreachable in seconds, not after MLflow's minutes of retries; False: a database without MLflow's
    # tables yet.
    tables = check_registry(settings)
    embedded = settings.embedded_tracking()
    creating = not tables or (embedded and not settings.embedded_store_exists())
    settings.point_mlflow()
    name = settings.experiment
    if creating:
        # MLflow creates a new registry's tables at this first call (seconds on a busy machine): given up on, the
        # command would end with the creation cut in half. A new database, it is locked by no one yet.
        experiment = mlflow.get_experiment_by_name(name)
    else:
        experiment = ask(settings, f"reading experiment {name}", "get_experiment_by_name", name)
    if experiment is None:
        # MLflow's own default for a database URI is ./mlruns of whatever folder the first training ran in.
        told = settings.artifact_root is not None
        location = settings.artifact_location() if told or not settings.tracking_server() else None
        ask(
            settings,
            f"creating experiment {name}",
            "create_experiment",
            name,
            artifact_location=location,
            write=True,
        )
    elif (
        new_runs
        and embedded
        and experiment.artifact_location != settings.artifact_root  # outside the folder as told
        and (elsewhere := settings.local_path_outside(experiment.artifact_location))
    ):
        # MLflow stores the location as an absolute path and has no API to change it (mlflow#3719), so in a
        # copied folder every new model would be written into the original one.
        from leadgate.settings import ArtifactsElsewhere

        raise ArtifactsElsewhere(
            f"{settings.tracking_uri().removeprefix('sqlite:///')} keeps the artifacts of experiment "
            f"'{settings.experiment}' in {elsewhere}, outside this data folder {settings.data_dir.resolve()}: "
            "the folder was copied or moved from there, and new models would be written into the other "
            "folder. Work in that folder, start from an empty data folder, or set LEADGATE_EXPERIMENT to a "
            f"new experiment name to keep new runs under {settings.data_dir.resolve() / 'mlartifacts'} "
            f"(models registered before the copy are read from this folder's copy of {elsewhere})."
        )
    registry_call(settings, f"choosing experiment {name}", mlflow.set_experiment, name)
    return mlflow


def log_training(
    result: TrainResult,
    policy: Policy,
    settings: Settings,
    data_info: dict,
    first_becomes_champion: bool = True,
    aliased: bool = True,
    notes: tuple[str, ...] = (),
    go_on: Callable[[], None] = lambda: None,
    weak: str | None = None,
) -> Registered:
    """One MLflow run: params, metrics, policy, feature list, plots, the pyfunc model; register and alias it.

    The very first model becomes champion (unless told not to); every later one becomes the challenger,
    scored in shadow until `leadgate promote` finds the evidence to move the champion alias. A `weak` model
    (train's words: its test ROC-AUC cannot be told from chance) is tagged so, and is no first champion: it
    gets no alias then, while a champion there stays, as it would for any challenger. `go_on` raises to
    stop (an interrupt): it is asked as the run ends, and again before the alias moves, when a stop deletes the
    version just registered.
    """
    configure_mlflow(settings)
    import mlflow
    import mlflow.lightgbm
    import pandas as pd
    from mlflow.models import infer_signature

    from leadgate.training.plots import calibration_figure, route_distribution_figure
    from leadgate.training.pyfunc import MODEL_CODE

    test = result.test_decisions
    with mlflow.start_run(run_name="leadgate-train") as run, tempfile.TemporaryDirectory() as tmp:
        if notes:  # the run's description in MLflow: what a reader of the run should know of its data
            mlflow.set_tag("mlflow.note.content", "\n\n".join(notes))
        mlflow.log_params({f"lgbm.{k}": v for k, v in result.booster_params.items()})
        builder = result.model.builder
        params = {
            k: v for k, v in builder.get_params().items() if k not in ("custom_fields", "intent_windows")
        }
        params["custom_fields"] = ", ".join(f.name for f in builder.custom_fields)[:5000] or "none"
        params.update({f"intent_window.{event}": days for event, days in builder.windows})
        mlflow.log_params({f"features.{k}": v for k, v in params.items()})
        mlflow.log_params(
            {"policy_version": policy.version, **{f"data.{k}": v for k, v in data_info.items()}}
        )
        mlflow.log_params({f"split.{k}": v for k, v in result.split.describe().items()})
        mlflow.log_params({"split.kind": result.split.kind, "split.note": result.split.note})
        mlflow.log_params({f"threshold.{k}": v for k, v in result.model.thresholds.model_dump().items()})
        mlflow.log_param("calibration", json.dumps(list(result.model.calibration)))
        mlflow.log_text(policy.to_yaml(), "policy.yaml")
        mlflow.log_dict(
            {
                "features": [vars(spec) for spec in builder.features],
                "custom_fields": [f.to_dict() for f in builder.custom_fields],
                "size_candidates": result.candidates,
                "intent_windows": result.extras.get("intent_windows", []),
            },
            "features.json",
        )
        if result.model.reference is not None:
            # Readable on its own: the SQL rates by value range that decide what may be listed Against.
            mlflow.log_dict(result.model.reference.to_dict(), "reason_reference.json")
        # Each scorer's columns in full (`column_names`), and every export column the baselines left out, with why.
        evaluation = {"comparison": result.comparison, "routes": result.routes}
        # And each column the mapping reads that alone orders the leads suspiciously well (the verdict's words).
        evaluation["suspect_columns"] = result.extras.get("suspect_columns", [])
        # And each rejecting gate's ROC-AUC cost turned off alone, with its paired interval: the gates the verdict
        # names as costly, and those it says to keep, in numbers.
        evaluation["gate_costs"] = result.extras.get("gate_losses", [])
        mlflow.log_dict({**evaluation, "left_out": result.extras.get("left_out", {})}, "evaluation.json")
        # The leads the model routes, as the report's curve and test.model_ungated measure them.
        ungated = ~test.gates.rejecting()
        mlflow.log_figure(
            calibration_figure(test.p_sql[ungated], result.test_sql[ungated]), "plots/calibration.png"
        )
        mlflow.log_figure(route_distribution_figure(test.p_sql, test.route), "plots/score_by_route.png")
        # The bare booster as MLflow's own LightGBM flavor: what `mlflow models serve` would serve by default,
        # kept beside the pipeline model as the serving benchmark's baseline. Trees only: when validation chose a
        # linear start, the pipeline model adds its log-odds (params.linear_start says so).
        sample = pd.DataFrame(result.test_decisions.matrix[:5], columns=list(builder.feature_names))
        signature = infer_signature(sample, result.model.booster.predict(sample.to_numpy()))
        mlflow.lightgbm.log_model(
            result.model.booster,
            name="booster",
            signature=signature,
            pip_requirements=mlflow.lightgbm.get_default_pip_requirements(),
        )
        bundle_path, policy_path = Path(tmp) / "bundle.json", Path(tmp) / "policy.yaml"
        code_path = Path(tmp) / "leadgate_model.py"
        code_path.write_text(MODEL_CODE)
        bundle = result.model.to_dict()
        # Traceable even when the pyfunc is served on its own; loading by alias refines it to name/version.
        bundle["version"] = f"{settings.model_name}@run:{run.info.run_id}"
        bundle_path.write_text(json.dumps(bundle))
        policy_path.write_text(policy.to_yaml())
        info = mlflow.pyfunc.log_model(
            name="model",
            python_model=str(code_path),
            artifacts={"bundle": str(bundle_path), "policy": str(policy_path)},
            pip_requirements=_pinned("leadgate", "lightgbm", "numpy", "pandas"),
        )
        # After the models, for the served one: logged before, MLflow copies them onto each model logged
        # later, and logged after without a model, once per model of the run; a metric's key holds no model,
        # so the copies collide, which on PostgreSQL aborts a psycopg pipeline that prints an error line.
        metrics = {k.replace("@", "_"): v for k, v in result.metrics.items() if v == v}
        mlflow.log_metrics(metrics, model_id=info.model_id)
        go_on()  # raised inside the run, a stop ends it FAILED with nothing registered
    name = settings.model_name
    version = _register(settings, info, run.info.run_id)
    _or_withdrawn(settings, version, go_on)
    alias = CHALLENGER
    if first_becomes_champion and alias_of(settings, CHAMPION) is None:
        alias = CHAMPION
    if weak:
        tag_version(settings, version, WEAK_TAG, weak[:4900])
    # A first model no better than a coin on its test part would decide every lead unasked.
    weak_champion = bool(weak) and alias == CHAMPION
    replaced = None
    if aliased and not weak_champion:
        if alias == CHALLENGER:
            replaced = alias_of(settings, CHALLENGER)
        move_alias(settings, alias, version)
        if replaced is not None:
            # Its shadow period ends here: the registry says why it no longer has the alias.
            tag_version(settings, replaced, REPLACED_TAG, version)
    elif not aliased:
        # Kept for inspection (`leadgate.load(version=N)`, the report), never served, never in shadow.
        tag_version(settings, version, UNALIASED_TAG, result.extras.get("leak") or "")
    # The feature list travels with the version too, so the registry UI says which CRM fields a model reads.
    fields = [f"{f.name} ({f.type})" for f in result.model.builder.custom_fields]
    tag_version(settings, version, "leadgate.custom_fields", ", ".join(fields)[:4900] or "none")
    tag_version(settings, version, "leadgate.feature_count", str(len(result.model.builder.features)))
    return Registered(
        run_id=run.info.run_id,
        name=name,
        version=version,
        aliases=[alias] if aliased and not weak_champion else [],
        replaced_challenger=replaced,
    )


def _register(settings: Settings, info, run_id: str) -> str:
    """A new version of the registered model from the logged pyfunc; the registered model made first if new."""
    import contextlib

    from mlflow.exceptions import MlflowException

    name = settings.model_name
    # Asked first, not created and caught: on PostgreSQL a refused insert prints psycopg's pipeline error, and
    # MLflow's own registration (log_model's registered_model_name) always tries the insert.
    try:
        ask(settings, f"reading registered model {name}", "get_registered_model", name)
    except MlflowException as error:
        if error.error_code != "RESOURCE_DOES_NOT_EXIST":  # a registry that cannot be read is no new name
            raise
        with contextlib.suppress(MlflowException):  # another training registered it meanwhile
            ask(settings, f"creating registered model {name}", "create_registered_model", name, write=True)
    created = ask(
        settings,
        f"registering a new version of {name}",
        "create_model_version",
        name,
        source=info.model_uri,
        run_id=run_id,
        model_id=info.model_id,
        write=True,
    )
    return str(created.version)


def _or_withdrawn(settings: Settings, version: str, go_on: Callable[[], None]) -> None:
    """`go_on()`; a stop it raises deletes the version just registered, before any alias could move to it."""
    try:
        go_on()
    except BaseException:
        name = settings.model_name
        ask(settings, f"deleting {name}/{version}", "delete_model_version", name, version, write=True)
        raise


def _pinned(*distributions: str) -> list[str]:
    """'name==version' of each installed distribution: the model's requirements, stated rather than inferred.

    Inference loads the model in a subprocess to see what it imports: ~2.8 s a model, twice a training run.
    """
    from importlib.metadata import version

    return [f"{name}=={version(name)}" for name in distributions]
