"""Back-test: a proposed policy and/or model against the current one on historical leads, both through
the one decision pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from leadgate.decision.decisions import Decisions
from leadgate.decision.pipeline import DecisionPipeline
from leadgate.decision.routes import REJECTING_ROUTES, ROUTES, SALES_ROUTES
from leadgate.training.data import NO_WON_LABEL, History
from leadgate.training.intervals import CONFIDENCE, rate_ratio, wilson

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


@dataclass(frozen=True)
class BacktestParams:
    """Knobs of the back-test; every flag rule below is stated in the output with these values."""

    minutes_per_call: float = 20.0
    most_leads_share: float = 0.5  # a gate firing on more than this share of leads is flagged
    confidence: float = CONFIDENCE
    sales_routes: tuple[str, ...] = SALES_ROUTES  # routes a sales person calls

    def rules(self) -> list[str]:
        """The flag and accounting rules, in words."""
        return [
            "never fires: the gate fired on no lead",
            f"fires on most leads: fired on more than {self.most_leads_share:.0%} of leads",
            "no clear difference: the interval of the SQL-rate ratio (affected / unaffected, "
            f"{self.confidence:.0%}, Katz log-scale) includes 1",
            "hidden: routed to self_service or silent_reject by the proposed setup but not by the current one",
            f"a call: a lead routed to {' or '.join(self.sales_routes)}, {self.minutes_per_call:g} minutes each",
        ]


@dataclass(frozen=True)
class Backtest:
    """What changes if the proposed setup replaces the current one, on the same leads."""

    current: str
    proposed: str
    leads: int
    period: tuple[str, str]
    gates: pd.DataFrame
    routes: pd.DataFrame
    # SQLs and won deals the proposed setup would hide, one row a lead (won None: the history has no won label)
    hidden: pd.DataFrame
    prevented: pd.DataFrame  # leads sales rejected that the proposed setup keeps from them
    summary: dict
    rules: list[str]
    notes: list[str] = field(default_factory=list)

    @property
    def hidden_won(self) -> set[str]:
        """Lead ids of won deals the proposed setup would hide."""
        return set(self.hidden.loc[self.hidden["won"].eq(True), "lead_id"])

    @property
    def hidden_sql(self) -> set[str]:
        """Lead ids of SQLs the proposed setup would hide."""
        return set(self.hidden.loc[self.hidden["sql"], "lead_id"])

    def to_dict(self) -> dict:
        """Everything, JSON-safe (tables as lists of records)."""
        tables = {name: _records(getattr(self, name)) for name in ("gates", "routes", "hidden", "prevented")}
        return {
            "current": self.current,
            "proposed": self.proposed,
            "leads": self.leads,
            "period": list(self.period),
            **tables,
            "summary": self.summary,
            "rules": self.rules,
            "notes": self.notes,
        }


def _records(frame: pd.DataFrame) -> list[dict]:
    rows = frame.to_dict(orient="records")
    return [{k: None if isinstance(v, float) and v != v else v for k, v in row.items()} for row in rows]


def describe(pipeline: DecisionPipeline) -> str:
    """Policy and model version of a setup, as the back-test names it."""
    model = pipeline.model.version if pipeline.model is not None else "no model"
    return f"policy {pipeline.policy.version}, model {model}"


def run_backtest(
    history: History,
    current: DecisionPipeline,
    proposed: DecisionPipeline,
    params: BacktestParams | None = None,
) -> Backtest:
    """Decide every historical lead with both setups, as of its own decision time, and compare."""
    params = params or BacktestParams()
    before, after = decide_history(current, history), decide_history(proposed, history)
    sql, won = history.sql.astype(bool), history.won.astype(bool)
    # Without a won label every won count is unknown (None), not 0.
    known_won = won if history.won_labelled else None
    rejecting_before, rejecting_after = _rejecting(before.route), _rejecting(after.route)
    calls_before = np.isin(before.route, params.sales_routes)
    calls_after = np.isin(after.route, params.sales_routes)
    hidden = rejecting_after & ~rejecting_before & (sql | won)
    sales_rejected = np.array([bool(r) for r in history.rejection_reason]) & ~sql
    prevented = sales_rejected & calls_before & ~calls_after
    avoided, added = int((calls_before & ~calls_after).sum()), int((calls_after & ~calls_before).sum())
    summary = {
        "calls_current": int(calls_before.sum()),
        "calls_proposed": int(calls_after.sum()),
        "calls_avoided": avoided,
        "calls_added": added,
        "minutes_per_call": params.minutes_per_call,
        # Signed: negative when the proposed setup adds more calls than it avoids.
        "net_sales_hours_saved": (avoided - added) * params.minutes_per_call / 60,
        "sqls": int(sql.sum()),
        "won": None if known_won is None else int(known_won.sum()),
        "sqls_hidden": int((hidden & sql).sum()),
        "won_hidden": _count(known_won, hidden),
        "sqls_no_longer_called": int((sql & calls_before & ~calls_after).sum()),
        "sqls_newly_called": int((sql & calls_after & ~calls_before).sum()),
        "sales_rejected_leads": int(sales_rejected.sum()),
        "sales_rejected_called": int((sales_rejected & calls_before).sum()),
        "sales_rejected_prevented": int(prevented.sum()),
        "leads_changing_route": int((before.route != after.route).sum()),
    }
    created = [lead.created_at for lead in history.leads]
    return Backtest(
        current=describe(current),
        proposed=describe(proposed),
        leads=len(history.leads),
        period=(min(created).isoformat(), max(created).isoformat()),
        gates=gate_table(before, after, sql, known_won, params),
        routes=route_table(before.route, after.route, sql, known_won),
        hidden=lead_rows(history, before, after, hidden),
        prevented=lead_rows(history, before, after, prevented),
        summary=summary,
        rules=params.rules(),
        notes=_notes(current, proposed, before, after, history.won_labelled),
    )


def _count(won: np.ndarray | None, rows: np.ndarray) -> int | None:
    """Won deals among `rows`; None when the history has no won label."""
    return None if won is None else int(won[rows].sum())


def decide_history(pipeline: DecisionPipeline, history: History) -> Decisions:
    """Decide historical leads each as of its own decision time: scored_at, else its creation."""
    # history_from_records already fills scored_at; a History built otherwise must not be scored "now",
    # which would let every lead see activity that happened after it was decided.
    leads = [lead if lead.scored_at else lead.as_of(lead.created_at) for lead in history.leads]
    return pipeline.decide(leads)


def _rejecting(routes: np.ndarray) -> np.ndarray:
    return np.isin(routes, REJECTING_ROUTES)


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
            flags.append("no clear difference")
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
                "affected_won": _count(won, fired),
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
                "current_won": _count(won, then),
                "proposed_leads": int(now_.sum()),
                "proposed_sqls": int(sql[now_].sum()),
                "proposed_won": _count(won, now_),
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
                "created_at": lead.created_at.isoformat(),
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


def _notes(
    current: DecisionPipeline,
    proposed: DecisionPipeline,
    before: Decisions,
    after: Decisions,
    won_labelled: bool,
):
    notes = [
        "Outcomes are observed only for leads sales actually worked: leads a past filter kept from sales "
        "have no real outcome, so 'newly called' SQLs among them are unknown, not zero."
    ]
    if not won_labelled:
        notes.append(NO_WON_LABEL)
    if current.model is not None or proposed.model is not None:
        notes.append(
            "Model routes on leads a model was trained or calibrated on are optimistic: back-test a model on "
            "leads newer than its training data (--since)."
        )
    if (before.route == after.route).all():
        notes.append("The two setups route every lead the same way.")
    return notes
