"""Confidence intervals: Wilson for a rate, Katz (MOVER-R with an empty cell) for a ratio of rates, paired bootstrap and DeLong."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

CONFIDENCE = 0.95


def z_value(confidence: float = CONFIDENCE) -> float:
    """Two-sided standard-normal quantile for a confidence level."""
    if not 0 < confidence < 1:
        raise ValueError("confidence must be in (0, 1)")
    return NormalDist().inv_cdf(0.5 + confidence / 2)


@dataclass(frozen=True)
class Rate:
    """k successes out of n, with a Wilson score interval (NaN when n is 0)."""

    k: int
    n: int
    low: float
    high: float

    @property
    def value(self) -> float:
        """k / n, NaN when n is 0."""
        return self.k / self.n if self.n else float("nan")


def wilson(k: int, n: int, confidence: float = CONFIDENCE) -> Rate:
    """Wilson score interval: honest near 0 and 1, where the normal approximation claims certainty."""
    k, n = int(k), int(n)
    if not 0 <= k <= n:
        raise ValueError(f"need 0 <= k <= n, got k={k}, n={n}")
    if n == 0:
        return Rate(k, n, float("nan"), float("nan"))
    z = z_value(confidence)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    # Clamped so k = 0 gives exactly 0 (and k = n exactly 1) despite rounding.
    return Rate(k, n, max(0.0, centre - half) if k else 0.0, min(1.0, centre + half) if k < n else 1.0)


@dataclass(frozen=True)
class Ratio:
    """Ratio of two rates with a confidence interval (NaN when undefined)."""

    value: float
    low: float
    high: float

    def includes_one(self) -> bool:
        """True when the interval cannot tell the two rates apart (or is undefined)."""
        return not (self.low > 1 or self.high < 1)


def rate_ratio(k1: int, n1: int, k0: int, n0: int, confidence: float = CONFIDENCE) -> Ratio:
    """(k1/n1) / (k0/n0) with the Katz log-scale interval; with an empty cell, MOVER-R from the Wilson intervals."""
    nan = float("nan")
    if n1 == 0 or n0 == 0:
        return Ratio(nan, nan, nan)
    value = (k1 / n1) / (k0 / n0) if k0 else (nan if k1 == 0 else math.inf)
    if min(k1, k0, n1 - k1, n0 - k0) == 0 and (k1 or k0):
        # Katz needs every cell: with Haldane's +0.5 a gate with 0 SQLs in 37 leads against 18% of the rest got
        # [0, 1.13], "no clear difference", beside two Wilson intervals that do not overlap (walk Q).
        return _mover_ratio(wilson(k1, n1, confidence), wilson(k0, n0, confidence), value)
    if min(k1, k0, n1 - k1, n0 - k0) == 0:  # no events on either side: nothing to compare
        k1, n1, k0, n0 = k1 + 0.5, n1 + 1.0, k0 + 0.5, n0 + 1.0
    log_ratio = math.log((k1 / n1) / (k0 / n0))
    se = math.sqrt(1 / k1 - 1 / n1 + 1 / k0 - 1 / n0)
    z = z_value(confidence)
    low, high = math.exp(log_ratio - z * se), math.exp(log_ratio + z * se)
    return Ratio(value, low, high)


def _mover_ratio(affected: Rate, rest: Rate, value: float) -> Ratio:
    """MOVER-R (Donner and Zou): the ratio's interval recovered from each rate's Wilson interval.

    It keeps the coverage of the Wilson intervals where a cell is empty, and agrees with them: two rates whose
    intervals do not overlap get a ratio interval without 1.
    """
    p1, l1, u1 = affected.value, affected.low, affected.high
    p0, l0, u0 = rest.value, rest.low, rest.high
    product = p1 * p0
    if p0 == 0:  # no events in the rest: the ratio is unbounded above
        low = math.sqrt(max(l1 * (2 * p1 - l1), 0.0)) / u0
        return Ratio(value, low, math.inf)
    low = (product - math.sqrt(max(product**2 - l1 * u0 * (2 * p1 - l1) * (2 * p0 - u0), 0.0))) / (
        u0 * (2 * p0 - u0)
    )
    high = (product + math.sqrt(max(product**2 - u1 * l0 * (2 * p1 - u1) * (2 * p0 - l0), 0.0))) / (
        l0 * (2 * p0 - l0)
    )
    # With no events among the affected leads the data cannot bound the ratio away from 0.
    return Ratio(value, 0.0 if p1 == 0 else max(low, 0.0), high)


@dataclass(frozen=True)
class Interval:
    """A statistic and its two-sided interval (NaN bounds when it could not be resampled)."""

    value: float
    low: float
    high: float


def paired_bootstrap(
    statistic: Callable[[np.ndarray], float],
    y: np.ndarray,
    rounds: int,
    confidence: float = CONFIDENCE,
    seed: int = 0,
) -> Interval:
    """Percentile interval of `statistic(rows)` over resampled rows, SQLs and non-SQLs resampled apart.

    Paired: every scorer the statistic compares sees the same rows. Stratified: the SQL count stays that of
    the sample, as DeLong's variance of an AUC assumes, and no resample lacks a class. Resamples where the
    statistic is undefined (NaN) are dropped; infinite values count (they are the worst case).
    """
    y = np.asarray(y, dtype=bool)
    rng = np.random.default_rng(seed)
    positives, negatives = np.flatnonzero(y), np.flatnonzero(~y)
    value = float(statistic(np.arange(len(y))))
    draws = np.array(
        [
            statistic(
                np.concatenate([rng.choice(positives, len(positives)), rng.choice(negatives, len(negatives))])
            )
            for _ in range(rounds)
        ],
        dtype=float,
    )
    draws = draws[~np.isnan(draws)]
    if not len(draws):
        return Interval(value, math.nan, math.nan)
    tail = (1 - confidence) / 2
    # Order statistics, not interpolation: a bound stays a value some resample gave, even next to infinity.
    low, high = np.quantile(draws, [tail, 1 - tail], method="inverted_cdf")
    return Interval(value, float(low), float(high))


def _midranks(values: np.ndarray) -> np.ndarray:
    """Ranks from 1 with ties given their average rank, along the last axis."""
    from scipy.stats import rankdata

    return rankdata(values, method="average", axis=-1)


def delong_difference(
    y: np.ndarray, score_a: np.ndarray, score_b: np.ndarray, confidence: float = CONFIDENCE
) -> Interval:
    """ROC-AUC of `score_a` minus that of `score_b` on the same leads, with DeLong's paired interval.

    Paired: both scores order the same SQLs against the same non-SQLs, so the part of the noise they share (which
    leads happened to land in the test part) cancels, and a gap far smaller than either AUC's own standard error
    can be told from zero. DeLong, DeLong & Clarke-Pearson (1988), in the fast form of Sun & Xu (2014).
    """
    y = np.asarray(y, dtype=bool)
    m, n = int(y.sum()), int((~y).sum())
    if m == 0 or n == 0:
        return Interval(math.nan, math.nan, math.nan)
    scores = np.vstack([np.asarray(score_a, dtype=float), np.asarray(score_b, dtype=float)])
    positives, negatives = scores[:, y], scores[:, ~y]
    within_pos, within_neg = _midranks(positives), _midranks(negatives)
    together = _midranks(np.hstack([positives, negatives]))
    aucs = (together[:, :m].sum(axis=1) - m * (m + 1) / 2) / (m * n)
    # Structural components: each SQL's share of non-SQLs ranked below it, each non-SQL's of SQLs above it.
    per_positive = (together[:, :m] - within_pos) / n
    per_negative = 1.0 - (together[:, m:] - within_neg) / m
    variance = math.nan
    if m > 1 and n > 1:  # one lead a side has no spread to measure (np.cov would warn and divide by zero)
        cov = np.atleast_2d(np.cov(per_positive)) / m + np.atleast_2d(np.cov(per_negative)) / n
        variance = float(cov[0, 0] + cov[1, 1] - 2 * cov[0, 1])
    difference = float(aucs[0] - aucs[1])
    if not variance > 0:
        # Identical orderings (or one lead a side): no paired noise to speak of, or none that can be measured.
        spread = 0.0 if variance == 0 else math.nan
        return Interval(difference, difference - spread, difference + spread)
    half = z_value(confidence) * math.sqrt(variance)
    return Interval(difference, difference - half, difference + half)
