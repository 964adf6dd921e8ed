"""Aliases in the registry: which version one names (bounded), and why a version has none, in words."""

from __future__ import annotations

from leadgate.serving.registry_calls import ask, registry_failed
from leadgate.settings import Settings

UNALIASED_TAG = "leadgate.unaliased"  # set by `leadgate train` on a version whose alias it withheld (a leak)
REPLACED_TAG = "leadgate.challenger_replaced_by"  # set on a challenger whose alias a newer version took
# On a version whose test ROC-AUC could not be told from chance: train's warning, the reason it is no champion.
WEAK_TAG = "leadgate.weak"


def alias_missing(error) -> bool:
    """True when an MlflowException says the alias (or the registered model) is not there; any other error is a
    registry problem, never "no version"."""
    if error.error_code == "RESOURCE_DOES_NOT_EXIST":
        return True
    # MLflow's stores and server say a missing alias so: "Registered model alias champion not found."
    message = str(getattr(error, "message", error)).lower()
    return error.error_code == "INVALID_PARAMETER_VALUE" and "alias" in message and "not found" in message


def version_by_alias(settings: Settings, alias: str):
    """The ModelVersion an alias names, or None when the registry says there is none; RegistryUnreachable when it
    does not answer within the bound or fails otherwise: never "none" for a registry that could not say."""
    from mlflow.exceptions import MlflowException

    doing = f"reading alias {alias}"
    try:
        return ask(settings, doing, "get_model_version_by_alias", settings.model_name, alias)
    except MlflowException as error:
        if alias_missing(error):
            return None
        raise registry_failed(settings, doing, error) from error


def why_no_alias(version) -> str | None:
    """Why a registered version (an mlflow ModelVersion) has no alias, when the registry records it; else None."""
    tags = version.tags or {}
    if version.aliases:
        return None
    if UNALIASED_TAG in tags:
        return "`leadgate train` withheld its alias, as a column seems to give the outcome away: its notes say which"
    if REPLACED_TAG in tags:
        return f"its shadow period ended when {tags[REPLACED_TAG]} became challenger"
    # Only a first model: a later weak one is challenger, judged in shadow as any.
    if WEAK_TAG in tags:
        return (
            "`leadgate train` registered it without an alias, as its test ROC-AUC could not be told from chance "
            "(no first champion is such a model unless --accept-weak)"
        )
    return None
