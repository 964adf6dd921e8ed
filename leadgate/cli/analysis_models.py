"""Which registered model the analysis commands decide with: the one asked for, else the champion, else none."""

from __future__ import annotations

GATES_ONLY = "none"  # --model-alias none: the gates alone decide, as in a folder with no model registered


def model_of(settings, alias: str | None, warn: bool = True):
    """The registered model an alias (or version) names; None for gates only."""
    from leadgate.cli.common import loaded_or_fail

    return loaded_or_fail(settings, alias, warn) if alias and alias.lower() != GATES_ONLY else None


def asked(alias: str | None) -> str | None:
    """The alias a command's history default asks about: none for gates only (the champion's history then)."""
    return None if alias is None or alias.lower() == GATES_ONLY else alias


def current_model_of(settings, alias: str | None):
    """The model asked for; else the champion when one is registered; else none, said in words when the
    policy is known (`say_gates_only`). Walk AE: a back-test without --model-alias ran gates only, every
    ungated lead to verify, and compared two policies on 4,622 calls the model would have cut to 364."""
    from leadgate.serving.model_loading import registered_run

    if alias is not None:
        return model_of(settings, alias)
    if _no_registry(settings):  # known without MLflow, whose import alone takes seconds
        return None
    # Asked without loading or creating anything: a registry without a champion is left as it is.
    return model_of(settings, "champion") if registered_run(settings, "champion") else None


def say_gates_only(settings, alias: str | None, policy, which: str = "") -> None:
    """Why the gates alone decide (`which` setup, when not every one): none asked for (--model-alias none),
    or no champion registered."""
    from leadgate.cli.common import console

    route = policy.routing.no_model_route.value
    why = "--model-alias none" if alias is not None else _no_champion(settings)
    console.print(
        f"{which + ': ' if which else ''}{why}: gates only, every lead no gate holds goes to {route}"
    )


def _no_registry(settings) -> bool:
    """Whether there is no registry to ask: a SQLite file not there, in the data folder or named by
    MLFLOW_TRACKING_URI (asking MLflow would create it)."""
    from leadgate.serving.model_loading import missing_registry

    embedded_missing = settings.embedded_tracking() and not settings.embedded_store_exists()
    return embedded_missing or missing_registry(settings) is not None


def _no_champion(settings) -> str:
    from leadgate.serving.db_problems import masked

    where = settings.data_dir if settings.embedded_tracking() else masked(settings.tracking_uri())
    return f"no model registered in {where}" if _no_registry(settings) else f"no champion in {where}"
