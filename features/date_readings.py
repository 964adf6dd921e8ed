"""How two mappings read an export's dates: a scoring mapping whose date_format or time zone is not the one the
model was trained with reads the same cell as another moment (01/12 is 1 December there, 12 January here)."""

from __future__ import annotations

from leadgate.features.mapping import Mapping
from leadgate.features.mapping_columns import Column


def _dated(mapping: Mapping) -> dict[str, Column]:
    """The mapping's date columns by what they become: created_at and each datetime custom field."""
    rules: dict[str, Column] = {}
    if isinstance(mapping.created_at, Column):  # a sequence writes no dates
        rules["created_at"] = mapping.created_at
    rules |= {f"custom.{name}": rule for name, rule in mapping.custom.items() if rule.type == "datetime"}
    return {target: rule for target, rule in rules.items() if rule.column}  # a constant is read the same


def date_reading_changes(trained: Mapping, scoring: Mapping) -> list[str]:
    """Each date column `scoring` reads by another format or time zone than `trained` did, in words:
    "Created Date by date_format '%m/%d/%Y %H:%M', not '%d/%m/%Y %H:%M'". A column one of them lacks is left
    out: which fields a model uses is checked elsewhere."""
    before = _dated(trained)
    changes = []
    for target, rule in _dated(scoring).items():
        old = before.get(target)
        if old is None:
            continue
        if rule.date_format != old.date_format:
            changes.append(f"{rule.column} by date_format {_format(rule)}, not {_format(old)}")
        if (rule.timezone or "UTC") != (old.timezone or "UTC"):
            changes.append(
                f"{rule.column} in time zone {rule.timezone or 'UTC'}, not {old.timezone or 'UTC'}"
            )
    return changes


def date_reading_message(changes: list[str], model: str, source: str) -> str:
    """One line for `score`: the dates it reads otherwise than training read them, and what to do."""
    return (
        f"the mapping reads {'; '.join(changes)} as when {model} was trained (its mapping {source}): the same "
        "cell is then another date than in training; unless the CRM now writes its dates otherwise, use that "
        "mapping's date_format and timezone"
    )


def _format(rule: Column) -> str:
    return repr(rule.date_format) if rule.date_format else "ISO 8601"
