"""A model's custom fields as matrix columns: numbers as given, flags 1/0, category codes, datetimes as ages."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from leadgate.features.custom import CustomField, parse_moment

if TYPE_CHECKING:
    from leadgate.features.derived import Derived

_DAY = 86_400.0


def custom_categories(derived: Derived, field: CustomField) -> list[str]:
    """A category field's values as the vocabulary keys them: text, stripped, its prefix, lower case; "" when
    missing."""
    values = (custom.get(field.name) for custom in derived.table.custom)
    return ["" if v is None else field.level(v).lower() for v in values]


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
