"""Loading a registered model version (by alias) and its policy from MLflow."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from leadgate.decision.model import ScoringModel
from leadgate.decision.pipeline import DecisionPipeline
from leadgate.decision.policy import Policy, load_policy
from leadgate.settings import Settings

# One load at a time per process: mlflow's loader swaps a stand-in `dbutils` module into sys.modules while it
# loads and puts back what it found, so two loads at once (champion and challenger pollers) can leave the
# stand-in there for good; and the tracking URI it reads is process-global.
_LOADING = threading.Lock()


class ModelNotFound(LookupError):
    """No model version carries the requested alias, or it cannot be loaded."""


@dataclass(frozen=True)
class LoadedModel:
    """A registered model version ready to score, with the policy it was trained under."""

    model: ScoringModel
    policy: Policy
    name: str
    version: str
    run_id: str
    # The policy stored with the model, whichever decides: kept in the data folder for when the registry is away.
    own_policy: Policy | None = None

    def pipeline(self) -> DecisionPipeline:
        """The decision pipeline for this model under the policy in force (`policy_for`)."""
        return DecisionPipeline(self.policy, self.model)


def policy_for(settings: Settings, model_policy: Policy | None = None) -> Policy:
    """The policy that decides, by one rule: the settings' policy file, else the model's own, else the shipped one."""
    if settings.policy_path:
        return load_policy(settings.policy_path)
    return model_policy if model_policy is not None else load_policy()


def _refuse_empty_folder(settings: Settings) -> None:
    # Asking MLflow would create an empty tracking database in a folder that holds no model at all.
    if settings.embedded_tracking() and not settings.embedded_store_exists():
        raise ModelNotFound(f"no models in {settings.data_dir.resolve()} yet (run `leadgate train` first)")
    from leadgate.serving.registry_reach import check_registry

    check_registry(settings)  # an unreachable registry in seconds, not after MLflow's minutes of retries


def load_by_alias(settings: Settings, alias: str = "champion") -> LoadedModel:
    """Load the version an alias points to; the policy is the settings' file when given, else the model's."""
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    _refuse_empty_folder(settings)
    try:
        version = MlflowClient(tracking_uri=settings.tracking_uri()).get_model_version_by_alias(
            settings.model_name, alias
        )
    except MlflowException as error:
        raise ModelNotFound(
            f"no model '{settings.model_name}' with alias '{alias}' at {settings.tracking_uri()}"
            + _what_is_there(settings, alias)
        ) from error
    # Load by version number, not alias, so a concurrent alias move cannot mix two versions.
    return load_version(settings, version)


def registered_run(settings: Settings, alias: str = "champion") -> tuple[str, str] | None:
    """The version an alias (or a version number) names, as 'leadgate/3', and its training run's id, without
    loading the model; None when there is no such version (or no registry: none is created to ask)."""
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    try:
        _refuse_empty_folder(settings)
        client, name = MlflowClient(tracking_uri=settings.tracking_uri()), settings.model_name
        version = (
            client.get_model_version(name, alias)
            if alias.isdigit()
            else client.get_model_version_by_alias(name, alias)
        )
    except (ModelNotFound, MlflowException):
        return None
    return f"{name}/{version.version}", version.run_id


UNALIASED_TAG = "leadgate.unaliased"  # set by `leadgate train` on a version whose alias it withheld (a leak)
REPLACED_TAG = "leadgate.challenger_replaced_by"  # set on a challenger whose alias a newer version took


def _what_is_there(settings: Settings, alias: str) -> str:
    """The end of a missing alias's message: train first, or the aliases there are, and the newest version when
    it has none (withheld, or its shadow period ended) with how to use it anyway."""
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    client, name = MlflowClient(tracking_uri=settings.tracking_uri()), settings.model_name
    try:
        versions = client.search_model_versions(f"name = '{name}'")
        # search_model_versions leaves every version's aliases empty: the registered model holds them.
        aliases = client.get_registered_model(name).aliases if versions else {}
        newest = (
            client.get_model_version(name, max((v.version for v in versions), key=int)) if versions else None
        )
    except MlflowException:
        return ""
    if newest is None:
        return " (run `leadgate train` first)"
    there = ", ".join(
        f"{held} ({name}/{number})" for held, number in sorted(aliases.items(), key=_by_version)
    )
    said = f": the aliases there are {there}" if there else ": no version has an alias"
    if newest.aliases:
        return said
    why = why_no_alias(newest)
    return (
        f"{said}; the newest version, {name}/{newest.version}, has no alias"
        + (f" ({why})" if why else "")
        + f"; to use it anyway: `--alias {newest.version}`, or `leadgate.load(version={newest.version})` in Python"
    )


def _by_version(alias_and_version: tuple[str, str]) -> tuple[int, str]:
    return int(alias_and_version[1]), alias_and_version[0]


def why_no_alias(version) -> str | None:
    """Why a registered version (an mlflow ModelVersion) has no alias, when the registry records it; else None."""
    tags = version.tags or {}
    if version.aliases:
        return None
    if UNALIASED_TAG in tags:
        return "`leadgate train` withheld its alias, as a column seems to give the outcome away: its notes say which"
    if REPLACED_TAG in tags:
        return f"its shadow period ended when {tags[REPLACED_TAG]} became challenger"
    return None


def version_without_alias(settings: Settings, number: str) -> str | None:
    """A line for a version asked for by number that has no alias, with why when the registry records it."""
    from mlflow import MlflowClient

    version = MlflowClient(tracking_uri=settings.tracking_uri()).get_model_version(
        settings.model_name, number
    )
    if version.aliases:
        return None
    why = why_no_alias(version)
    return f"{settings.model_name}/{number} has no alias, so nothing serves or shadows it" + (
        f": {why}" if why else ""
    )


def load_registered_version(settings: Settings, number: str) -> LoadedModel:
    """Load a registered version by its number, as `load_by_alias` loads an aliased one."""
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    _refuse_empty_folder(settings)
    try:
        version = MlflowClient(tracking_uri=settings.tracking_uri()).get_model_version(
            settings.model_name, str(number)
        )
    except MlflowException as error:
        raise ModelNotFound(
            f"no version {number} of model '{settings.model_name}' at {settings.tracking_uri()}"
        ) from error
    return load_version(settings, version)


def load_version(settings: Settings, version) -> LoadedModel:
    """Load one registered version (an mlflow ModelVersion) with its policy, or the settings' policy file."""
    import os

    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    import mlflow

    with _LOADING:
        settings.point_mlflow()
        # suppress_warnings skips MLflow's scan of every installed distribution against the model's
        # requirements (0.7 s of a 1.1 s load); the bundle checks its own format and feature list.
        pyfunc = mlflow.pyfunc.load_model(_model_uri(settings, version), suppress_warnings=True)
    wrapper = pyfunc.unwrap_python_model()
    model: ScoringModel = wrapper.scoring_model
    model.version = f"{settings.model_name}/{version.version}"
    return LoadedModel(
        model,
        policy_for(settings, wrapper.policy),
        settings.model_name,
        str(version.version),
        version.run_id,
        own_policy=wrapper.policy,
    )


