"""Rolling the champion back to the version it replaced, with the registry's story kept true."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from leadgate.serving.registry_calls import ask
from leadgate.settings import Settings
from leadgate.training.registry import configure_mlflow
from leadgate.training.registry_changes import CHAMPION, alias_of, move_alias, tag_version


class RollbackError(ValueError):
    """No rollback is possible; the message says why."""


@dataclass(frozen=True)
class Rollback:
    """The champion before and after: `current` goes, `previous` (the champion it replaced) comes back."""

    current: str
    previous: str


def plan_rollback(settings: Settings) -> Rollback:
    """Which version the champion alias would move back to: the one whose `leadgate.replaced_by` names it."""
    name = settings.model_name
    if settings.embedded_tracking() and not settings.embedded_store_exists():
        # Asking MLflow would create an empty registry (and the data folder) to find no champion in it.
        raise RollbackError(
            f"no model '{name}' has the alias '{CHAMPION}': nothing to roll back "
            f"(no models in {settings.data_dir.resolve()} yet)"
        )
    configure_mlflow(settings, new_runs=False)
    # Only the registry saying there is no champion is "nothing to roll back"; a registry that fails or does not
    # answer is RegistryUnreachable.
    current = alias_of(settings, CHAMPION)
    if current is None:
        raise RollbackError(f"no model '{name}' has the alias '{CHAMPION}': nothing to roll back")
    versions = ask(settings, f"listing the versions of {name}", "search_model_versions", f"name='{name}'")
    replaced = [str(v.version) for v in versions if (v.tags or {}).get("leadgate.replaced_by") == current]
    if not replaced:
        raise RollbackError(
            f"{name}/{current} replaced no earlier champion (no version is tagged leadgate.replaced_by={current}): "
            "nothing to roll back to"
        )
    # Promoted more than once over the same champion cannot happen; the newest is the one it replaced last.
    return Rollback(current=current, previous=max(replaced, key=int))


def roll_back(settings: Settings, plan: Rollback, *, why: str, who: str) -> None:
    """Move the champion alias back and tag both versions: who, when and why, so the registry reads true."""
    name = settings.model_name
    at = datetime.now(UTC).isoformat(timespec="seconds")
    move_alias(settings, CHAMPION, plan.previous)
    for key, value in {
        "leadgate.rolled_back": f"{at} by {who}: {why}"[:4900],
        "leadgate.replaced_by": plan.previous,
    }.items():
        tag_version(settings, plan.current, key, value)
    # Champion again: it is replaced by nobody now; where it came back from is kept.
    doing = f"untagging {name}/{plan.previous} leadgate.replaced_by"
    ask(settings, doing, "delete_model_version_tag", name, plan.previous, "leadgate.replaced_by", write=True)
    tag_version(settings, plan.previous, "leadgate.restored_from", f"{plan.current} at {at}")
