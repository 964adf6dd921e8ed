"""Outcome models: per-level effects, a logit shifted to a target SQL rate, and the oracle's ROC-AUC."""

from __future__ import annotations

import numpy as np


def sigmoid(x):
    """The logistic function, elementwise."""
    return 1.0 / (1.0 + np.exp(-x))


def draw_outcome(rng, logit, rate):
    """Shift the logit so the expected positive rate is `rate`, then draw the outcome (returns y, p)."""
    # Bisection on the intercept: each shape states its effects, the SQL rate is a separate knob.
    lo, hi = -30.0, 30.0
    for _ in range(80):
        mid = (lo + hi) / 2
        if sigmoid(logit + mid).mean() < rate:
            lo = mid
        else:
            hi = mid
    p = sigmoid(logit + (lo + hi) / 2)
    return rng.random(len(p)) < p, p


def oracle_auc(p, y):
    """ROC-AUC of the true probabilities: the ceiling any scorer can reach on this draw."""
    order = np.argsort(p)
    ranks = np.empty(len(p))
    ranks[order] = np.arange(1, len(p) + 1)
    n1 = y.sum()
    n0 = len(y) - n1
    return float((ranks[y].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def effects(levels, values):
    """Each level's effect on the logit, as a dict."""
    return dict(zip(levels, values, strict=True))