def _model_uri(settings: Settings, version) -> str:
    """What to load a version from: the registry's URI, or the model's files in this data folder when the folder
    was moved or copied (MLflow keeps the absolute path of the folder the model was trained in)."""
    uri = f"models:/{settings.model_name}/{version.version}"
    location = _artifact_location(settings, version) if settings.embedded_tracking() else None
    elsewhere = settings.local_path_outside(location) if location else None
    if elsewhere is None:
        return uri
    here = settings.artifacts_here(location)
    if here is not None and here.is_dir():
        # A copy reads its own files, so it keeps working once the original is gone.
        return str(here)
    if elsewhere.is_dir():
        return uri
    raise ModelNotFound(
        f"{settings.model_name}/{version.version}: {settings.tracking_uri().removeprefix('sqlite:///')} keeps its "
        f"files in {elsewhere}, which no longer exists, and this data folder has no copy of them"
        + (f" at {here}" if here is not None else "")
        + ": the folder was moved or copied without its mlartifacts folder, or the model was trained elsewhere"
    )


def _artifact_location(settings: Settings, version) -> str | None:
    """The URI of a version's model files: its logged model's (MLflow 3), else its source; None if unknown."""
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    source = str(version.source or "")
    if not source.startswith("models:/"):
        return source or None
    try:
        model = MlflowClient(tracking_uri=settings.tracking_uri()).get_logged_model(
            source.removeprefix("models:/")
        )
    except MlflowException:
        return None
    return model.artifact_location
