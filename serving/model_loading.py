"""Loading a registered model version (by alias) and its policy from MLflow."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from leadgate.decision.model import ScoringModel
from leadgate.decision.pipeline import DecisionPipeline
from leadgate.decision.policy import Policy, load_policy
from leadgate.serving.registry_aliases import (  # noqa: F401 - importers read the tags and why_no_alias here too
    REPLACED_TAG,
    UNALIASED_TAG,
    WEAK_TAG,
    alias_missing,
    version_by_alias,
    why_no_alias,
)
from leadgate.serving.registry_calls import ask, registry_call, registry_failed
from leadgate.serving.registry_errors import ModelNotFound, RegistryUnreachable
from leadgate.settings import Settings

# One load at a time per process: mlflow's loader swaps a stand-in `dbutils` module into sys.modules while it
# loads and puts back what it found, so two loads at once (champion and challenger pollers) can leave the
# stand-in there for good; and the tracking URI it reads is process-global.
_LOADING = threading.Lock()


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


def missing_registry(settings: Settings) -> str | None:
    """Why MLFLOW_TRACKING_URI names no registry: a SQLite file that is not there (MLflow would create an empty one),
    other than the data folder's own `mlflow.db`, which a fresh folder has yet to get; None when it may be asked."""
    from pathlib import Path

    from sqlalchemy import make_url
    from sqlalchemy.exc import ArgumentError

    uri = settings.mlflow_tracking_uri
    if not uri or not uri.startswith("sqlite:"):
        return None
    try:
        path = make_url(uri).database or ""
    except ArgumentError:
        return None
    if path in ("", ":memory:") or path.startswith("file:") or Path(path).exists():
        return None
    if Path(path).resolve() == (settings.data_dir / "mlflow.db").resolve():
        return None
    return (
        f"no MLflow registry at {Path(path).resolve()} (MLFLOW_TRACKING_URI): no such file; check "
        "MLFLOW_TRACKING_URI, or run `leadgate train` to create a registry there"
    )


def _refuse_empty_folder(settings: Settings) -> None:
    # Asking MLflow would create an empty tracking database where no model can be: a mistyped file, or a folder
    # that holds no model at all.
    missing = missing_registry(settings)
    if missing is not None:
        raise ModelNotFound(missing)
    if settings.embedded_tracking() and not settings.embedded_store_exists():
        raise ModelNotFound(f"no models in {settings.data_dir.resolve()} yet (run `leadgate train` first)")
    from leadgate.serving.registry_reach import check_registry

    check_registry(settings)  # an unreachable registry in seconds, not after MLflow's minutes of retries


def load_by_alias(settings: Settings, alias: str = "champion") -> LoadedModel:
    """Load the version an alias points to; the policy is the settings' file when given, else the model's."""
    _refuse_empty_folder(settings)
    # A registry that fails is RegistryUnreachable, never "no model": the service keeps what it serves.
    version = version_by_alias(settings, alias)
    if version is None:
        raise ModelNotFound(
            f"no model '{settings.model_name}' with alias '{alias}' at {_where(settings)}"
            + _what_is_there(settings, alias)
        )
    # Load by version number, not alias, so a concurrent alias move cannot mix two versions.
    return load_version(settings, version)


def _where(settings: Settings) -> str:
    from leadgate.serving.db_problems import masked

    return masked(settings.tracking_uri())


def registered_run(settings: Settings, alias: str = "champion") -> tuple[str, str] | None:
    """The version an alias (or a version number) names, as 'leadgate/3', and its training run's id, without
    loading the model; None when there is no such version (or no registry: none is created to ask).
    RegistryUnreachable when the registry does not answer or fails: that is no answer, not "none"."""
    from mlflow.exceptions import MlflowException

    try:
        _refuse_empty_folder(settings)
    except RegistryUnreachable:
        raise
    except ModelNotFound:
        return None
    name = settings.model_name
    try:
        version = (
            ask(settings, f"reading version {alias}", "get_model_version", name, alias)
            if alias.isdigit()
            else version_by_alias(settings, alias)
        )
    except MlflowException as error:
        if alias_missing(error):
            return None
        raise registry_failed(settings, f"reading version {alias}", error) from error
    if version is None:
        return None
    return f"{name}/{version.version}", version.run_id


