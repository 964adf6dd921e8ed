"""Which values cannot make a reason for a lead: no training behind their pull up."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from leadgate.decision.reference import ReasonReference


def unbacked(
    below: np.ndarray,
    matrix: np.ndarray | None,
    categorical: Sequence[int],
    reference: ReasonReference | None,
) -> np.ndarray:
    """(n, features) True where a value's pull up is no reason for the lead: its range converts clearly below
    average, it is a category's pooled level, or a level that did not convert clearly above average."""
    if matrix is None or not categorical:
        return below
    unproven = below.copy()
    columns = list(categorical)
    # A pooled level's pull is the pool's, mostly other levels' (walk K: "Dashboards;Analytics (other)"
    # pulled up by the API combinations beside it, converting at 16%).
    unproven[:, columns] |= matrix[:, columns] == 0
    if reference is not None:
        # Walk AB: a city of 31 training leads and 3 SQLs pulled up by +0.34 log-odds, "+1 pt City: Vgrmmgkf"
        # For, its true rate below average. A level is a reason for a lead only with training behind it, as
        # Against needs a level clearly below average.
        unproven[:, columns] |= ~reference.above_average(matrix, columns)
    return unproven
