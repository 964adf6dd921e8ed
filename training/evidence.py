"""Evidence for candidate signals: SQL rate with and without each, the ratio with an interval, a suggestion."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from leadgate.decision.pipeline import DecisionPipeline
from leadgate.decision.policy import Policy
from leadgate.decision.size_words import NOT_GIVEN, size_places, target_span
from leadgate.features.derived import MEANINGFUL_EVENTS, Derived
from leadgate.training.backtest import decide_history
from leadgate.training.history import NO_WON_LABEL, History
from leadgate.training.intervals import CONFIDENCE, rate_ratio, wilson
from leadgate.training.mining import MiningParams, mine_fit_signals


@dataclass(frozen=True)
class EvidenceRule:
    """When a signal should become a gate, a penalty (model feature) or nothing."""

    min_n: int = 50  # fewer leads with the signal: too few to tell; fewer without it: nothing to contrast
    gate_max_conversion: float = 0.01  # a gate: even the upper bound of its SQL rate is at most this
    penalty_max_ratio: float = 0.67  # a penalty: the upper bound of the SQL-rate ratio is below this
    confidence: float = CONFIDENCE

    def describe(self) -> str:
        """The rule in words, printed with every evidence table."""
        return (
            f"too few: under {self.min_n} leads with the signal; "
            f"no contrast: under {self.min_n} leads without it (true of nearly every lead measured); "
            f"gate: upper {self.confidence:.0%} Wilson bound of the SQL rate with the signal ≤ "
            f"{self.gate_max_conversion:.1%}; "
            f"penalty: upper bound of the SQL-rate ratio (with / without, Katz log-scale) < "
            f"{self.penalty_max_ratio:g}; none otherwise"
        )

    def suggest(
        self, n_with: int, conversion_high: float, ratio_high: float, n_without: int | None = None
    ) -> str:
        """gate, penalty, none, too few or no contrast."""
        if n_with < self.min_n:
            return "too few"
        # A signal nearly every lead has (an export without events is "inactive" throughout) sets no lead
        # apart: its "with" rate is the base rate, and "none" would read as measured and found harmless.
        if n_without is not None and n_without < self.min_n:
            return "no contrast"
        if conversion_high <= self.gate_max_conversion:
            return "gate"
        if ratio_high < self.penalty_max_ratio:
            return "penalty"
        return "none"


@dataclass(frozen=True)
class FeatureThresholds:
    """Where threshold versions of the current features cut."""

    stale_days: float = 30.0  # no meaningful activity in this many days before the decision
    old_lead_days: float = 30.0  # lead older than this when decided


@dataclass(frozen=True)
class Evidence:
    """One row per candidate signal, plus the rule and how mined signals were kept honest."""

    table: pd.DataFrame
    rule: str
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """JSON-safe form."""
        rows = self.table.to_dict(orient="records")
        clean = [{k: None if isinstance(v, float) and v != v else v for k, v in r.items()} for r in rows]
        return {"signals": clean, "rule": self.rule, "notes": self.notes}


def every_gate_enabled(policy: Policy) -> Policy:
    """The policy with its disabled gates switched on, so their conditions are measured too."""
    data = policy.model_dump()
    data["gates"] = [{**gate, "enabled": True} for gate in data["gates"]]
    return Policy.model_validate(data)


def feature_signals(derived: Derived, policy: Policy, thresholds: FeatureThresholds) -> dict[str, np.ndarray]:
    """Binary and threshold versions of the current features, named as a person reads them."""
    table = derived.table
    target = policy.firmographics.employees_target
    # Where a size lies as the reasons say it: a band ('11-50') across the range's end is partly in it, not below.
    places = size_places(table.numbers["employees_low"], table.numbers["employees_high"], target)
    span = target_span(target)
    since_meaningful = table.days_since(MEANINGFUL_EVENTS)
    lead_age = table.numbers["scored_days"] - table.numbers["created_days"]
    corporate = derived.domain_class == "corporate"
    website = derived.website_domain
    with np.errstate(invalid="ignore"):
        return {
            "personal email": derived.domain_class == "free",
            "seniority junior": derived.seniority == "junior",
            "seniority unknown": derived.seniority == "unknown",
            **{
                f"company size {place} the target range {span}": places == place
                for place in ("below", "partly in", "above")
                # A partly-in row only where a band lies across an end: exports of head counts have none.
                if place != "partly in" or (places == place).any()
            },
            f"company size {NOT_GIVEN}": places == NOT_GIVEN,
            f"no meaningful activity in {thresholds.stale_days:g} days": ~(
                since_meaningful <= thresholds.stale_days
            ),
            "no activity at all": derived.counts.sum(axis=1) == 0,
            f"lead older than {thresholds.old_lead_days:g} days": lead_age > thresholds.old_lead_days,
            "careers page visited": derived.count("careers_page") > 0,
            "no website": website == "",
            "no company name": np.array([not name for name in table.text["company_name"]], dtype=bool),
            "work email differs from website": corporate
            & (website != "")
            & (derived.email_domain != website)
            & np.array([not e.endswith("." + w) for e, w in zip(derived.email_domain, website, strict=True)]),
        }


def evidence_table(
    history: History,
    policy: Policy,
    rule: EvidenceRule | None = None,
    mining: MiningParams | None = None,
    thresholds: FeatureThresholds | None = None,
) -> Evidence:
    """Measure every gate condition, feature threshold and mined not-a-fit signal against SQL outcomes."""
    rule, mining, thresholds = (
        rule or EvidenceRule(),
        mining or MiningParams(),
        thresholds or FeatureThresholds(),
    )
    widened = every_gate_enabled(policy)
    decisions = decide_history(DecisionPipeline(widened), history)
    live = decisions if widened == policy else decide_history(DecisionPipeline(policy), history)
    derived = decisions.derived
    everyone = np.ones(len(history.leads), dtype=bool)
    # A new gate or penalty acts on the leads today's gates let through: judge candidates there.
    passing = ~live.gates.rejecting()
    candidates: list[tuple[str, str, np.ndarray, np.ndarray]] = []
    disabled = {gate.code for gate in policy.gates if not gate.enabled}
    for j, spec in enumerate(decisions.gates.specs):
        origin = "gate (disabled)" if spec.code in disabled else "gate"
        candidates.append((spec.code, origin, decisions.gates.fired[:, j], everyone))
    for name, mask in feature_signals(derived, policy, thresholds).items():
        candidates.append((name, "feature", mask, passing))
    mined, holdout, mined_note = mine_fit_signals(history, derived, passing, mining)
    for name, mask in mined.items():
        candidates.append((name, "not-a-fit", mask, holdout & passing))
    sql = history.sql.astype(bool)
    won = history.won.astype(bool) if history.won_labelled else None  # None: unknown, not 0
    rows = [
        _row(name, origin, mask & among, among, sql, won, rule) for name, origin, mask, among in candidates
    ]
    notes = [
        "Conversion is the SQL rate. Gate conditions are measured on all leads, whatever their route; "
        "feature and mined signals only on the leads no current gate keeps from sales.",
        mined_note,
    ]
    if not history.won_labelled:
        notes.append(NO_WON_LABEL)
    return Evidence(pd.DataFrame(rows), rule.describe(), notes)


def _row(name, origin, with_signal, rows, sql, won, rule: EvidenceRule) -> dict:
    without = rows & ~with_signal
    have = wilson(int(sql[with_signal].sum()), int(with_signal.sum()), rule.confidence)
    lack = wilson(int(sql[without].sum()), int(without.sum()), rule.confidence)
    ratio = rate_ratio(have.k, have.n, lack.k, lack.n, rule.confidence)
    return {
        "signal": name,
        "origin": origin,
        "leads": int(rows.sum()),
        "n_with": have.n,
        "sqls_with": have.k,
        "won_with": None if won is None else int(won[with_signal].sum()),
        "conversion_with": have.value,
        "with_low": have.low,
        "with_high": have.high,
        "n_without": lack.n,
        "conversion_without": lack.value,
        "without_low": lack.low,
        "without_high": lack.high,
        "ratio": ratio.value,
        "ratio_low": ratio.low,
        "ratio_high": ratio.high,
        "suggestion": rule.suggest(have.n, have.high, ratio.high, lack.n),
    }