def _what_is_there(settings: Settings, alias: str) -> str:
    """The end of a missing alias's message: train first, or the aliases there are, and the newest version when
    it has none (withheld, or its shadow period ended) with how to use it anyway."""
    from mlflow.exceptions import MlflowException

    name = settings.model_name

    def look():
        from mlflow import MlflowClient

        client = MlflowClient(tracking_uri=settings.mlflow_uri())
        versions = client.search_model_versions(f"name = '{name}'")
        # search_model_versions leaves every version's aliases empty: the registered model holds them.
        aliases = client.get_registered_model(name).aliases if versions else {}
        newest = (
            client.get_model_version(name, max((v.version for v in versions), key=int)) if versions else None
        )
        return aliases, newest

    try:
        aliases, newest = registry_call(settings, f"listing the versions of {name}", look)
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


def version_without_alias(settings: Settings, number: str) -> str | None:
    """A line for a version asked for by number that has no alias, with why when the registry records it."""
    version = ask(settings, f"reading version {number}", "get_model_version", settings.model_name, number)
    if version.aliases:
        return None
    why = why_no_alias(version)
    return f"{settings.model_name}/{number} has no alias, so nothing serves or shadows it" + (
        f": {why}" if why else ""
    )


def load_registered_version(settings: Settings, number: str) -> LoadedModel:
    """Load a registered version by its number, as `load_by_alias` loads an aliased one."""
    from mlflow.exceptions import MlflowException

    _refuse_empty_folder(settings)
    try:
        version = ask(
            settings, f"reading version {number}", "get_model_version", settings.model_name, str(number)
        )
    except MlflowException as error:
        if not alias_missing(error):
            raise registry_failed(settings, f"reading version {number}", error) from error
        raise ModelNotFound(
            f"no version {number} of model '{settings.model_name}' at {_where(settings)}"
        ) from error
    return load_version(settings, version)


def load_version(settings: Settings, version) -> LoadedModel:
    """Load one registered version (an mlflow ModelVersion) with its policy, or the settings' policy file."""
    import os

    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    import mlflow

    uri, doing = _model_uri(settings, version), f"loading {settings.model_name}/{version.version}"
    # Waiting for another load is not the registry's time: taken here, released by the load however it ends
    # (a load given up on keeps it until it does).
    if not _LOADING.acquire(timeout=settings.registry_timeout_seconds):
        raise RegistryUnreachable(
            f"{doing}: another model load of this process has not ended within "
            f"{settings.registry_timeout_seconds:g} s (LEADGATE_REGISTRY_TIMEOUT_SECONDS); the registry "
            f"{_where(settings)} may not be answering it"
        )

    def load():
        try:
            settings.point_mlflow()
            # suppress_warnings skips MLflow's scan of every installed distribution against the model's
            # requirements (0.7 s of a 1.1 s load); the bundle checks its own format and feature list.
            return mlflow.pyfunc.load_model(uri, suppress_warnings=True)
        finally:
            _LOADING.release()

    # A models:/ URI is resolved by the registry, and the files may come from its server: bounded as its calls.
    pyfunc = registry_call(settings, doing, load)
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
        f"{settings.model_name}/{version.version}: {_where(settings).removeprefix('sqlite:///')} keeps its "
        f"files in {elsewhere}, which no longer exists, and this data folder has no copy of them"
        + (f" at {here}" if here is not None else "")
        + ": the folder was moved or copied without its mlartifacts folder, or the model was trained elsewhere"
    )


def _artifact_location(settings: Settings, version) -> str | None:
    """The URI of a version's model files: its logged model's (MLflow 3), else its source; None if unknown."""
    from mlflow.exceptions import MlflowException

    source = str(version.source or "")
    if not source.startswith("models:/"):
        return source or None
    model_id = source.removeprefix("models:/")
    try:
        model = ask(settings, f"reading logged model {model_id}", "get_logged_model", model_id)
    except MlflowException:
        return None
    return model.artifact_location
