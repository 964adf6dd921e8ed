"""Back-test: a proposed policy and/or model against the current one on historical leads, both through
the one decision pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from leadgate.decision.decisions import Decisions
from leadgate.decision.pipeline import DecisionPipeline
from leadgate.decision.routes import SALES_ROUTES
from leadgate.training.backtest_notes import backtest_notes
from leadgate.training.backtest_tables import (
    NO_CLEAR_SQL_RATE,
    count_won,
    gate_table,
    lead_rows,
    rejecting,
    route_table,
)
from leadgate.training.history import History, local
from leadgate.training.intervals import CONFIDENCE


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
            f"{NO_CLEAR_SQL_RATE}: the interval of the SQL-rate ratio (affected / unaffected, "
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
    if pipeline.model is None:  # "model no model" read as a model of that name
        return f"policy {pipeline.policy.version}, no model (gates only)"
    return f"policy {pipeline.policy.version}, model {pipeline.model.version}"


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
    rejecting_before, rejecting_after = rejecting(before.route), rejecting(after.route)
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
        "won_hidden": count_won(known_won, hidden),
        "sqls_no_longer_called": int((sql & calls_before & ~calls_after).sum()),
        "sqls_newly_called": int((sql & calls_after & ~calls_before).sum()),
        # Without a rejection reason which leads sales rejected is unknown (None), not 0, as for won deals.
        **{
            key: int(count.sum()) if history.rejections_labelled else None
            for key, count in (
                ("sales_rejected_leads", sales_rejected),
                ("sales_rejected_called", sales_rejected & calls_before),
                ("sales_rejected_prevented", prevented),
            )
        },
        "leads_changing_route": int((before.route != after.route).sum()),
    }
    # In the export's own time zone (its offset kept): the dates said are those its rows write.
    created = [local(lead.created_at, history.zone) for lead in history.leads]
    return Backtest(
        current=describe(current),
        proposed=describe(proposed),
        leads=len(history.leads),
        # An export without dates has only row order: no period to name.
        period=(min(created).isoformat(), max(created).isoformat()) if history.ordered else ("", ""),
        gates=gate_table(before, after, sql, known_won, params),
        routes=route_table(before.route, after.route, sql, known_won),
        hidden=lead_rows(history, before, after, hidden),
        prevented=lead_rows(history, before, after, prevented),
        summary=summary,
        rules=params.rules(),
        notes=backtest_notes(current, proposed, before, after, history),
    )


def decide_history(pipeline: DecisionPipeline, history: History) -> Decisions:
    """Decide historical leads each as of its own decision time: scored_at, else its creation."""
    # history_from_records already fills scored_at; a History built otherwise must not be scored "now",
    # which would let every lead see activity that happened after it was decided.
    leads = [lead if lead.scored_at else lead.as_of(lead.created_at) for lead in history.leads]
    return pipeline.decide(leads)
