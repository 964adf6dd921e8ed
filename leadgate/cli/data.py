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


def export_history(path: Path, mapping, delimiter: str | None = None):
    """A CRM export read through its mapping as a training history; a few bad rows are skipped with a note."""
    from leadgate.features.mapping import MappingError
    from leadgate.serving.export_reader import BatchInputError, read_export
    from leadgate.training.data import HistoryError
    from leadgate.training.exports import history_from_export

    try:
        mapped = history_from_export(read_export(path, delimiter=delimiter), mapping)
    except (BatchInputError, MappingError, HistoryError) as error:
        raise fail(str(error)) from None
    from rich.markup import escape

    for note in mapped.notes:  # names resolved, leads left out, and the outcome's values, last
        err.print(escape(note) if note.startswith("outcome:") else f"[yellow]{escape(note)}[/]")
    if mapped.problems:
        shown = "; ".join(mapped.problems[:3]) + (" ..." if len(mapped.problems) > 3 else "")
        err.print(f"[yellow]{len(mapped.problems):,} rows skipped (up to 1% may be): {escape(shown)}[/]")
    return mapped.history
