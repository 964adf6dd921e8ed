"""Each intent event type's window, chosen from history: the age beyond which the event no longer predicts SQL."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from statistics import NormalDist

import numpy as np

from leadgate.decision.policy import Intent
from leadgate.features.intent import INTENT_EVENTS
from leadgate.features.table import EVENT_CODE, LeadTable


@dataclass(frozen=True)
class WindowChoice:
    """One event type's window and the evidence it was chosen on."""

    event: str
    days: float
    rule: str  # why these days, in words
    leads_without: int  # leads with no event of this type: what "no better" is measured against
    sql_rate_without: float
    tested: list[dict]  # per candidate tried: days, leads with only older events, their SQL rate, z
    leads_with: int  # leads with an event of this type: none means the history cannot have chosen

    def to_dict(self) -> dict:
        """JSON-safe dict, for the training evidence."""
        return asdict(self)


def _z(rate_old: float, n_old: int, rate_without: float, n_without: int) -> float:
    """One-sided two-proportion z of 'leads with only older events convert better than leads without'."""
    pooled = (rate_old * n_old + rate_without * n_without) / (n_old + n_without)
    spread = np.sqrt(pooled * (1 - pooled) * (1 / n_old + 1 / n_without))
    return 0.0 if spread == 0 else float((rate_old - rate_without) / spread)


def choose_window(last_age: np.ndarray, sql: np.ndarray, event: str, intent: Intent) -> WindowChoice:
    """The shortest candidate beyond which leads whose last `event` is older convert no better than leads without.

    `last_age` is each lead's days since its latest event of the type (NaN: none). Candidates are tried
    shortest first; once fewer than `min_leads` leads are left to compare, the history cannot tell and the
    policy's default is taken (never shorter than an age at which the event was still seen to predict).
    """
    critical = NormalDist().inv_cdf(intent.confidence)
    without = np.isnan(last_age)
    n_without = int(without.sum())
    rate_without = float(sql[without].mean()) if n_without else float("nan")
    tested: list[dict] = []

    def choice(days: float, rule: str) -> WindowChoice:
        return WindowChoice(
            event, float(days), rule, n_without, rate_without, tested, len(last_age) - n_without
        )

    if n_without == len(last_age):
        return choice(intent.default_days, "policy default: no lead has one")
    if n_without < intent.min_leads:
        return choice(intent.default_days, f"policy default: fewer than {intent.min_leads} leads without one")
    still_predicts = 0.0
    for days in intent.candidate_days:
        with np.errstate(invalid="ignore"):
            older = last_age > days  # every event of the type is older than `days`
        n_old = int(older.sum())
        if n_old < intent.min_leads:
            rule = f"policy default: fewer than {intent.min_leads} leads whose last one is over {days:g} days old"
            return choice(max(intent.default_days, still_predicts), rule)
        rate_old = float(sql[older].mean())
        z = _z(rate_old, n_old, rate_without, n_without)
        tested.append({"days": float(days), "leads": n_old, "sql_rate": rate_old, "z": round(z, 3)})
        if z <= critical:
            return choice(days, "history: leads whose last one is older convert no better than leads without")
        # Events older than `days` still predict: the window is longer than this candidate.
        still_predicts = next((d for d in intent.candidate_days if d > days), days)
    return choice(intent.candidate_days[-1], "longest candidate: older ones still convert better")


def choose_intent_windows(
    table: LeadTable, sql: np.ndarray, rows: np.ndarray, intent: Intent
) -> list[WindowChoice]:
    """A window for every intent event type, from the training leads `rows` (a bool mask) and their outcomes."""
    ages = table.last_event_ages()[rows]
    outcome = np.asarray(sql, dtype=np.float64)[rows]
    return [choose_window(ages[:, EVENT_CODE[event]], outcome, event, intent) for event in INTENT_EVENTS]
