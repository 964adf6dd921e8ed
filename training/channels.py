"""Channel quality: per source channel and campaign, leads, leads passing the gates, SQLs, won, cost."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from leadgate.decision.pipeline import DecisionPipeline
from leadgate.decision.routes import SALES_ROUTES
from leadgate.features.category_levels import usual_spellings
from leadgate.training.backtest import decide_history
from leadgate.training.history import NO_WON_LABEL, History
from leadgate.training.intervals import CONFIDENCE, wilson

NONE_LABEL = "(none)"


@dataclass(frozen=True)
class ChannelQuality:
    """Rows per channel and per (channel, campaign), each with a total row; cost only where known."""

    channels: pd.DataFrame
    campaigns: pd.DataFrame
    leads: int
    leads_with_cost: int
    with_model: bool
    won_labelled: bool = True  # without a won label the won column is unknown (NaN), not 0

    def to_dict(self) -> dict:
        """JSON-safe form."""
        return {
            "channels": _records(self.channels),
            "campaigns": _records(self.campaigns),
            "leads": self.leads,
            "leads_with_cost": self.leads_with_cost,
            "notes": [] if self.won_labelled else [NO_WON_LABEL],
        }


def _records(frame: pd.DataFrame) -> list[dict]:
    rows = frame.to_dict(orient="records")
    return [{k: None if isinstance(v, float) and v != v else v for k, v in r.items()} for r in rows]


def channel_quality(
    history: History,
    pipeline: DecisionPipeline,
    sales_routes: tuple[str, ...] = SALES_ROUTES,
    confidence: float = CONFIDENCE,
) -> ChannelQuality:
    """Group historical leads by source; 'passing' means no gate keeps the lead from sales."""
    decisions = decide_history(pipeline, history)
    cost = np.array([np.nan if lead.source.cost is None else lead.source.cost for lead in history.leads])
    known = ~np.isnan(cost)
    passing = ~decisions.gates.rejecting()
    channels = [lead.source.channel for lead in history.leads]
    campaigns = [lead.source.campaign for lead in history.leads]
    frame = pd.DataFrame(
        {
            "channel": [_label(channel) for channel in channels],
            "campaign": [_label(campaign) for campaign in campaigns],
            "leads": 1,
            "passing_gates": passing.astype(int),
            "sqls": history.sql.astype(int),
            "won": history.won.astype(int),
            "leads_with_cost": known.astype(int),
            "cost": np.where(known, cost, 0.0),
            # Cost per accepted lead divides by accepted leads whose cost is known, not by all accepted.
            "passing_with_cost": (passing & known).astype(int),
        }
    )
    with_model = pipeline.model is not None
    if with_model:
        frame["to_sales"] = np.isin(decisions.route, sales_routes).astype(int)
    if not history.won_labelled:
        frame = frame.drop(columns="won")  # summed it would read 0 won deals: unknown instead
    # Grouped in any case, shown as the export spelled them most often ('LinkedIn Lead Gen', as reasons say).
    spelled = {"channel": _spellings(channels), "campaign": _spellings(campaigns)}
    return ChannelQuality(
        channels=_spelled(_summarise(frame, ["channel"], with_model, confidence), spelled),
        campaigns=_spelled(_summarise(frame, ["channel", "campaign"], with_model, confidence), spelled),
        leads=len(history.leads),
        leads_with_cost=int(known.sum()),
        with_model=with_model,
        won_labelled=history.won_labelled,
    )


def _summarise(frame: pd.DataFrame, keys: list[str], with_model: bool, confidence: float) -> pd.DataFrame:
    counts = [c for c in frame.columns if c not in ("channel", "campaign")]
    grouped = frame.groupby(keys, sort=True)[counts].sum().reset_index()
    grouped = grouped.sort_values("leads", ascending=False, kind="stable")
    total = pd.DataFrame([{**dict.fromkeys(keys, ""), "channel": "total", **frame[counts].sum().to_dict()}])
    table = pd.concat([grouped, total], ignore_index=True)
    table["pass_rate"] = table["passing_gates"] / table["leads"]
    table["sql_rate"] = table["sqls"] / table["leads"]
    intervals = [wilson(k, n, confidence) for k, n in zip(table["sqls"], table["leads"], strict=True)]
    table["sql_low"] = [rate.low for rate in intervals]
    table["sql_high"] = [rate.high for rate in intervals]
    has_cost = table["leads_with_cost"] > 0
    table["cost"] = table["cost"].where(has_cost)
    table["cost_per_accepted"] = table["cost"] / table["passing_with_cost"].where(lambda n: n > 0)
    labelled = "won" in table
    if not labelled:
        table["won"] = np.nan
    order = [*keys, "leads", "passing_gates", "pass_rate", *(["to_sales"] if with_model else [])]
    order += [
        "sqls",
        "sql_rate",
        "sql_low",
        "sql_high",
        "won",
        "leads_with_cost",
        "cost",
        "cost_per_accepted",
    ]
    table = table[order].reset_index(drop=True)
    integers = [
        "leads",
        "passing_gates",
        "sqls",
        *(["won"] if labelled else []),
        "leads_with_cost",
        *(["to_sales"] if with_model else []),
    ]
    return table.astype(dict.fromkeys(integers, "int64"))


def _label(value: str | None) -> str:
    # Channel names come from many hands: case and padding must not split one channel in two.
    text = (value or "").strip().lower()
    return text or NONE_LABEL


def _spellings(values: list[str | None]) -> dict[str, str]:
    """Each grouped value's most frequent spelling (ties: the first seen)."""
    return usual_spellings((_label(value), value.strip()) for value in values if value and value.strip())


def _spelled(table: pd.DataFrame, spelled: dict[str, dict[str, str]]) -> pd.DataFrame:
    """The table with each channel (and campaign) named as the export spelled it, not its grouping key."""
    for column, names in spelled.items():
        if column in table:
            total = table[column].eq("total") & (table.index == len(table) - 1)
            table[column] = [
                value if is_total else names.get(value, value)
                for value, is_total in zip(table[column], total, strict=True)
            ]
    return table
