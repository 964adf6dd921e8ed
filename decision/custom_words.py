"""A custom field's words in a reason: its value as people read it, whether a lead has one, the pooled level."""

from __future__ import annotations

import numpy as np

from leadgate.decision.count_words import plural
from leadgate.decision.reason_given import Given
from leadgate.decision.reason_words import Renderer
from leadgate.features.custom import CustomField
from leadgate.features.derived import Derived

POOLED = "other: rare or new in training"


def number_text(value: float) -> str:
    """A number as reasons write it, a lead's value and a comparison alike: 1,500; 1,234.5; 6.5; 0.25."""
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def custom_shown(field: CustomField, value, days: float) -> str:
    """A custom value as a person reads it; a date by `days`, the model's value: its age at the decision."""
    if field.type == "flag":
        return "yes" if value else "no"
    if field.type == "datetime":
        if days != days:  # not a readable moment: shown as sent
            return str(value)
        if days < 0:
            return f"in {plural(-days, 'day')}" if days <= -1 else "today"
        return "today" if days < 1 else f"{plural(days, 'day')} ago"
    if field.type in ("number", "integer") and not isinstance(value, str):
        return number_text(value)
    return str(value)


def custom_given(field: CustomField) -> Given:
    """Which leads carry a value of one custom field."""
    return lambda d: np.array([custom.get(field.name) is not None for custom in d.table.custom], dtype=bool)


def custom_renderer(field: CustomField, column: int) -> Renderer:
    """'Label: value' (or the field's own template) with this lead's value; when missing, the field's own words
    for that ('No demo requested'), else 'Label not given'."""
    template = field.reason or "{label}: {value}"

    def render(d: Derived, x: np.ndarray, i: int, negative: bool) -> str:
        value = d.table.custom[i].get(field.name)
        if value is None:
            # A blank date or flag often means "never happened", not "unknown": the mapping can say which.
            return field.missing or f"{field.label} not given"
        if field.type == "category":
            shown = category_shown(field, value, pooled=x[i, column] == 0)
        else:
            shown = custom_shown(field, value, float(x[i, column]))
        return template.format(label=field.label, value=shown)

    return render


def category_shown(field: CustomField, value, pooled: bool) -> str:
    """A category value as the lead wrote it, with the level the model read when that is only its beginning
    ('80331 (read as 80)'), and, for code 0, that the points are the pool's of rare and new levels."""
    # Cells are read without their surrounding spaces; a lead sent with them is quoted as it is read.
    written, level = str(value).strip(), field.level(value)
    said = [f"read as {level}"] if level != written else []
    # Code 0 pools the levels too rare (or new) to learn: the points are the pool's, not this level's.
    if pooled:
        said.append(POOLED)
    return f"{written} ({'; '.join(said)})" if said else written


def level_shown(field: CustomField, level: str) -> str:
    """A category level as recoveries name it: '80…' for the first characters of a value read by its prefix."""
    return f"{level}…" if field.prefix and len(level) >= field.prefix else level


def value_named(value, field: CustomField | None) -> str:
    """A category value as a note about many leads names it: as written, or for a field read by its prefix its
    level ('99…'), since the leads counted hold many values of it (review 25: '99999' named 30 leads, 5 of them
    99001)."""
    if field is not None and field.prefix:
        return level_shown(field, field.level(value))
    return str(value).strip()


def more_helps(field) -> bool:
    """Whether a custom field's comparison with converting leads may say 'or more'."""
    if field.type == "integer":
        return field.monotone >= 0
    return field.type == "number" and field.monotone > 0
