"""Which rejecting gates cost leadgate the SQLs a plain model keeps, in numbers a policy author can act on."""

from __future__ import annotations

from collections.abc import Collection

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


def where_lost(
    gated_share: float | None,
    losses=(),
    model_all: float | None = None,
    bar: float = 1.0,
    inflated: Collection[str] = (),
) -> str:
    """Gates or model: which of leadgate's two parts can have lost what a plain model found, gates named.

    `inflated`: columns leadgate reads that alone order the leads suspiciously well (leakage.suspect_columns);
    its model's own ROC-AUC then blames no gate, as that column may be what lifts it."""
    if gated_share == 0:
        return "in leadgate's model (no gate rejected a test lead)"
    high = losses and model_all is not None and model_all >= bar
    if high and not inflated:
        # Its model alone keeps up on every test lead: what the gates reject is the whole difference.
        return (
            f"in leadgate's gates: its model alone reaches {model_all:.3f} on every test lead, and "
            f"{gate_loss_words(losses)} (turn a gate off or change its rule in the policy; `leadgate "
            "backtest --proposed-policy` shows what that changes)"
        )
    rejected = f": gates rejected {gated_share:.1%} of the test leads" if gated_share is not None else ""
    named = f"; {gate_loss_words(losses)}" if losses else ""
    if high:
        named += (
            f"; its model alone reaches {model_all:.3f} on every test lead, a figure {', '.join(inflated)} "
            "may inflate (above): no case for weakening a gate until that is settled"
        )
    return (
        f"in leadgate's gates or model{rejected}{named} (the model report's gate table, `leadgate report`, "
        "shows each gate)"
    )
