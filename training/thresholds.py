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


def threshold_notes(
    metrics: dict[str, float],
    routing: Routing,
    sqls: dict[str, int],
    split_kind: str = "time",
    thresholds: Thresholds | None = None,
) -> list[str]:
    """What the chosen thresholds did not reach, in words: the precision wanted of sales_ready, the recall floor.

    `sqls` holds the SQL count of each part ("valid", "test"): a recall is said to miss the floor only when its
    Wilson interval lies wholly below it, not when a few SQLs more or less would have kept it. `split_kind` says
    whether the test part is later than validation ("time") or drawn from the same leads ("random").
    """
    from leadgate.training.intervals import wilson

    fixed = isinstance(routing.thresholds, Thresholds)
    notes = []
    precision = metrics.get("valid.routes.precision_sales_ready", float("nan"))
    if not fixed and thresholds is not None and thresholds.verify >= thresholds.sales_ready:
        notes.append(
            f"verify: no band of its own: sales_ready's {routing.sales_ready_precision:.0%} precision is reached "
            f"below the score that keeps {routing.verify_recall:.0%} of SQLs in sales or verify, so every lead "
            f"from {thresholds.sales_ready:.3f} up goes to sales_ready; raise routing.sales_ready_precision (or "
            "set the thresholds in the policy) to keep a verify queue"
        )
    if fixed and metrics.get("valid.routes.share_sales_ready") == 0.0:
        notes.append(
            f"sales_ready: no validation lead reaches the policy's fixed threshold "
            f"{routing.thresholds.sales_ready:g}, so the model sends none to sales; lower it, or set the "
            "thresholds to auto"
        )
    if not fixed and precision == precision and precision < routing.sales_ready_precision:
        notes.append(
            f"sales_ready: {precision:.1%} of its validation leads were SQLs, below the policy's "
            f"{routing.sales_ready_precision:.0%} precision (where no band of top scores reaches it, sales_ready "
            "is the top 5% of scores); lower routing.sales_ready_precision to what this data can give, or set "
            "the thresholds in the policy"
        )
    floor = routing.recall_floor
    chosen = "with the policy's fixed thresholds" if fixed else "where the thresholds were chosen"
    where = {"valid": f"on validation, {chosen}", "test": "on the later test period"}
    if split_kind == "random":
        where["test"] = "on the test part, drawn at random from the same leads as validation,"
    missed = {}
    for part in ("valid", "test"):
        recall, n = metrics.get(f"{part}.routes.recall_not_rejected", float("nan")), int(sqls.get(part, 0))
        if recall != recall or n == 0:
            continue
        rate = wilson(round(recall * n), n)
        if rate.high < floor:
            missed[part] = (
                f"SQL recall kept out of self_service/silent_reject is {recall:.1%} {where[part]} (95% interval "
                f"{rate.low:.1%}–{rate.high:.1%}, {n:,} SQLs), below the policy's {floor:.0%} floor"
            )
    if fixed and missed:
        # Nothing was chosen: the advice is about the numbers the policy gives.
        return [
            f"{said}: lower the policy's fixed thresholds, or set them to auto" for said in missed.values()
        ]
    return notes + [
        f"{said}: {_recall_advice(part, split_kind, 'valid' in missed)}" for part, said in missed.items()
    ]


def _recall_advice(part: str, split_kind: str, valid_missed: bool) -> str:
    """What to do about a recall below the floor, for the part it was measured on and how that part was drawn."""
    if part == "valid":
        return (
            "too few model-routed SQLs to place the nurture threshold, or gates reject more SQLs than the floor "
            "allows (the model report's gate table, `leadgate report`, shows each gate)"
        )
    if split_kind == "time":
        return (
            "thresholds chosen on the past need not hold on newer leads; retrain on more recent leads, or "
            "back-test before relying on them"
        )
    # A random test part is drawn from the same leads as validation: a miss there is no change over time.
    if valid_missed:
        return "as on validation, for the same cause (above), not a change over time"
    return (
        "no change over time, then: the thresholds rest on too few validation SQLs to hold on other leads; bring "
        "more history, or back-test before relying on them"
    )
