"""The model report: one registered version evaluated on the newest part of a history, as one HTML file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from leadgate.decision.decisions import Decisions
from leadgate.decision.model import ScoringModel
from leadgate.decision.pipeline import DecisionPipeline
from leadgate.decision.policy import Policy
from leadgate.training.backtest import BacktestParams
from leadgate.training.backtest_tables import gate_table
from leadgate.training.baseline_verdict import (
    held_out_verdict,
    length_only_signal,
    unread_signal,
    verdict_evidence,
)
from leadgate.training.baselines import BASELINES, comparison_rows, fit_baselines
from leadgate.training.channels import channel_quality
from leadgate.training.evaluate import gaps_to_system, route_counts, route_metrics, score_metrics
from leadgate.training.field_checks import training_notes
from leadgate.training.gate_history import gate_history_note
from leadgate.training.gate_losses import gate_losses
from leadgate.training.held_out import newest_metrics, newest_note
from leadgate.training.history import History
from leadgate.training.new_levels import new_levels, new_levels_note, pooled_test_note
from leadgate.training.regime import since_text
from leadgate.training.splits import Split, SplitKind, split_history
from leadgate.training.thresholds import GateSqls, sqls_gates_reject
from leadgate.training.train import leadgate_seen, learned_from

SCORERS = {"system": "leadgate (gates + model)", **BASELINES}


@dataclass(frozen=True)
class HeldOut:
    """The newest part of a history decided by one model version, beside the baselines scored on it."""

    history: History
    split: Split
    decisions: Decisions
    sql: np.ndarray
    gated: np.ndarray  # a gate keeps the lead from sales: the system's score is 0 there
    scores: dict[str, np.ndarray]  # by SCORERS key
    metrics: dict[str, float]  # the keys training logs: test.system.roc_auc, ...
    seen: dict[str, str]  # by SCORERS key: the columns each scorer learned from
    verdict: str | None = None  # what the baselines say, as `train` prints it (a leak, a loss), or None
    field_notes: tuple[str, ...] = ()  # the custom field notes `train` prints, on the same training leads
    seen_in_full: dict[str, str] | None = None  # as `seen`, every column named
    left_out: dict[str, str] | None = None  # each export column no baseline learned from, with why
    # The test part's first moment as --since reads it (a time when its first day holds training leads too):
    # what a back-test of exactly the held-out leads and newer ones is given; '' unless the split is by time.
    since: str = ""
    # A random split's model on the newest leads, as `train` warns of it (backwards there, or too few to tell).
    newest: str | None = None
    # The test SQLs gates reject, per gate: a ROC-AUC chance could give is then the gates', as `train` says it.
    gate_sqls: GateSqls | None = None
    # With no verdict: the unread columns plain LightGBM leans on, as `train` says them (information).
    unread: str | None = None
    # Category levels the model did not learn, held by many test leads: the column totals, then the values.
    levels_notes: tuple[str, ...] = ()
    # Per rejecting gate, its ROC-AUC cost turned off alone (gate_losses.gate_losses), as the verdict reads it.
    gate_losses: tuple[dict, ...] | None = None
    # Rejecting gates whose leads became SQLs about as often as the rest in the whole history, as `train` says it.
    gates_hiding: str | None = None


def evaluate_held_out(
    history: History, model: ScoringModel, policy: Policy, seed: int = 0, split_kind: SplitKind = "auto"
) -> HeldOut:
    """Decide the test part (training's split) and score the baselines as training does."""
    split = split_history(history, split_kind, seed)
    # The same steps as training.train_model's evaluation, so the same data gives the numbers training logged.
    gates_only = DecisionPipeline(policy).decide(history.leads)
    derived, y = gates_only.derived, history.sql
    gated = gates_only.gates.rejecting()[split.test]
    test_rows = np.flatnonzero(split.test)
    decisions = DecisionPipeline(policy, model).decide([history.leads[i] for i in test_rows])
    y_test = y[test_rows]
    baselines = fit_baselines(history, derived, policy, split, seed)
    scores = {"system": np.where(gated, 0.0, decisions.p_sql), **baselines.scores}
    seen = {"system": leadgate_seen(history, model.builder), **baselines.seen()}
    in_full = {"system": leadgate_seen(history, model.builder, None), **baselines.seen(None)}
    metrics: dict[str, float] = {}
    for key, score in scores.items():
        found = score_metrics(score, y_test, key != "scorecard", calibration_chance=key == "system")
        metrics.update({f"test.{key}.{name}": value for name, value in found.items()})
    metrics.update(gaps_to_system(scores, y_test))
    ungated = score_metrics(decisions.p_sql[~gated], y_test[~gated], calibration_chance=True)
    metrics.update({f"test.model_ungated.{name}": value for name, value in ungated.items()})
    metrics.update({f"test.routes.{k}": v for k, v in route_metrics(decisions.route, y_test).items()})
    metrics["test.gated_share"] = float(gated.mean())
    metrics["test.sql_rate"] = float(y_test.mean())
    metrics["test.model_all.roc_auc"] = score_metrics(decisions.p_sql, y_test)["roc_auc"]
    metrics.update(newest_metrics(history, split, decisions.p_sql, ~gated))
    found = baselines.findings(history)
    # Training's own notes on its training leads: a late field the model reads is a leak here as in `train`.
    train = split.train & learned_from(gates_only, policy)
    matrix = model.builder.transform(derived)
    notes, late = training_notes(model, derived, matrix, y, train, history)
    levels = _levels_notes(
        model, derived, matrix, y, train, split.test & ~gates_only.gates.rejecting(), history
    )
    losses = gate_losses(gates_only.gates, test_rows, y, decisions.p_sql)
    evidence = verdict_evidence(found, losses, late)
    said = held_out_verdict(comparison_rows(metrics, seen), metrics, evidence)
    return HeldOut(
        history.subset(test_rows),
        split,
        decisions,
        y_test,
        gated,
        scores,
        metrics,
        seen,
        said,
        tuple(notes),
        in_full,
        baselines.left_out,
        held_out_since(history, split),
        newest_note(metrics, history),
        sqls_gates_reject(gates_only.gates, test_rows, y),
        "; ".join(n for n in (None if said else unread_signal(evidence), length_only_signal(evidence)) if n)
        or None,
        levels,
        tuple(losses),
        gate_history_note(gates_only.gates, y, policy.training_gated_leads == "include"),
    )


def _levels_notes(model, derived, matrix, y, train, test, history: History) -> tuple[str, ...]:
    """`train`'s notes on category levels the model did not learn, on the same test leads (those it reads)."""
    columns = dict(history.field_columns)
    shares = model.metadata.get("pooled_shares")  # None for a model saved before they were kept
    found = new_levels(model.builder, derived, y, train, test, columns)
    said = (pooled_test_note(model.builder, matrix, test, shares, columns), new_levels_note(found))
    return tuple(note for note in said if note)


def held_out_since(history: History, split: Split) -> str:
    """The --since that keeps the test part of a split by time and no training lead: its first day, or its first
    moment when that day holds training leads too (walk Y: the day alone took in three of them)."""
    if split.kind != "time" or not history.ordered or not split.test.any():
        return ""
    created = history.created
    return since_text(float(created[split.test].min()), created, slack=0, zone=history.zone)


def reason_counts(decisions: Decisions, custom_fields: tuple = ()) -> pd.DataFrame:
    """Per reason family: leads showing it among their top negative / top positive reasons; a custom field's
    family by its label, as its reasons read ('Trial started', not 'custom trial started')."""
    families = decisions.book.families if decisions.book else ()
    labels = {field.feature: field.label for field in custom_fields}
    counts = {}
    for name, picks in (("negative", decisions.negative_picks), ("positive", decisions.positive_picks)):
        chosen = picks[picks >= 0] if picks is not None else np.array([], dtype=int)
        counts[name] = np.bincount(chosen, minlength=len(families))
    leads = max(len(decisions), 1)
    table = pd.DataFrame(
        {
            "family": [labels.get(family, family.replace("_", " ")) for family in families],
            "negative": counts["negative"],
            "negative_share": counts["negative"] / leads,
            "positive": counts["positive"],
            "positive_share": counts["positive"] / leads,
        }
    )
    return table.sort_values(["negative", "positive"], ascending=False, kind="stable").reset_index(drop=True)


def gate_firing(held: HeldOut) -> pd.DataFrame:
    """Per gate on the held-out leads: how often it fired, how the leads it fired on converted, and what it costs
    leadgate's ROC-AUC turned off alone."""
    won = held.history.won.astype(bool) if held.history.won_labelled else None
    table = gate_table(held.decisions, held.decisions, held.sql.astype(bool), won, BacktestParams())
    # A gate that rejects no held-out lead (or only routes, capping at verify or nurture) has no cost: NaN.
    costs = {g["gate"]: g for g in held.gate_losses or ()}
    for column, key in (
        ("roc_auc_cost", "cost"),
        ("roc_auc_cost_low", "cost_low"),
        ("roc_auc_cost_high", "cost_high"),
    ):
        table[column] = [costs.get(code, {}).get(key, np.nan) for code in table["gate"]]
    return table.sort_values("affected_n", ascending=False, kind="stable").reset_index(drop=True)


def report_sections(held: HeldOut, model: ScoringModel, policy: Policy) -> dict:
    """Every table and figure of the report, computed; `build_report` only lays them out."""
    from leadgate.training.plots import calibration_figure
    from leadgate.training.report_plots import gain_figure, png_data_uri, reason_figure, route_panels_figure

    decisions, y = held.decisions, held.sql
    reasons = reason_counts(decisions, model.builder.custom_fields)
    by_label = {SCORERS[key]: score for key, score in held.scores.items()}
    channels = channel_quality(held.history, DecisionPipeline(policy, model))
    return {
        "routes": pd.DataFrame(route_counts(decisions.route, y)),
        "reasons": reasons,
        "gates": gate_firing(held),
        "channels": channels.channels,
        "channels_with_cost": channels.leads_with_cost,
        "won_labelled": channels.won_labelled,
        "figures": {
            # The leads the model routes, as test.model_ungated measures them: a gate routes the rest.
            "calibration": png_data_uri(calibration_figure(decisions.p_sql[~held.gated], y[~held.gated])),
            "gain": png_data_uri(gain_figure(by_label, y)),
            "routes": png_data_uri(
                route_panels_figure(
                    decisions.p_sql, decisions.route, y, DecisionPipeline(policy, model).thresholds
                )
            ),
            "reasons": png_data_uri(
                reason_figure(
                    list(reasons["family"]),
                    reasons["negative"].to_numpy(),
                    reasons["positive"].to_numpy(),
                    len(decisions),
                )
            ),
        },
    }


@dataclass(frozen=True)
class ReportInfo:
    """What the header says about the model and the data."""

    model_name: str
    model_version: str
    run_id: str
    data: str
    generated_at: datetime | None = None
    trained_on: dict | None = None  # the run's data.* params: path, leads (and mapping)
    logged_metrics: dict | None = None  # the run's metrics, to set beside today's


def build_report(
    history: History,
    model: ScoringModel,
    policy: Policy,
    info: ReportInfo,
    seed: int = 0,
    split_kind: SplitKind = "auto",
) -> str:
    """A self-contained HTML report of one model version on the test part of `history`."""
    from leadgate.training.report_html import render

    held = evaluate_held_out(history, model, policy, seed, split_kind)
    info = info if info.generated_at else ReportInfo(**{**vars(info), "generated_at": datetime.now(UTC)})
    return render(held, report_sections(held, model, policy), model, policy, info)
