"""Custom fields the service stops accepting when an alias moves: it takes a lead's custom fields declared by
the champion or the challenger in shadow (serving/service.py create_lead), and refuses the whole lead (422) for
any other."""

from __future__ import annotations

FIELDS_TAG = "leadgate.custom_fields"  # 'name (type), …' or 'none', set by training/registry.log_training


def declared_fields(settings, version: str | None) -> set[str] | None:
    """The custom field names a registered version declares (its tag); None when unknown (no version, no tag,
    a registry that fails): no warning is then better than a wrong one."""
    from mlflow.exceptions import MlflowException

    from leadgate.serving.registry_calls import ask
    from leadgate.serving.registry_errors import RegistryUnreachable

    if version is None:
        return set()
    try:
        found = ask(settings, f"reading version {version}", "get_model_version", settings.model_name, version)
    except (MlflowException, RegistryUnreachable):
        return None
    tag = found.tags.get(FIELDS_TAG)
    if tag is None:
        return None
    # Cut at 4,900 characters by the registry's tag limit: a name cut mid-way is dropped, not misread.
    whole = [item for item in tag.split(", ") if item.endswith(")")]
    return {item.rsplit(" (", 1)[0] for item in whole} if tag != "none" else set()


def no_longer_accepted(settings, before: tuple[str | None, ...], after: tuple[str | None, ...]) -> list[str]:
    """Field names the service accepts with the versions `before` serving and shadowing, but not `after`."""
    had = [declared_fields(settings, version) for version in before]
    has = [declared_fields(settings, version) for version in after]
    if any(fields is None for fields in (*had, *has)):
        return []
    return sorted(set().union(*had) - set().union(*has))


def refused_line(settings, lost: list[str], declared_by: str, instead: str, once: str) -> str:
    """'leadgate/5 declared custom fields [x] that leadgate/6 does not: the service will refuse …'."""
    name = settings.model_name
    return (
        f"{name}/{declared_by} declared custom fields [{', '.join(lost)}] that {instead} not: the service will "
        f"refuse leads carrying them (422, the whole lead) once {once}, within LEADGATE_MODEL_POLL_SECONDS; "
        "leave them out of what you send, or train a model that declares them"
    )
