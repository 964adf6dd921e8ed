"""Choosing route thresholds on validation data to keep the policy's recall floor."""

from __future__ import annotations

import numpy as np

from leadgate.decision.policy_routing import Routing, Thresholds


def _threshold_for_recall(p_sql: np.ndarray, sql: np.ndarray, recall: float) -> float:
    """Highest threshold t such that leads with p >= t hold at least `recall` of the SQLs."""
    positives = np.sort(p_sql[sql])[::-1]
    if len(positives) == 0:
        raise ValueError("no SQLs among validation leads: cannot choose thresholds")
    keep = int(np.ceil(recall * len(positives)))
    return float(positives[min(keep, len(positives)) - 1])


def _threshold_for_precision(p_sql: np.ndarray, sql: np.ndarray, precision: float, floor: float) -> float:
    """Lowest threshold above `floor` whose leads reach `precision`; the top 5% when none does."""
    order = np.argsort(-p_sql, kind="stable")
    hits = np.cumsum(sql[order])
    running = hits / np.arange(1, len(order) + 1)
    # Ignore the first few leads, where one lucky SQL makes any precision look reachable.
    ok = np.flatnonzero((running >= precision) & (np.arange(len(order)) >= 20))
    if len(ok):
        return max(float(p_sql[order[ok[-1]]]), floor)
    return max(float(np.quantile(p_sql, 0.95)), floor)


def choose_thresholds(
    p_sql: np.ndarray, sql: np.ndarray, routing: Routing, sqls_lost_to_gates: int = 0
) -> Thresholds:
    """Thresholds for model-routed leads: the policy's own, else chosen so that, counting the SQLs gates
    already keep from sales, the recall floor holds over all SQLs (or as near as the model-routed ones allow)."""
    if isinstance(routing.thresholds, Thresholds):
        return routing.thresholds
    sql = sql.astype(bool)
    model_sqls = int(sql.sum())
    needed = routing.recall_floor * (model_sqls + sqls_lost_to_gates) / max(model_sqls, 1)
    nurture = _threshold_for_recall(p_sql, sql, min(needed, 1.0))
    verify = max(_threshold_for_recall(p_sql, sql, routing.verify_recall), nurture)
    sales_ready = _threshold_for_precision(p_sql, sql, routing.sales_ready_precision, verify)
    # Thresholds must lie strictly inside (0, 1) for the policy's own validation.
    clip = lambda t: float(np.clip(t, 1e-6, 1 - 1e-6))  # noqa: E731
    return Thresholds(sales_ready=clip(sales_ready), verify=clip(verify), nurture=clip(nurture))
