"""The CRM mappings shipped with leadgate, and mapping files, read by name or path."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from leadgate.features.mapping import Mapping, MappingError, fold, parse_mapping

_FOLDER = resources.files("leadgate.training").joinpath("mappings")


def shipped_mappings() -> list[str]:
    """Names of the mappings shipped with leadgate."""
    return sorted(
        p.name[: -len(".yaml")]
        for p in _FOLDER.iterdir()
        if p.name.endswith(".yaml") and ".policy" not in p.name
    )


def load_mapping(name_or_path: str | Path) -> Mapping:
    """A mapping file, or a shipped mapping by name (e.g. `x_education`, `hubspot`, `salesforce`)."""
    path = Path(name_or_path)
    if path.exists():
        return parse_mapping(path.read_text(), str(path))
    if str(name_or_path) in shipped_mappings():
        text = _FOLDER.joinpath(f"{name_or_path}.yaml").read_text()
        return parse_mapping(text, f"{name_or_path} (shipped)")
    close = _near_shipped(str(name_or_path))
    raise MappingError(
        f"{name_or_path}: no such mapping file, and not a shipped one ({', '.join(shipped_mappings())})"
        + (f": did you mean {close!r}?" if close else "")
    )


def _near_shipped(given: str) -> str | None:
    """The shipped mapping a name not found was likely meant to be ('salesforse', 'HubSpot', 'hubspot.yaml')."""
    from difflib import get_close_matches

    stem = Path(given).name.casefold().removesuffix(".yaml").removesuffix(".yml")
    close = get_close_matches(stem, shipped_mappings(), n=1, cutoff=0.75)
    return close[0] if close else None


@cache
def shipped_label_values() -> dict[str, frozenset[str]]:
    """Per label list (sql_positive, open, won_positive), the values some shipped mapping lists, folded."""
    values: dict[str, set[str]] = {"sql_positive": set(), "open": set(), "won_positive": set()}
    for name in shipped_mappings():
        label = load_mapping(name).label
        for option, listed in values.items():
            listed.update(fold(v) for v in getattr(label, option))
    return {option: frozenset(listed) for option, listed in values.items()}


def shipped_policy(mapping: Mapping) -> str | None:
    """The policy text shipped beside a mapping (its gates fitted to that data), if there is one."""
    resource = _FOLDER.joinpath(f"{mapping.name}.policy.yaml")
    return resource.read_text() if resource.is_file() else None
