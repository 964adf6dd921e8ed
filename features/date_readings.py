"""How two mappings read an export's dates: a scoring mapping whose date_format or time zone is not the one the
model was trained with reads the same cell as another moment (01/12 is 1 December there, 12 January here)."""

from __future__ import annotations

from leadgate.features.dates import date_part
from leadgate.features.mapping import Mapping
from leadgate.features.mapping_columns import Column


def dated_columns(mapping: Mapping) -> dict[str, Column]:
    """The mapping's date columns by what they become: created_at and each datetime custom field."""
    rules: dict[str, Column] = {}
    if isinstance(mapping.created_at, Column):  # a sequence writes no dates
        rules["created_at"] = mapping.created_at
    rules |= {f"custom.{name}": rule for name, rule in mapping.custom.items() if rule.type == "datetime"}
    return {target: rule for target, rule in rules.items() if rule.column}  # a constant is read the same


def date_readings(mapping: Mapping) -> dict[str, dict]:
    """How the mapping reads each date it maps, JSON-safe, as a model keeps it: {"created_at": {"column":
    "Created Date", "date_format": "%d/%m/%Y %H:%M", "timezone": "Europe/Berlin"}, "custom.last_visit": …}."""
    return {
        target: {"column": rule.column, "date_format": rule.date_format, "timezone": rule.timezone or "UTC"}
        for target, rule in dated_columns(mapping).items()
    }


def date_reading_changes(trained: dict[str, dict], scoring: Mapping) -> list[str]:
    """Each date column `scoring` reads by another format or time zone than training did (`trained`, its
    `date_readings`), in words: "Created Date by date_format '%m/%d/%Y %H:%M', not '%d/%m/%Y %H:%M'". A date
    one of them lacks is left out: which fields a model uses is checked elsewhere."""
    changes = []
    for target, now in date_readings(scoring).items():
        before = trained.get(target)
        if before is None:
            continue
        if not _same_dates(now["date_format"], before.get("date_format")):
            changes.append(f"{now['column']} by date_format {_format(now)}, not {_format(before)}")
        if now["timezone"] != (before.get("timezone") or "UTC"):
            changes.append(
                f"{now['column']} in time zone {now['timezone']}, not {before.get('timezone') or 'UTC'}"
            )
    return changes


def date_reading_message(changes: list[str], model: str, source: str | None = None) -> str:
    """One line for `score` and `decide(df, mapping=…)`: the dates read otherwise than training read them, and
    what to do (`source`: the training mapping, when known)."""
    mapping = f" (its mapping {source})" if source else ""
    return (
        f"the mapping reads {'; '.join(changes)} as when {model} was trained{mapping}: the same "
        "cell is then another date than in training; unless the CRM now writes its dates otherwise, use that "
        "mapping's date_format and timezone"
    )


def _same_dates(one: str | None, other: str | None) -> bool:
    """Whether both formats read a cell as the same moment: the same format, or one the other's date alone
    ('%d/%m/%Y' of '%d/%m/%Y %H:%M' reads '06/12/2025' as 00:00, as its format does; a time it cannot read)."""
    if one == other:
        return True
    if one is None or other is None:
        return False
    return date_part(one) == other or date_part(other) == one


def _format(reading: dict) -> str:
    return repr(reading["date_format"]) if reading.get("date_format") else "ISO 8601"
