"""Metrics of scores and routes on held-out leads."""

from __future__ import annotations

import numpy as np

from leadgate.decision.routes import REJECTING_ROUTES, ROUTES, SALES_ROUTES


def calibration_error(p: np.ndarray, y: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error over equal-count bins."""
    if len(p) == 0:
        return float("nan")
    order = np.argsort(p, kind="stable")
    error = 0.0
    for chunk in np.array_split(order, bins):
        if len(chunk):
            error += len(chunk) * abs(p[chunk].mean() - y[chunk].mean())
    return float(error / len(p))


def auc_standard_error(auc: float, positives: int, negatives: int) -> float:
    """Hanley & McNeil's standard error of a ROC-AUC: how far another sample of this size could land."""
    q1, q2 = auc / (2 - auc), 2 * auc * auc / (1 + auc)
    variance = (
        auc * (1 - auc) + (positives - 1) * (q1 - auc * auc) + (negatives - 1) * (q2 - auc * auc)
    ) / max(positives * negatives, 1)
    return float(np.sqrt(max(variance, 0.0)))


def score_metrics(score: np.ndarray, y: np.ndarray, probabilities: bool = True) -> dict[str, float]:
    """ROC-AUC and PR-AUC of any score; Brier, log-loss and calibration error when it is a probability."""
    from sklearn.metrics import average_precision_score, brier_score_loss, log_loss, roc_auc_score

    y = y.astype(int)
    if len(np.unique(y)) < 2:
        return {"roc_auc": float("nan"), "pr_auc": float("nan")}
    auc = float(roc_auc_score(y, score))
    metrics = {"roc_auc": auc, "roc_auc_se": auc_standard_error(auc, int(y.sum()), int((1 - y).sum()))}
    metrics["pr_auc"] = float(average_precision_score(y, score))
    if probabilities:
        clipped = np.clip(score, 1e-6, 1 - 1e-6)
        metrics["brier"] = float(brier_score_loss(y, clipped))
        metrics["log_loss"] = float(log_loss(y, clipped, labels=[0, 1]))
        metrics["calibration_error"] = calibration_error(clipped, y)
    return metrics


def gaps_to_system(scores: dict[str, np.ndarray], y: np.ndarray) -> dict[str, float]:
    """Each baseline's `test.<key>.roc_auc_gap`: leadgate's ROC-AUC minus its own, with DeLong's paired 95% bounds."""
    from leadgate.training.intervals import delong_difference

    metrics: dict[str, float] = {}
    for key, score in scores.items():
        if key == "system":
            continue
        gap = delong_difference(y, scores["system"], score)
        metrics.update(
            {
                f"test.{key}.roc_auc_gap": gap.value,
                f"test.{key}.roc_auc_gap_low": gap.low,
                f"test.{key}.roc_auc_gap_high": gap.high,
            }
        )
    return metrics


def route_metrics(routes: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """Recall and precision of the routes that reach sales, and SQL recall kept out of rejection."""
    y = y.astype(bool)
    total = max(int(y.sum()), 1)
    metrics: dict[str, float] = {}
    groups = {
        "sales_ready": np.isin(routes, ["sales_ready"]),
        "sales_or_verify": np.isin(routes, list(SALES_ROUTES)),
        "not_rejected": ~np.isin(routes, list(REJECTING_ROUTES)),
    }
    for name, mask in groups.items():
        metrics[f"recall_{name}"] = float((mask & y).sum() / total)
        metrics[f"precision_{name}"] = float((mask & y).sum() / max(int(mask.sum()), 1))
        metrics[f"share_{name}"] = float(mask.mean()) if len(mask) else float("nan")
    return metrics


def route_counts(routes: np.ndarray, y: np.ndarray) -> list[dict]:
    """Leads, SQLs and conversion per route."""
    rows = []
    for route in ROUTES:
        mask = routes == route
        n = int(mask.sum())
        sqls = int(y[mask].sum())
        rows.append({"route": route, "leads": n, "sqls": sqls, "conversion": sqls / n if n else float("nan")})
    return rows
