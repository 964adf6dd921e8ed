"""A model's custom fields as matrix columns: numbers as given, flags 1/0, category codes, datetimes as ages."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from leadgate.features.custom import CustomField, parse_moment

if TYPE_CHECKING:
    from leadgate.features.derived import Derived

_DAY = 86_400.0


def level_key(value, field: CustomField | None = None) -> str:
    """A category value as its column's vocabulary keys it: text, stripped (a custom field's level: its prefix),
    lower case; "" when missing. Training's vocabularies and serving's checks of new levels both key by it."""
    if value is None:
        return ""
    return (field.level(value) if field is not None else str(value).strip()).lower()


def custom_categories(derived: Derived, field: CustomField) -> list[str]:
    """A category field's values as the vocabulary keys them (level_key)."""
    return [level_key(custom.get(field.name), field) for custom in derived.table.custom]


def custom_column(derived: Derived, field: CustomField, codes: dict) -> np.ndarray:
    """One custom field as numbers: as given, 1/0 for a flag, a category code, or days before the decision."""
    if field.type == "category":
        index = codes[field.feature]
        values = custom_categories(derived, field)
        return np.array([index.get(v, 0) if v else np.nan for v in values], dtype=np.float64)
    raw = [custom.get(field.name) for custom in derived.table.custom]
    if field.type == "datetime":
        scored = derived.table.numbers["scored_days"]
        return np.array(
            [s - _days(v) if isinstance(v, str) else np.nan for v, s in zip(raw, scored, strict=True)],
            dtype=np.float64,
        )
    return np.array([_number(v) for v in raw], dtype=np.float64)


def _number(value) -> float:
    # Validated leads carry numbers; history without a mapping may not, and text is then missing.
    if value is None or isinstance(value, str):
        return np.nan
    return float(value)


def _days(value: str) -> float:
    try:
        return parse_moment(value).timestamp() / _DAY
    except (ValueError, OverflowError):
        return np.nan
