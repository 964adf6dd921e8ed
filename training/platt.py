"""Calibrating the scorer: Platt scaling on the validation part, refused in words when scores do not rank."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from leadgate.training.fit import NOT_RANDOM, TrainingError


def fit_platt(
    raw_scores: np.ndarray,
    labels: np.ndarray,
    split_kind: str = "time",
    newer: Callable[[], str] | None = None,
) -> tuple[float, float]:
    """Platt scaling of raw scores on held-out data: strictly increasing, so rankings are kept.

    `newer` says how to train on the newer period only (training.regime.newer_only): asked only when a split
    by time finds no ranking on the validation period.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score

    if len(np.unique(labels)) < 2:
        raise TrainingError(
            f"the validation {_part(split_kind)} has no converted (or no unconverted) leads, so scores cannot be "
            "calibrated: bring more history" + (", or use --split random" if split_kind == "time" else "")
        )
    model = LogisticRegression(C=1e6, max_iter=1000)
    model.fit(raw_scores.reshape(-1, 1), labels.astype(int))
    slope = float(model.coef_[0, 0])
    if slope <= 0:
        auc = roc_auc_score(labels.astype(int), raw_scores)
        way_out = newer() if newer is not None and split_kind == "time" else "train on the newer period only"
        raise TrainingError(_no_ranking(auc, labels, split_kind, way_out))
    return slope, float(model.intercept_[0])


def _part(split_kind: str) -> str:
    return "period" if split_kind == "time" else "part"


def _no_ranking(auc: float, labels: np.ndarray, split_kind: str = "time", newer: str = "") -> str:
    """Why scores that do not rise with conversion cannot be calibrated: a shift, or too little signal."""
    from leadgate.training.evaluate import auc_standard_error

    sqls = int(labels.sum())
    se = auc_standard_error(auc, sqls, len(labels) - sqls)
    measured = f"ROC-AUC {auc:.3f} ± {se:.3f} on {len(labels):,} leads, {sqls:,} SQLs"
    where = f"on the validation {_part(split_kind)}"
    if split_kind != "time":
        # Drawn from the same leads as training: no shift over time can be the cause.
        how = "backwards" if auc + 2 * se < 0.5 else "no better than chance"
        return (
            f"{where} the model ranks leads {how} ({measured}), so its scores cannot be calibrated: drawn at "
            "random from the same leads as training, it says the columns leadgate reads tell too little about "
            "conversion for this many leads, or the outcome is mapped wrongly (check sql_positive). Map more of "
            "the export's columns (as custom fields), or bring more history"
        )
    if auc + 2 * se < 0.5:  # clearly backwards, beyond what chance gives on this many leads
        return (
            f"{where} the model ranks leads backwards ({measured}), so its scores cannot be "
            "calibrated: what predicted conversion in the older leads does not in the newer ones (a regime "
            f"shift). {newer[:1].upper()}{newer[1:]}; {NOT_RANDOM}"
        )
    return (
        f"{where} the model ranks leads no better than chance ({measured}), so its scores "
        "cannot be calibrated: the columns leadgate reads tell too little about conversion for this many "
        "leads, or what predicted it in the older leads does not in the newer ones (a regime shift). Map "
        f"more of the export's columns (as custom fields), bring more history, or, for a shift, {newer}"
    )
