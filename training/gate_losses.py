"""Which rejecting gates cost leadgate the SQLs a plain model keeps, in numbers a policy author can act on."""

from __future__ import annotations

import numpy as np

from leadgate.decision.gates import GateResults


def gate_losses(gates: GateResults, rows: np.ndarray, sql: np.ndarray, top: int = 3) -> list[dict]:
    """Per rejecting gate, on `rows` of the batch (e.g. the test part; `sql` is the whole batch's): the share of
    those leads it keeps from sales and their SQL rate against the rest's, the gates that lose most SQLs first."""
    rows = np.asarray(rows)
    if not len(rows):
        return []
    fired, sql = gates.fired[rows] & ~gates.lifted[rows], np.asarray(sql, dtype=bool)[rows]
    found = []
    for j, spec in enumerate(gates.specs):
        if not spec.route.rejecting or not fired[:, j].any():
            continue
        held = fired[:, j]
        found.append(
            {
                "gate": spec.code,
                "share": float(held.mean()),
                "sqls": int(sql[held].sum()),
                "sql_rate": float(sql[held].mean()),
                "rest_sql_rate": float(sql[~held].mean()) if (~held).any() else float("nan"),
            }
        )
    return sorted(found, key=lambda g: -g["sqls"])[:top]


def gate_loss_words(losses: list[dict]) -> str:
    """'below_size_floor rejects 10.6% of the test leads, converting at 30.6% against 36.8% for the rest; …'."""
    return "; ".join(
        f"{g['gate']} rejects {g['share']:.1%} of the test leads, converting at {g['sql_rate']:.1%} against "
        f"{g['rest_sql_rate']:.1%} for the rest"
        for g in losses
    )
