"""The back-test's tables: per gate, per route, and the leads a proposed setup would treat differently."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from leadgate.decision.decisions import Decisions
from leadgate.decision.routes import REJECTING_ROUTES, ROUTES
from leadgate.training.history import History, local
from leadgate.training.intervals import rate_ratio, wilson

if TYPE_CHECKING:
    from leadgate.training.backtest import BacktestParams

LEAD_COLUMNS = [
    "lead_id",
    "created_at",
    "sql",
    "won",
    "rejection_reason",
    "current_route",
    "proposed_route",
    "proposed_source",
    "proposed_gates",
    "current_p_sql",
    "proposed_p_sql",
]


def count_won(won: np.ndarray | None, rows: np.ndarray) -> int | None:
    """Won deals among `rows`; None when the history has no won label."""
    return None if won is None else int(won[rows].sum())


def rejecting(routes: np.ndarray) -> np.ndarray:
    """Which routes keep a lead from sales (self_service, silent_reject)."""
    return np.isin(routes, REJECTING_ROUTES)


NO_CLEAR_SQL_RATE = "SQL rate: no clear difference"  # the SQL-rate ratio's interval includes 1


def gate_table(
    before: Decisions, after: Decisions, sql: np.ndarray, won: np.ndarray | None, params: BacktestParams
) -> pd.DataFrame:
    """Per gate of either setup: firing rates, SQL rate of affected vs unaffected leads, flags (won None:
    the history has no won label)."""
    fired_before = {spec.code: before.gates.fired[:, j] for j, spec in enumerate(before.gates.specs)}
    fired_after = {spec.code: after.gates.fired[:, j] for j, spec in enumerate(after.gates.specs)}
    specs = {spec.code: spec for spec in [*after.gates.specs, *before.gates.specs][::-1]}
    unlifted = after.gates.fired & ~after.gates.lifted
    alone = {
        spec.code: unlifted[:, j] & (unlifted.sum(axis=1) == 1) for j, spec in enumerate(after.gates.specs)
    }
    n = len(sql)
    rows = []
    for code in dict.fromkeys([*fired_after, *fired_before]):
        # Gates of the proposed setup are judged on it; a gate it drops is shown as it fired before.
        fired = fired_after.get(code, fired_before.get(code))
        k = int(fired.sum())
        affected = wilson(int(sql[fired].sum()), k, params.confidence)
        rest = wilson(int(sql[~fired].sum()), n - k, params.confidence)
        ratio = rate_ratio(affected.k, affected.n, rest.k, rest.n, params.confidence)
        flags = []
        if k == 0:
            flags.append("never fires")
        elif k > params.most_leads_share * n:
            flags.append("fires on most leads")
        if k and ratio.includes_one():
            # Named by its test: beside the report's ROC-AUC cost, whose interval may clear 0, a bare
            # "no clear difference" read as a contradiction (walk AE).
            flags.append(NO_CLEAR_SQL_RATE)
        if code not in fired_after:
            flags.append("removed")
        elif code not in fired_before:
            flags.append("new")
        rows.append(
            {
                "gate": code,
                "route": specs[code].route.value,
                "fired_current": int(fired_before[code].sum()) if code in fired_before else None,
                "fired_proposed": k if code in fired_after else None,
                "firing_rate": k / n if n else float("nan"),
                "affected_n": k,
                "affected_sqls": affected.k,
                "affected_conversion": affected.value,
                "affected_low": affected.low,
                "affected_high": affected.high,
                "affected_won": count_won(won, fired),
                # Leads no other gate holds back: dropping this gate leaves them to the model (or no_model_route).
                "alone_n": int(alone[code].sum()) if code in alone else None,
                "alone_sqls": int(sql[alone[code]].sum()) if code in alone else None,
                "unaffected_n": rest.n,
                "unaffected_conversion": rest.value,
                "unaffected_low": rest.low,
                "unaffected_high": rest.high,
                "ratio": ratio.value,
                "ratio_low": ratio.low,
                "ratio_high": ratio.high,
                "flags": ", ".join(flags),
            }
        )
    return pd.DataFrame(rows)


def route_table(
    before: np.ndarray, after: np.ndarray, sql: np.ndarray, won: np.ndarray | None
) -> pd.DataFrame:
    """Leads, SQLs and won deals per route under each setup (won None: the history has no won label)."""
    rows = []
    for route in ROUTES:
        now_, then = after == route, before == route
        rows.append(
            {
                "route": route,
                "current_leads": int(then.sum()),
                "current_sqls": int(sql[then].sum()),
                "current_won": count_won(won, then),
                "proposed_leads": int(now_.sum()),
                "proposed_sqls": int(sql[now_].sum()),
                "proposed_won": count_won(won, now_),
            }
        )
    return pd.DataFrame(rows)


def lead_rows(history: History, before: Decisions, after: Decisions, mask: np.ndarray) -> pd.DataFrame:
    """One row per selected lead: outcome, both routes and the proposed setup's unlifted gates."""
    rows = []
    for i in np.flatnonzero(mask):
        lead = history.leads[i]
        gates = [spec.code for spec, _, lifted in after.gates.fired_for(int(i)) if not lifted]
        rows.append(
            {
                "lead_id": lead.lead_id,
                # Without dates a creation time is the row order's stand-in (2000-01-01 on): none to show.
                "created_at": local(lead.created_at, history.zone).isoformat() if history.ordered else None,
                "sql": bool(history.sql[i]),
                "won": bool(history.won[i]) if history.won_labelled else None,
                "rejection_reason": history.rejection_reason[i],
                "current_route": before.route[i],
                "proposed_route": after.route[i],
                "proposed_source": after.route_source[i],
                "proposed_gates": ", ".join(gates),
                "current_p_sql": _round(before.p_sql[i]),
                "proposed_p_sql": _round(after.p_sql[i]),
            }
        )
    return pd.DataFrame(rows, columns=LEAD_COLUMNS)


def _round(value: float) -> float | None:
    return None if value != value else round(float(value), 4)
