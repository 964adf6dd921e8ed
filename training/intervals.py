"""Confidence intervals for conversion rates and their ratios: Wilson for a rate, Katz log-scale for a ratio."""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

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
    """(k1/n1) / (k0/n0) with the Katz log-scale interval; 0.5 is added to every cell when one is empty."""
    nan = float("nan")
    if n1 == 0 or n0 == 0:
        return Ratio(nan, nan, nan)
    value = (k1 / n1) / (k0 / n0) if k0 else (nan if k1 == 0 else math.inf)
    # Haldane's correction: without it a zero count makes the log-scale variance infinite.
    if min(k1, k0, n1 - k1, n0 - k0) == 0:
        k1, n1, k0, n0 = k1 + 0.5, n1 + 1.0, k0 + 0.5, n0 + 1.0
    log_ratio = math.log((k1 / n1) / (k0 / n0))
    se = math.sqrt(1 / k1 - 1 / n1 + 1 / k0 - 1 / n0)
    z = z_value(confidence)
    low, high = math.exp(log_ratio - z * se), math.exp(log_ratio + z * se)
    # With no events on one side the data cannot bound the ratio away from 0 (or infinity) on that side.
    return Ratio(value, 0.0 if value == 0 else low, math.inf if value == math.inf else high)
