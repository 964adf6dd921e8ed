"""Which reason families a lead shows: the strongest each way, and how many points of P(SQL) each accounts for."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

TOP_NEGATIVE = 3
TOP_POSITIVE = 2
# Contributions smaller than this (log-odds) are noise, not a reason worth a sales rep's time.
MIN_CONTRIBUTION = 0.01


def _rows(n: int) -> np.ndarray:
    # Row indexes as a column, for picking k values per row: np.take_along_axis costs ~7 µs a call on its own.
    return np.arange(n)[:, None]


def top_families(
    by_family: np.ndarray, negative: bool, k: int, allowed: np.ndarray | None = None
) -> np.ndarray:
    """(n, k) family indices ordered by strength; -1 where fewer than k families qualify (or are `allowed`)."""
    signed = by_family if negative else -by_family
    if allowed is not None:
        signed = np.where(allowed, signed, np.inf)
    order = np.argsort(signed, axis=1, kind="stable")[:, :k]
    strength = signed[_rows(len(signed)), order]
    return np.where(strength < -MIN_CONTRIBUTION, order, -1)


def strength_points(
    calibrate: Callable[[np.ndarray], np.ndarray], raw: np.ndarray, by_family: np.ndarray, picks: np.ndarray
) -> np.ndarray:
    """(n, k) percentage points of P(SQL) each picked family accounts for: calibrate(raw) − calibrate(raw − c).

    The model's own calibration turns log-odds into a unit a rep reads; -1 picks give NaN.
    """
    contribution = by_family[_rows(len(by_family)), np.maximum(picks, 0)]
    points = 100.0 * (calibrate(raw)[:, None] - calibrate(raw[:, None] - contribution))
    return np.where(picks >= 0, np.round(points, 2), np.nan)
