"""What each rejecting gate costs leadgate's ROC-AUC on the test part, measured by turning it off alone."""

from __future__ import annotations

import numpy as np

from leadgate.decision.gates import GateResults
from leadgate.training.intervals import delong_difference


def gate_losses(gates: GateResults, rows: np.ndarray, sql: np.ndarray, p_sql: np.ndarray) -> list[dict]:
    """Per rejecting gate on `rows` of the batch (the test part; `sql` is the whole batch's, `p_sql` the model's
    score of `rows`, in their order): the share it rejects, their SQL rate against the rest's, and its cost,
    the costliest first.

    The cost is the system ROC-AUC with that gate alone switched off minus the system's own, with DeLong's
    paired 95% interval: the system scores a rejected lead 0 (as `train` does), and with the gate off its
    leads that no other gate rejects get the model's P(SQL). Positive: the gate lowers ROC-AUC."""
    rows = np.asarray(rows)
    if not len(rows):
        return []
    sql, p_sql = np.asarray(sql, dtype=bool)[rows], np.asarray(p_sql, dtype=float)
    rejecting = np.array([spec.route.rejecting for spec in gates.specs], dtype=bool)
    held_by = gates.fired[rows] & ~gates.lifted[rows] & rejecting[None, :]
    held_count = held_by.sum(axis=1)
    system = np.where(held_count > 0, 0.0, p_sql)
    found = []
    for j, spec in enumerate(gates.specs):
        held = held_by[:, j]
        if not held.any():
            continue
        # Off alone: a lead another gate also rejects stays rejected, so only the gate's own leads move.
        without = np.where(held & (held_count == 1), p_sql, system)
        cost = delong_difference(sql, without, system)
        found.append(
            {
                "gate": spec.code,
                "share": float(held.mean()),
                "sqls": int(sql[held].sum()),
                "sql_rate": float(sql[held].mean()),
                "rest_sql_rate": float(sql[~held].mean()) if (~held).any() else float("nan"),
                "cost": cost.value,
                "cost_low": cost.low,
                "cost_high": cost.high,
            }
        )
    # NaN costs (a test part of one class) last.
    return sorted(found, key=lambda g: -g["cost"] if g["cost"] == g["cost"] else np.inf)


def costly(losses) -> list[dict]:
    """The gates whose cost is beyond the noise: the lower end of its paired interval above 0."""
    return [g for g in losses if g.get("cost_low", np.nan) > 0]


def earning(losses) -> list[dict]:
    """The gates that raise ROC-AUC beyond the noise (the upper end of their cost's interval below 0), most first."""
    return sorted((g for g in losses if g.get("cost_high", np.nan) < 0), key=lambda g: g["cost"])


def kept(losses) -> list[dict]:
    """The gates measured not to cost ROC-AUC beyond the noise, those that raise it most first."""
    return sorted((g for g in losses if g.get("cost_low", np.nan) <= 0), key=lambda g: g["cost"])
