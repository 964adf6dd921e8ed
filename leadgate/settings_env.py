"""Settings read from the environment for an entry point: a bad one it reads is an error naming its variable."""

from __future__ import annotations

from leadgate.settings import Settings


class SettingsError(ValueError):
    """A setting read from the environment is bad; the message names each variable and its problem."""


# What every entry point may read (the CLI's commands, leadgate.load). A bad value of any other setting (the
# service's port, keys, limits) is passed over with a warning: `leadgate serve` refuses it.
COMMON_SETTINGS = frozenset(
    {
        "data_dir",
        "database_url",
        "mlflow_tracking_uri",
        "model_name",
        "experiment",
        "policy_path",
        "artifact_root",
        "registry_timeout_seconds",
    }
)


def settings_from_env(overrides: dict, uses: frozenset[str] | None = None) -> tuple[Settings, list[str]]:
    """Settings from the environment with `overrides` on top, and the problems of settings passed over.

    A bad value of a setting in `uses` (all, when None) raises SettingsError; one outside it is passed over
    (its default taken) and described in the returned list, for the caller to warn about.
    """
    from pydantic import ValidationError

    try:
        return Settings(**overrides), []
    except ValidationError as error:
        problems = error.errors()
    # A field read under its own name (DATABASE_URL) reports that name: back to the field's.
    field = {id(p): str(p["loc"][0]).lower().removeprefix("leadgate_") for p in problems if p["loc"]}
    needed = [p for p in problems if uses is None or id(p) not in field or field[id(p)] in uses]
    if needed:
        raise SettingsError("; ".join(setting_problem(p) for p in needed))
    defaults = {
        name: Settings.model_fields[name].get_default(call_default_factory=True) for name in field.values()
    }
    try:
        return Settings(**defaults, **overrides), [setting_problem(p) for p in problems]
    except ValidationError as error:  # a check across settings (metrics_port = port) that still fails
        raise SettingsError("; ".join(setting_problem(p) for p in error.errors())) from None


def setting_problem(problem: dict) -> str:
    """One problem of a setting: its environment variable, where inside the value, and what is wrong."""
    loc = [str(part) for part in problem["loc"]]
    message = problem["msg"].removeprefix("Value error, ")
    if problem["type"] in ("too_short", "string_too_short"):  # pydantic counts a secret's "items"
        message = f"too short: at least {problem['ctx']['min_length']} characters"
    if not loc:
        return f"settings: {message}"
    # A field read under its own name (DATABASE_URL) is named so; the others carry the prefix.
    variable = loc[0] if loc[0].isupper() else f"LEADGATE_{loc[0].upper()}"
    inside = f" (entry {loc[1]}, {'.'.join(loc[2:])})" if len(loc) > 2 and loc[1].isdigit() else ""
    if len(loc) > 1 and not inside:
        inside = f" ({'.'.join(loc[1:])})"
    return f"{variable}{inside}: {message}"
