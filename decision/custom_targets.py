"""A custom number's or date's recovery: the value from which none converts below average in training."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from leadgate.decision.custom_words import number_text
from leadgate.decision.reference import ReasonReference
from leadgate.features.custom import CustomField
from leadgate.features.derived import Derived

# A date's column is its age in days: "up" is older, "down" more recent.
_TOWARDS = {
    "number": {"increasing": "a higher value of {label}", "decreasing": "a lower value of {label}"},
    "datetime": {"increasing": "an earlier {label}", "decreasing": "a more recent {label}"},
}


def _side(
    field: CustomField, reference: ReasonReference | None, column: int | None
) -> tuple[bool | None, str]:
    """Whether a higher column value is the side that helps, and what is said when no value can be named.

    The mapping's direction decides; else the statistics: an integer is a count (more of it), a number or a
    date the side its below-average ranges leave clear when they lie at one end only (for a date only its
    recent side: no rep can make a date older)."""
    label, dated = field.label, field.type == "datetime"
    if field.direction:
        return field.direction == "increasing", _TOWARDS[field.type if dated else "number"][
            field.direction
        ].format(label=label)
    if reference is None or column is None:
        return None, f"none known: this model has no statistics on {label}"
    if field.type == "integer":
        return True, f"none known: in training, the highest values of {label} converted below average too"
    upward, downward = reference.clear_from(column, True), reference.clear_from(column, False)
    either = "a more recent or an earlier" if dated else "a higher or a lower"
    unknown = f"none known: training does not show whether {either} {label} converts better"
    if (upward is None) == (downward is None):  # below-average values at both ends, or in the middle
        return None, unknown
    if dated and downward is None:
        return None, f"none known: in training, more recent values of {label} did not convert better"
    return downward is None, unknown


def _rounded(value: float, up: bool, decimals: int) -> float:
    scale = 10.0**decimals
    return (math.ceil if up else math.floor)(value * scale) / scale


def _shown_target(
    field: CustomField, reference: ReasonReference, column: int, target: float, up: bool
) -> str | None:
    """'35 or more', 'less than 0.2', 'less than 30 days ago': the target as short as keeps it true."""
    if field.type == "datetime":
        days = math.ceil(target) if up else math.floor(target)
        if days < 1:
            return None  # "less than today" says nothing a rep can act on
        return f"{days:,} or more days ago" if up else f"less than {days:,} days ago"
    feature = reference.features[column]
    # The same range as the target's, said with as few decimals as keep it there (a quantile edge such as
    # 34.56789 reads "35 or more" when 35 lies in the same range).
    inside = target if up else np.nextafter(target, -np.inf)
    wanted = feature.ranges(np.array([inside]))[0]
    for decimals in (0,) if field.type == "integer" else (0, 1, 2):
        shown = _rounded(target, up, decimals)
        probe = shown if up else np.nextafter(shown, -np.inf)
        if feature.ranges(np.array([probe]))[0] == wanted:
            break  # else the last, two decimals (as number_text shows them): still past the target
    return f"{number_text(shown)} or more" if up else f"less than {number_text(shown)}"


def target_recovery(
    field: CustomField, reference: ReasonReference | None, column: int | None
) -> Callable[[Derived, np.ndarray, int], str]:
    """A number's or a date's recovery: the value past which no value converts below average in training (so
    the reason is no longer listed against the lead), for a missing value only when that value's range converted
    clearly better than the missing values did; else the direction the mapping declares; else none."""
    label, template = field.label, field.reason or "{label}: {value}"
    upward, otherwise = _side(field, reference, column)
    target = shown = None
    if upward is not None and reference is not None and column is not None:
        target = reference.clear_from(column, upward)
        if target is not None and math.isfinite(target):
            shown = _shown_target(field, reference, column, target, upward)
    named = shown and template.format(label=label, value=shown)
    # Walk W: "Marketo lead score not given → 31 or more" lowered P(SQL) in 16 of 16 leads, as 31-41 converted
    # no better than no score at all. For a missing value, every value named must convert clearly better than
    # missing ones did: the least such start at or past the target ("42 or more"), else none is named.
    named_missing = None
    if named:
        start = _better_than_missing(reference, column, target, upward)
        missing_shown = start is not None and _shown_target(field, reference, column, start, upward)
        named_missing = missing_shown and template.format(label=label, value=missing_shown)

    # A lead already on the clear side of the target (or a column with no range below average): `otherwise` is
    # written for no target at all, and its words would be false here (review 25).
    cleared = f"none known: {label} is already where no value converted below average in training"

    def recover(d: Derived, x: np.ndarray, i: int) -> str:
        value = x[i, column] if column is not None else np.nan
        missing = d.table.custom[i].get(field.name) is None
        if missing:
            return named_missing or f"a value for {label}"
        if target is not None and (value < target if upward else value >= target):
            return named or otherwise
        if target is not None and field.direction is None:
            return cleared
        return otherwise

    return recover


def _better_than_missing(
    reference: ReasonReference, column: int, target: float, upward: bool
) -> float | None:
    """The value from which (upward; below which, downward) every value range at or past `target` converted
    clearly better in training than the leads without a value; None when no such start exists."""
    edges = reference.features[column].edges
    ranges = len(edges) + 1  # range k holds edges[k-1] <= value < edges[k]
    shown = [np.nextafter(edges[0], -np.inf), *edges] if len(edges) else []

    def better(k: int) -> bool:
        return reference.converts_better(column, shown[k], np.nan)

    if not len(edges):
        return None
    if upward:
        first = int(reference.features[column].ranges(np.array([target]))[0])
        for k in range(max(first, 1), ranges):
            if all(better(j) for j in range(k, ranges)):
                return float(edges[k - 1])
        return None
    last = int(reference.features[column].ranges(np.array([np.nextafter(target, -np.inf)]))[0])
    for k in range(min(last, ranges - 2), -1, -1):
        if all(better(j) for j in range(0, k + 1)):
            return float(edges[k])
    return None
