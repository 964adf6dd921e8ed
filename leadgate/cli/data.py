"""CLI helpers for CRM exports: mappings by name or file, their shipped policies, rows to history records."""

from __future__ import annotations

from pathlib import Path

from leadgate.cli.common import err, fail, policy_or_fail


def named_mapping(name: str):
    """A mapping file or shipped mapping; a bad one stops the command with its error."""
    from leadgate.features.mapping import MappingError
    from leadgate.training.crm_mappings import load_mapping

    try:
        return load_mapping(name)
    except MappingError as error:
        raise fail(str(error)) from None


def mapping_policy(mapping, policy_path: Path | None):
    """The --policy file; else the policy shipped beside the mapping; else the default policy."""
    from leadgate.decision.policy import PolicyError, parse_policy
    from leadgate.training.crm_mappings import shipped_policy

    text = shipped_policy(mapping) if mapping and policy_path is None else None
    if text is None:
        return policy_or_fail(policy_path)
    try:
        return parse_policy(text, f"{mapping.name}.policy.yaml (shipped)")
    except PolicyError as error:
        raise fail(str(error)) from None


def export_records(path: Path, mapping) -> list[dict]:
    """Rows of a CRM export mapped to history records; too many bad rows stop with the first problems."""
    from leadgate.features.mapping import MappingError, check_header, map_rows
    from leadgate.serving.batch import BatchInputError, read_export

    try:
        rows = read_export(path)
        check_header(mapping, list(rows[0]) if rows else [])
    except (BatchInputError, MappingError) as error:
        raise fail(str(error)) from None
    if mapping.label is None:
        raise fail(f"mapping {mapping.name!r} has no label: it can score leads but not train")
    results = map_rows(mapping, rows)
    problems = [r for _, r in results if isinstance(r, str)]
    if len(problems) * 100 > len(results):
        raise fail(
            f"{len(problems)} of {len(results)} rows cannot be mapped:\n  " + "\n  ".join(problems[:10])
        )
    if problems:
        err.print(f"[yellow]{len(problems)} rows skipped: {problems[0]}[/]")
    return [r for _, r in results if not isinstance(r, str)]
