"""Tags and alias moves on registered versions, each within the registry's bound: train's, and promote's verdict."""

from __future__ import annotations

import json

from leadgate.serving.registry_aliases import version_by_alias
from leadgate.serving.registry_calls import ask
from leadgate.settings import Settings

CHAMPION = "champion"
CHALLENGER = "challenger"


def tag_version(settings: Settings, version: str, key: str, value: str) -> None:
    """One tag on a version, within the registry's bound."""
    name = settings.model_name
    ask(
        settings,
        f"tagging {name}/{version} {key}",
        "set_model_version_tag",
        name,
        version,
        key,
        value,
        write=True,
    )


def move_alias(settings: Settings, alias: str, version: str) -> None:
    """Point an alias at a version, within the registry's bound."""
    name = settings.model_name
    doing = f"moving alias {alias} to {name}/{version}"
    ask(settings, doing, "set_registered_model_alias", name, alias, version, write=True)


def alias_of(settings: Settings, alias: str) -> str | None:
    """The version number an alias names, None when the registry says there is none (never for a registry that
    failed or did not answer: RegistryUnreachable)."""
    version = version_by_alias(settings, alias)
    return None if version is None else str(version.version)


def alias_version(settings: Settings, alias: str) -> str | None:
    """The version number an alias points to, or None."""
    if settings.embedded_tracking() and not settings.embedded_store_exists():
        return None  # asking MLflow would create an empty registry (and the data folder) just to read it
    from leadgate.training.registry import configure_mlflow

    configure_mlflow(settings, new_runs=False)
    return alias_of(settings, alias)


def record_promotion(
    settings: Settings, challenger: str, champion: str | None, report: dict, *, who: str
) -> None:
    """Tag the challenger version with the decision, its reasons and who asked for it; move the aliases when it
    is promoted."""
    from datetime import UTC, datetime

    from leadgate.training.registry import configure_mlflow

    configure_mlflow(settings, new_runs=False)
    name = settings.model_name
    decision = "promoted" if report["promote"] else "refused"
    reasons = [check["detail"] for check in report["checks"] if check["passed"] is report["promote"]]
    summary = {
        k: report.get(k)
        for k in ("policy_version", "with_outcome", "sqls", "won", "auc_difference", "checks")
    }
    tags = {
        "leadgate.promotion.decision": decision,
        # Whose criteria: `promote --policy` can loosen them, and the audit trail must show it.
        "leadgate.promotion.policy": report.get("policy_version") or "",
        "leadgate.promotion.at": datetime.now(UTC).isoformat(timespec="seconds"),
        # A person moves the champion, as one rolls it back: the registry says who (`promote --who`).
        "leadgate.promotion.by": who[:4900],
        "leadgate.promotion.against": champion or "",
        "leadgate.promotion.reasons": "; ".join(reasons or [c["detail"] for c in report["checks"]])[:4900],
        # MLflow caps a model-version tag at 5,000 characters; the full report is printed and --out writes it.
        "leadgate.promotion.report": json.dumps(summary, default=str)[:4900],
    }
    for key, value in tags.items():
        tag_version(settings, challenger, key, value)
    if report["promote"]:
        move_alias(settings, CHAMPION, challenger)
        ask(
            settings,
            f"removing alias {CHALLENGER}",
            "delete_registered_model_alias",
            name,
            CHALLENGER,
            write=True,
        )
        if champion:
            tag_version(settings, champion, "leadgate.replaced_by", challenger)
