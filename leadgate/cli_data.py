"""CLI helpers for CRM exports: mappings by name or file, their shipped policies, rows to history records."""

from __future__ import annotations

from pathlib import Path

from leadgate.cli import _fail, _policy, err


def named_mapping(name: str):
    """A mapping file or shipped mapping; a bad one stops the command with its error."""
    from features.mapping import MappingError, load_mapping

    try:
        return load_mapping(name)
    except MappingError as error:
        raise _fail(str(error)) from None


def mapping_policy(mapping, policy_path: Path | None):
    """The --policy file; else the policy shipped beside the mapping; else the default policy."""
    from features.mapping import shipped_policy
    from features.policy import PolicyError, parse_policy

    text = shipped_policy(mapping) if mapping and policy_path is None else None
    if text is None:
        return _policy(policy_path)
    try:
        return parse_policy(text, f"{mapping.name}.policy.yaml (shipped)")
    except PolicyError as error:
        raise _fail(str(error)) from None


def export_records(path: Path, mapping) -> list[dict]:
    """Rows of a CRM export mapped to history records; too many bad rows stop with the first problems."""
    from features.mapping import MappingError, check_header, map_rows
    from serving.batch import BatchInputError, read_export

    try:
        rows = read_export(path)
        check_header(mapping, list(rows[0]) if rows else [])
    except (BatchInputError, MappingError) as error:
        raise _fail(str(error)) from None
    if mapping.label is None:
        raise _fail(f"mapping {mapping.name!r} has no label: it can score leads but not train")
    results = map_rows(mapping, rows)
    problems = [r for _, r in results if isinstance(r, str)]
    if len(problems) * 100 > len(results):
        raise _fail(
            f"{len(problems)} of {len(results)} rows cannot be mapped:\n  " + "\n  ".join(problems[:10])
        )
    if problems:
        err.print(f"[yellow]{len(problems)} rows skipped: {problems[0]}[/]")
    return [r for _, r in results if not isinstance(r, str)]
