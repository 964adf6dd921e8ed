"""Columns that give the outcome away: each export column alone, judged on leads it was not fitted on."""

from __future__ import annotations

import numpy as np

from leadgate.training.baseline_columns import ColumnFrame

LEAKAGE_AUC = 0.98  # a plain model this good at lead creation has almost surely been told the outcome
# One column alone this good is no signal known when a lead arrives (those reach ~0.6-0.85 all together) but
# a trace of what happened after contact: a first-meeting date, a sales stage, an owner set only for SQLs.
LEAKAGE_ALONE_AUC = 0.95
PRIOR_ROWS = 20  # a level's SQL rate is pulled toward the overall rate as if it had this many more leads


def _auc(score: np.ndarray, y: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, score)) if 0 < y.sum() < len(y) else float("nan")


def _numeric_alone(values: np.ndarray, y: np.ndarray) -> float:
    """The best ordering one number gives, either way up, with a blank cell counted lowest or highest."""
    missing = np.isnan(values)
    if missing.all():
        return float("nan")
    low, high = np.nanmin(values) - 1, np.nanmax(values) + 1
    best = 0.0
    for fill in (low, high):
        auc = _auc(np.where(missing, fill, values), y)
        best = max(best, auc, 1 - auc)
    return best


def _category_alone(levels, train: np.ndarray, test: np.ndarray, y: np.ndarray) -> float:
    """Test leads ordered by their level's SQL rate among the training leads (blank is a level too)."""
    import pandas as pd

    text = pd.Series(levels).astype(object).where(pd.Series(levels).notna(), "(blank)").astype(str)
    prior = float(y[train].mean())
    frame = pd.DataFrame({"level": text[train].to_numpy(), "sql": y[train]})
    grouped = frame.groupby("level")["sql"].agg(["sum", "count"])
    rates = (grouped["sum"] + PRIOR_ROWS * prior) / (grouped["count"] + PRIOR_ROWS)
    score = text[test].map(rates).fillna(prior).to_numpy(dtype=float)
    return _auc(score, y[test])


def columns_alone(
    columns: ColumnFrame, y: np.ndarray, train: np.ndarray, test: np.ndarray
) -> list[tuple[str, float]]:
    """Each column's ROC-AUC on the test leads when it alone orders them, strongest first."""
    y = np.asarray(y, dtype=bool)
    found = []
    for name in columns.numeric:
        values = np.asarray(columns.frame[name], dtype=float)[test]
        found.append((name, _numeric_alone(values, y[test])))
    for name in columns.categorical:
        found.append((name, _category_alone(columns.frame[name], train, test, y)))
    return sorted(((n, a) for n, a in found if a == a), key=lambda item: -item[1])
