"""Monitoring of live decisions from the store: feature and score drift, gate firing over time, rejections."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np

from leadgate.decision.count_words import plural
from leadgate.decision.pipeline import DecisionPipeline
from leadgate.decision.routes import REJECTING_ROUTES
from leadgate.features.model_inputs import input_names
from leadgate.features.pooled_columns import PooledCounts, drift_cause, pooled_note
from leadgate.features.schema import parse_lead
from leadgate.serving.drift import MIN_LEADS, drift_table, edges_on_values
from leadgate.serving.lifecycle_store import LiveDecision
from leadgate.serving.model_loading import LoadedModel
from leadgate.serving.new_levels import model_read, training_shares

# Walk: decayed_intent read 4.4 (major) while P(SQL) barely moved: training leads at exactly 1.0 or 3.0, live
# ones a hair lower (events minutes before creation), old edges on those values. New references put edges between
# values; old ones need a train.
OLD_BINS_NOTE = (
    "this champion's training reference puts its bin edges on common training values (saved before edges were "
    "placed between them): a column whose leads sit on one value reads as major drift when live values differ "
    "by a hair; train again to refresh the reference before acting on such a column"
)


@dataclass
class MonitorReport:
    """What the monitor found in a window of live decisions."""

    leads: int
    model_version: str | None
    drift: list[dict] = field(default_factory=list)
    drift_note: str = ""
    gate_rates: list[dict] = field(default_factory=list)
    rejections: list[dict] = field(default_factory=list)
    rejected: int = (
        0  # leads kept from sales: a lead two gates reject counts once here, under each in rejections
    )
    routes: dict[str, int] = field(default_factory=dict)
    # Leads by the model version that decided them ("none" when the gates alone did, no model loaded): a
    # window may span a promotion or a rollback.
    decided_by: dict[str, int] = field(default_factory=dict)
    # Human reviews of automatic rejections resolved in the window: n, misclassified, open, and the rate.
    reviews: dict = field(default_factory=dict)
    # Category columns many of whose filled leads hold levels the model did not learn (PooledColumn.to_dict).
    pooled: list[dict] = field(default_factory=list)
    pooled_note: str = ""


def _period(decision: LiveDecision, period: str) -> str:
    moment = decision.received_at
    if period == "day":
        return moment.date().isoformat()
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def gate_rates(decisions: list[LiveDecision], period: str = "week") -> list[dict]:
    """Per period and gate: leads, how many the gate fired on, and the rate."""
    leads: Counter = Counter()
    fired: dict[str, Counter] = defaultdict(Counter)
    for decision in decisions:
        key = _period(decision, period)
        leads[key] += 1
        for gate in decision.record.gates:
            fired[key][gate.code] += 1
    rows = []
    for key in sorted(leads):
        for code, count in sorted(fired[key].items()):
            rows.append(
                {"period": key, "gate": code, "fired": count, "leads": leads[key], "rate": count / leads[key]}
            )
    return rows


def rejections_note(report: MonitorReport) -> str | None:
    """Why the rejections' shares add past 100% when they do: a lead two gates reject counts under each."""
    if sum(row["leads"] for row in report.rejections) <= report.rejected:
        return None
    return f"a lead two gates reject counts under each; {plural(report.rejected, 'lead')} rejected in all"


def monitor(decisions: list[LiveDecision], loaded: LoadedModel | None, period: str = "week") -> MonitorReport:
    """Drift against the champion's reference, gate firing per period, rejections by reason."""
    report = MonitorReport(leads=len(decisions), model_version=loaded.model.version if loaded else None)
    report.routes = dict(Counter(d.route for d in decisions))
    report.decided_by = dict(sorted(Counter(d.model_version or "none" for d in decisions).items()))
    report.gate_rates = gate_rates(decisions, period)
    reasons = Counter(reason for d in decisions for reason in d.record.rejection_reasons())
    rejected = sum(1 for d in decisions if d.route in REJECTING_ROUTES)
    report.rejected = rejected
    report.rejections = [
        {"reason": reason, "leads": count, "share_of_rejections": count / max(rejected, 1)}
        for reason, count in reasons.most_common()
    ]
    reference = loaded.model.metadata.get("reference") if loaded else None
    if reference is None:
        report.drift_note = "no champion model with a training reference: drift not computed"
        return report
    if not decisions:
        report.drift_note = "no live decisions in the window"
        return report
    if len(decisions) < MIN_LEADS:
        # Batch scoring's own bound: below it, random samples of a model's training leads put a column past
        # 0.25 by chance, so a quiet week read as major drift.
        report.drift_note = (
            f"drift not computed: {len(decisions):,} leads in the window, fewer than the {MIN_LEADS} PSI needs to "
            "tell drift from chance; widen --since"
        )
        return report
    # Features are rebuilt by the one pipeline as of each lead's arrival, exactly as the service saw them.
    leads = [parse_lead(d.lead, stored=True).as_of(d.received_at) for d in decisions]
    rebuilt = DecisionPipeline(loaded.policy, loaded.model).decide(leads)
    served = np.array(
        [
            d.p_sql if d.model_version == loaded.model.version and d.p_sql is not None else np.nan
            for d in decisions
        ]
    )
    # Scores served by an older champion are replaced by this champion's, so one model's scores are compared.
    p_sql = np.where(np.isnan(served), rebuilt.p_sql, served)
    report.drift = drift_table(reference, rebuilt.matrix, list(loaded.model.builder.feature_names), p_sql)
    # Walk AB: "custom_budget", "log10_below_target_size" named no input a reader could check.
    reads = {**input_names(loaded.model.builder), "p_sql": "the model's score"}
    for row in report.drift:
        row["reads"] = reads.get(row["column"], "")
    _add_pooled(report, rebuilt, loaded)
    if edges_on_values(reference) and any(row["level"] == "major" for row in report.drift):
        report.drift_note = OLD_BINS_NOTE
    return report


def _add_pooled(report: MonitorReport, rebuilt, loaded: LoadedModel) -> None:
    """Name the category columns whose levels the model did not learn, and give them as their drift's cause."""
    counts = PooledCounts(loaded.model.builder)
    counts.add(rebuilt.matrix, model_read(rebuilt))
    found = counts.found(training_shares(loaded.model))
    report.pooled = [column.to_dict() for column in found]
    report.pooled_note = pooled_note(found, "leads the model read") or ""
    causes = {column.feature: drift_cause(column) for column in found}
    for row in report.drift:
        if row["column"] in causes:
            row["cause"] = causes[row["column"]]
