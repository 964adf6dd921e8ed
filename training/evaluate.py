"""Metrics of scores and routes on held-out leads."""

from __future__ import annotations

import numpy as np

from leadgate.decision.routes import REJECTING_ROUTES, ROUTES, SALES_ROUTES
from leadgate.training.intervals import z_value


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


# Outcome draws behind the calibration error's chance level: a fraction of a second on 200,000 leads.
CALIBRATION_DRAWS = 200


def calibration_error_chance(p: np.ndarray, y: np.ndarray, seed: int = 0) -> dict[str, float]:
    """What a perfectly calibrated model's calibration error is on as many leads, and how often it is as large.

    The error of ten groups' means is never 0 on a finite sample: on 1,000 leads a model whose P(SQL) is
    exactly right still lands near 0.02, so an error is read against this level, not against 0. Outcomes are
    drawn from the P(SQL) itself; `calibration_error_chance` is their errors' median, and
    `calibration_error_chance_share` the share of draws at least as large as the error measured (a small share:
    a miscalibration the sample shows).
    """
    n = len(p)
    if n == 0:
        return {}
    order = np.argsort(p, kind="stable")
    p_sorted = p[order]
    starts = np.array([g[0] for g in np.array_split(np.arange(n), 10) if len(g)])
    # The same ten groups as calibration_error's (equal counts in sorted order), summed at once per draw.
    predicted = np.add.reduceat(p_sorted, starts)
    measured = calibration_error(p, y)
    rng = np.random.default_rng(seed)
    errors = np.array(
        [
            np.abs(predicted - np.add.reduceat((rng.random(n) < p_sorted).astype(float), starts)).sum() / n
            for _ in range(CALIBRATION_DRAWS)
        ]
    )
    return {
        "calibration_error_chance": float(np.median(errors)),
        "calibration_error_chance_share": float((errors >= measured - 1e-12).mean()),
    }


def auc_standard_error(auc: float, positives: int, negatives: int) -> float:
    """Hanley & McNeil's standard error of a ROC-AUC: how far another sample of this size could land."""
    q1, q2 = auc / (2 - auc), 2 * auc * auc / (1 + auc)
    variance = (
        auc * (1 - auc) + (positives - 1) * (q1 - auc * auc) + (negatives - 1) * (q2 - auc * auc)
    ) / max(positives * negatives, 1)
    return float(np.sqrt(max(variance, 0.0)))


# How the intervals beside leadgate's own ROC-AUC and PR-AUC are computed, as `train` and the report say it.
INTERVALS_IN_WORDS = (
    "ROC-AUC's from Hanley & McNeil's standard error, PR-AUC's by the logit interval of Boyd, Eng & Page"
)


def roc_auc_interval(auc: float, se: float) -> tuple[float, float]:
    """The 95% interval of a ROC-AUC from its standard error, within [0, 1]: the one `train`'s chance warning
    (training.held_out.chance_note) gives, so the table and the warning agree."""
    half = z_value() * se
    return max(auc - half, 0.0), min(auc + half, 1.0)


def pr_auc_interval(pr_auc: float, positives: int) -> tuple[float, float]:
    """The 95% logit interval of a PR-AUC on `positives` SQLs (Boyd, Eng & Page 2013): symmetric in log-odds,
    so it stays inside (0, 1) and widens toward 0 and 1 as the PR-AUC of a few SQLs must.

    On simulated scores with 11 to 1,000 SQLs it held the population's PR-AUC 92-98% of the time
    (tests/training/test_evaluate.py checks 90%); it costs nothing, where a bootstrap of every scorer's PR-AUC
    would cost seconds on a large test part.
    """
    if positives < 1 or pr_auc != pr_auc:
        return float("nan"), float("nan")
    # Half an SQL from either end: a perfect ordering of 11 SQLs is no certainty of 1.
    held = min(max(pr_auc, 0.5 / positives), 1 - 0.5 / positives)
    centre, half = np.log(held / (1 - held)), z_value() / np.sqrt(positives * held * (1 - held))
    low, high = 1 / (1 + np.exp(-(centre - half))), 1 / (1 + np.exp(-(centre + half)))
    return float(min(low, pr_auc)), float(max(high, pr_auc))


def score_metrics(
    score: np.ndarray, y: np.ndarray, probabilities: bool = True, calibration_chance: bool = False
) -> dict[str, float]:
    """ROC-AUC and PR-AUC of any score, each with its 95% interval; Brier, log-loss and calibration error when
    it is a probability (with `calibration_chance`, what chance alone gives too)."""
    from sklearn.metrics import average_precision_score, brier_score_loss, log_loss, roc_auc_score

    y = y.astype(int)
    if len(np.unique(y)) < 2:
        return {"roc_auc": float("nan"), "pr_auc": float("nan")}
    auc = float(roc_auc_score(y, score))
    metrics = {"roc_auc": auc, "roc_auc_se": auc_standard_error(auc, int(y.sum()), int((1 - y).sum()))}
    metrics["roc_auc_low"], metrics["roc_auc_high"] = roc_auc_interval(auc, metrics["roc_auc_se"])
    metrics["pr_auc"] = float(average_precision_score(y, score))
    metrics["pr_auc_low"], metrics["pr_auc_high"] = pr_auc_interval(metrics["pr_auc"], int(y.sum()))
    if probabilities:
        clipped = np.clip(score, 1e-6, 1 - 1e-6)
        metrics["brier"] = float(brier_score_loss(y, clipped))
        metrics["log_loss"] = float(log_loss(y, clipped, labels=[0, 1]))
        metrics["calibration_error"] = calibration_error(clipped, y)
        if calibration_chance:
            metrics.update(calibration_error_chance(clipped, y))
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
