"""A company size outside the model's target range as a reason *for* a lead: only with training behind it."""

from __future__ import annotations

import numpy as np

from leadgate.decision.reason_words import Renderer
from leadgate.decision.reference import ReasonReference
from leadgate.features.builder import FEATURES
from leadgate.features.derived import Derived

_INDEX = {spec.name: j for j, spec in enumerate(FEATURES)}  # built-in columns come first in every model
ABOVE_AVERAGE = " (converted above average in training)"


def outside_target(matrix: np.ndarray) -> np.ndarray:
    """(n,) True where the model measured the lead's size below or above its target range."""
    below, above = matrix[:, _INDEX["log10_below_target_size"]], matrix[:, _INDEX["log10_above_target_size"]]
    return (below > 0) | (above > 0)


def _backed(reference: ReasonReference, matrix: np.ndarray) -> np.ndarray:
    """(n,) True where training leads of the lead's size converted clearly above average."""
    column = _INDEX["log10_employees"]
    return reference.above_for(column, matrix[:, column])


def size_for_backed(reference: ReasonReference, matrix: np.ndarray) -> np.ndarray:
    """(n,) whether the size family may be a reason *for* each lead.

    A size outside the target range reads as a drawback ("30 employees, below the target range 50–5,000"):
    listed For only when training leads of that size converted clearly above average, so the reason is the
    data's evidence against the policy's range and not a model's fit to a few chance SQLs (walk: 5 SQLs of 57
    leads of 26–40 employees, against 6.2% overall, gave "below the target range" +1.9 pts For).
    """
    return ~outside_target(matrix) | _backed(reference, matrix)


def backed_size_renderer(render: Renderer, reference: ReasonReference) -> Renderer:
    """The size words, saying why a size outside the target range is a reason For (size_for_backed)."""

    def explained(d: Derived, x: np.ndarray, i: int, negative: bool) -> str:
        text = render(d, x, i, negative)
        row = x[i : i + 1]
        if negative or not outside_target(row)[0] or not _backed(reference, row)[0]:
            return text
        return text + ABOVE_AVERAGE

    return explained
