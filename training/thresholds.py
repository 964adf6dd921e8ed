"""Choosing route thresholds on validation data to keep the policy's recall floor."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from leadgate.decision.gates import GateResults
from leadgate.decision.policy_routing import Routing, Thresholds


def _sqls_kept(recall: float, sqls: int) -> int:
    """How many of `sqls` a threshold keeping `recall` of them keeps above it: its place among their scores."""
    return min(int(np.ceil(recall * sqls)), sqls)


def _threshold_for_recall(p_sql: np.ndarray, sql: np.ndarray, recall: float) -> float:
    """Highest threshold t such that leads with p >= t hold at least `recall` of the SQLs."""
    positives = np.sort(p_sql[sql])[::-1]
    if len(positives) == 0:
        raise ValueError("no SQLs among validation leads: cannot choose thresholds")
    return float(positives[_sqls_kept(recall, len(positives)) - 1])


def _recall_needed(routing: Routing, model_sqls: int, sqls_lost_to_gates: int) -> float:
    """The share of the SQLs the model routes that nurture must keep for the floor to hold over all SQLs."""
    return min(routing.recall_floor * (model_sqls + sqls_lost_to_gates) / max(model_sqls, 1), 1.0)


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
    nurture = _threshold_for_recall(p_sql, sql, _recall_needed(routing, int(sql.sum()), sqls_lost_to_gates))
    verify = max(_threshold_for_recall(p_sql, sql, routing.verify_recall), nurture)
    sales_ready = _threshold_for_precision(p_sql, sql, routing.sales_ready_precision, verify)
    # Thresholds must lie strictly inside (0, 1) for the policy's own validation.
    clip = lambda t: float(np.clip(t, 1e-6, 1 - 1e-6))  # noqa: E731
    return Thresholds(sales_ready=clip(sales_ready), verify=clip(verify), nurture=clip(nurture))


@dataclass(frozen=True)
class GateSqls:
    """The SQLs of one part (validation, test) that gates keep from sales: in all, and per rejecting gate."""

    rejected: int  # SQLs some gate routes to self_service or silent_reject
    by_gate: tuple[tuple[str, int], ...] = ()  # (gate, SQLs it rejects), most first; a lead may fire two

    def named(self) -> str:
        """'student_or_academic 19, unsupported_country 13', saying when a lead two gates reject counts twice."""
        named = ", ".join(f"{gate} {count:,}" for gate, count in self.by_gate)
        # The counts then add past `rejected`: without the words, a reader adds them and finds too many SQLs.
        doubled = sum(count for _, count in self.by_gate) > self.rejected
        return named + ("; a lead may be rejected by two" if doubled else "")


def sqls_gates_reject(gates: GateResults, rows: np.ndarray, sql: np.ndarray) -> GateSqls:
    """On `rows` of the batch (`sql` is the whole batch's): the SQLs gates keep from sales, per gate."""
    rows = np.asarray(rows)
    sql = np.asarray(sql, dtype=bool)[rows]
    held = (gates.fired[rows] & ~gates.lifted[rows])[sql]
    by_gate = [
        (spec.code, int(held[:, j].sum()))
        for j, spec in enumerate(gates.specs)
        if spec.route.rejecting and held[:, j].any()
    ]
    by_gate.sort(key=lambda found: -found[1])
    return GateSqls(int((gates.rejecting()[rows] & sql).sum()), tuple(by_gate))


def threshold_notes(
    metrics: dict[str, float],
    routing: Routing,
    sqls: dict[str, int],
    split_kind: str = "time",
    thresholds: Thresholds | None = None,
    gate_sqls: dict[str, GateSqls] | None = None,
) -> list[str]:
    """What the chosen thresholds did not reach, in words: the precision wanted of sales_ready, the recall floor.

    `sqls` holds the SQL count of each part ("valid", "test"): a recall is said to miss the floor only when its
    Wilson interval lies wholly below it, not when a few SQLs more or less would have kept it. `split_kind` says
    whether the test part is later than validation ("time") or drawn from the same leads ("random").
    `gate_sqls` (`sqls_gates_reject` per part) says which of a miss is the gates' and which the model's.
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
    gate_sqls = gate_sqls or {}
    # Said once: on validation's note, else on the test part's when the model lost SQLs there.
    few = _one_leads_score(routing, sqls, gate_sqls.get("valid"), thresholds)
    advice = {}
    for part in missed:
        recall, n = metrics[f"{part}.routes.recall_not_rejected"], int(sqls[part])
        found = gate_sqls.get(part)
        lost = None if found is None else max(n - found.rejected - round(recall * n), 0)
        advice[part] = _recall_advice(
            part, split_kind, "valid" in missed, routing.recall_floor, n, found, lost
        )
        if few and (part == "valid" or (lost and "valid" not in missed)):
            advice[part] += f". {few}"
    return notes + [f"{said}: {advice[part]}" for part, said in missed.items()]


def _one_leads_score(
    routing: Routing, sqls: dict[str, int], valid: GateSqls | None, thresholds: Thresholds | None
) -> str:
    """On few validation SQLs the nurture threshold is one of them's P(SQL): a new SQL falls below the k-th
    lowest of m SQL scores about k times in m + 1, and when that is more than the floor allows, it is said."""
    if valid is None or thresholds is None:  # how many SQLs the model routes is not known
        return ""
    routed = int(sqls.get("valid", 0)) - valid.rejected
    if routed < 1:
        return ""
    below = (
        routed - _sqls_kept(_recall_needed(routing, routed, valid.rejected), routed) + 1
    )  # rank from the bottom
    if (routed + 1 - below) / (routed + 1) >= routing.recall_floor:
        return ""
    which = "lowest-scored" if below == 1 else f"{_ordinal(below)} lowest-scored"
    return (
        f"On {routed:,} validation SQLs the model routes, the nurture threshold {thresholds.nurture:.3f} is one "
        f"lead's score, the {which} SQL's P(SQL): about {below} new SQL in {routed + 1} scores below it, more "
        f"than the {routing.recall_floor:.0%} floor allows; more history (more SQLs) places it better"
    )


def _ordinal(k: int) -> str:
    return f"{k}{'th' if 10 <= k % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(k % 10, 'th')}"


def _recall_advice(
    part: str,
    split_kind: str,
    valid_missed: bool,
    floor: float,
    n: int,
    found: GateSqls | None,
    lost: int | None,
) -> str:
    """What to do about a recall below the floor: the gates' share and the model's, when known (walker F7:
    gates rejecting 5 of 17 validation SQLs read as "too few model-routed SQLs ... or gates", and on the test
    part as "retrain on more recent leads")."""
    where = "validation" if part == "valid" else "test"
    if found is not None and found.rejected:
        named = found.named()
        others = n - found.rejected
        model = (
            "the model keeps every other one"
            if not lost
            else f"the model routes {lost:,} of the other {others:,} below nurture"
        )
        said = f"gates reject {found.rejected:,} of the {n:,} {where} SQLs ({named}), and {model}"
        if others / n < floor:  # even a model keeping every SQL it routes stays below the floor
            return (
                f"{said}: no threshold reaches the floor under this policy; edit its gates (or "
                "routing.recall_floor) and see what that changes with `leadgate backtest --proposed-policy`"
            )
    elif found is not None:
        said = f"no gate rejects a {where} SQL, and the model routes {lost:,} of {n:,} below nurture"
    if part == "valid":
        if found is None:
            # Thresholds chosen here keep the floor of the SQLs the model routes whenever that is enough.
            return (
                "gates reject more validation SQLs than the floor allows (the model report's gate table, "
                "`leadgate report`, shows each gate); edit them, and see what that changes with `leadgate "
                "backtest --proposed-policy`"
            )
        return said  # the model's loss on the SQLs it routes: ties at the threshold, or fixed thresholds
    if split_kind == "time" and valid_missed and found is None:
        # Validation's miss was the gates' (above): most likely this one is too, whose counts are not known here.
        cause = (
            "as on validation, gates may reject more SQLs than the floor allows (the model report's gate table, "
            "`leadgate report`, shows each gate); thresholds chosen on the past need not hold on newer leads "
            "either: back-test before relying on them"
        )
    elif split_kind == "time":
        cause = (
            "thresholds chosen on the past need not hold on newer leads; retrain on more recent leads, or "
            "back-test before relying on them"
        )
    elif valid_missed:  # a random test part is drawn from the same leads as validation: no change over time
        cause = "as on validation, for the same cause (above), not a change over time"
    else:
        cause = (
            "no change over time, then: the thresholds rest on too few validation SQLs to hold on other leads; "
            "bring more history, or back-test before relying on them"
        )
    return cause if found is None else f"{said}: {cause}"
