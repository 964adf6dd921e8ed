"""Training end to end: gates, features, sized and calibrated booster, thresholds, held-out evaluation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from leadgate.decision.count_words import plural
from leadgate.decision.decisions import Decisions
from leadgate.decision.model import ScoringModel
from leadgate.decision.pipeline import DecisionPipeline
from leadgate.decision.policy import Policy
from leadgate.decision.policy_routing import Thresholds
from leadgate.features.builder import FeatureBuilder
from leadgate.features.money_marks import BY_CURRENCY
from leadgate.serving.drift import profile
from leadgate.training.baseline_verdict import verdict_evidence
from leadgate.training.baseline_words import SHOWN_COLUMNS, named
from leadgate.training.baselines import Baselines, comparison_rows, fit_baselines
from leadgate.training.evaluate import gaps_to_system, route_counts, route_metrics, score_metrics
from leadgate.training.field_checks import training_notes
from leadgate.training.fit import fit_booster
from leadgate.training.gate_history import gate_history_note
from leadgate.training.gate_losses import gate_losses
from leadgate.training.held_out import chance_note, newest_metrics, newest_note, weak_model
from leadgate.training.history import History
from leadgate.training.intent_windows import choose_intent_windows
from leadgate.training.leakage import leadgate_leaks, leak, suspect_columns
from leadgate.training.new_levels import new_levels, new_levels_note, pooled_shares, pooled_test_note
from leadgate.training.outcome_maturity import maturity_note
from leadgate.training.platt import fit_platt
from leadgate.training.reason_reference import reason_reference
from leadgate.training.regime import newer_only, refuse_backwards_test
from leadgate.training.shared_emails import shared_emails_note
from leadgate.training.splits import Split, SplitKind, split_history, trained_period
from leadgate.training.thresholds import choose_thresholds, sqls_gates_reject, threshold_notes

Progress = Callable[[str], None]
PLACEHOLDER_THRESHOLDS = Thresholds(sales_ready=0.9, verify=0.5, nurture=0.1)


@dataclass
class TrainResult:
    """The trained model and the evidence about it."""

    model: ScoringModel
    split: Split
    metrics: dict[str, float]
    comparison: list[dict]
    routes: list[dict]
    candidates: list[dict]
    booster_params: dict
    test_decisions: Decisions
    test_sql: np.ndarray
    extras: dict = field(default_factory=dict)


def _flat(prefix: str, metrics: dict[str, float]) -> dict[str, float]:
    return {f"{prefix}.{k}": v for k, v in metrics.items()}


def leadgate_seen(history: History, builder: FeatureBuilder, limit: int | None = SHOWN_COLUMNS) -> str:
    """What leadgate learned from, in words: the export columns the mapping reads (the first `limit` named,
    None: every one), or the lead fields."""
    # A custom field the mapping gives a constant is no column: counted with the constants, not here.
    columns = [field for field in builder.custom_fields if f"custom.{field.name}" not in history.constants]
    parts = [f"{len(columns)} as custom fields"] if columns else []
    if history.constants:  # no column, one value for every lead: said, as the mapping reads it
        count = len(history.constants)
        parts.append(f"{count} constant{'s' if count > 1 else ''} ({', '.join(history.constants)})")
    if history.seen_columns or history.constants:
        read = list(history.seen_columns)
        head = f"{plural(len(read), 'column')} through the mapping" + (
            f": {named(read, limit)}" if read else ""
        )
        return "; ".join([head, ", ".join(parts)]) if parts else head
    return ", ".join(["the lead schema's fields", *parts])


def scorer_columns(history: History, baselines: Baselines) -> dict[str, list[str]]:
    """Each scorer's export columns by name: leadgate's through the mapping (none for a JSON history), the baselines'."""
    return {**({"system": list(history.seen_columns)} if history.seen_columns else {}), **baselines.names}


def learned_from(all_decisions: Decisions, policy: Policy) -> np.ndarray:
    """The leads whose outcome the model may learn from (before the split): the report's field notes read these."""
    gated = all_decisions.gates.rejecting()
    eligible = ~gated if policy.training_gated_leads == "exclude" else np.ones_like(gated)
    # A lead no one may contact is kept from sales as a rejecting gate keeps it: left out alike. One whose
    # marketing email alone is stopped is still a lead sales works, and its outcome is one to learn from.
    return eligible & ~all_decisions.suppressed("all_contact")


def train_model(
    history: History,
    policy: Policy,
    seed: int = 0,
    progress: Progress | None = None,
    split_kind: SplitKind = "auto",
) -> TrainResult:
    """Fit on one part, size/calibrate/threshold on another, report on the last (by time unless told)."""
    say = progress or (lambda message: None)
    say("gates and signals")
    all_decisions = DecisionPipeline(policy).decide(history.leads)
    derived = all_decisions.derived
    y = history.sql
    split = split_history(history, split_kind, seed)
    gated = all_decisions.gates.rejecting()
    eligible = learned_from(all_decisions, policy)
    train, valid = split.train & eligible, split.valid & eligible

    say("intent windows, from the training leads")
    windows = choose_intent_windows(derived.table, y, train, policy.intent)

    say("features")
    builder = FeatureBuilder(
        employees_target=policy.firmographics.employees_target,
        custom_fields=history.custom_fields,
        intent_windows={choice.event: choice.days for choice in windows},
    ).fit(derived, rows=train)
    matrix = builder.transform(derived)

    say("LightGBM, sized by validation")
    # Only real creation times say which leads are newest; a random split has no newer validation period.
    created = history.created[train] if split.kind == "time" and history.ordered else None
    fitted = fit_booster(
        matrix[train],
        y[train],
        matrix[valid],
        y[valid],
        seed=seed,
        features=builder.features,
        created=created,
    )
    valid_raw = fitted.raw(matrix[valid])
    # The way out of a shift the validation period shows (said only then): train from its start on.
    calibration = fit_platt(valid_raw, y[valid], split.kind, lambda: newer_only(history, split.valid))
    # Placeholder thresholds until they are chosen below from the pipeline's own scores.
    # What Against means: SQL rates by value range on the very rows the booster learned from.
    reference = reason_reference(builder, matrix[train], y[train])
    model = ScoringModel(
        builder,
        fitted.booster,
        calibration,
        thresholds=PLACEHOLDER_THRESHOLDS,
        reference=reference,
        linear=fitted.linear,
    )
    # Which leads it learned from, by creation: a back-test on them is optimistic (training/backtest_notes.py).
    model.metadata["training_period"] = trained_period(history, split)
    if history.date_readings:  # how the export's dates were read: scoring through another reading is said
        model.metadata["date_readings"] = history.date_readings
    if history.currencies:  # the one currency of a number column's amounts: scoring refuses a cell in another
        model.metadata["currencies"] = history.currencies
    if history.event_caps:  # a count at its cap may stand for more: reasons say '100 or more page views'
        model.metadata["event_caps"] = dict(history.event_caps)
    # Each category column's share of filled training leads read as "(other)": a later rise is new levels.
    model.metadata["pooled_shares"] = pooled_shares(builder, matrix, train)
    pipeline = DecisionPipeline(policy, model)
    valid_rows = np.flatnonzero(split.valid)
    valid_decisions = pipeline.decide([history.leads[i] for i in valid_rows])
    # Thresholds are for the leads the model routes (gated ones never reach them), and are chosen on the
    # P(SQL) the pipeline itself computes: a tie group must not fall one bit below its own threshold.
    routed = ~gated[valid_rows]
    y_valid = y[valid_rows]
    lost = int((y_valid & ~routed).sum())
    model.thresholds = choose_thresholds(valid_decisions.p_sql[routed], y_valid[routed], policy.routing, lost)

    say("held-out evaluation through the decision pipeline")
    test_rows = np.flatnonzero(split.test)
    test = pipeline.decide([history.leads[i] for i in test_rows])
    valid_decisions = pipeline.decide([history.leads[i] for i in valid_rows])
    y_test = y[test_rows]
    # Drift is judged against the leads the model was tuned on, gated ones included: live traffic has them.
    # How training read each export column's numbers: a scoring file whose cells fit both marks reads as this.
    if isinstance(history.decimal, dict):
        model.metadata["decimal_marks"] = {c: m for c, m in history.decimal.items() if isinstance(m, str)}
        # A column with a mark per currency is kept apart, so a model's "decimal_marks" stay one mark a column.
        if several := {c: m for c, m in history.decimal.items() if isinstance(m, dict)}:
            model.metadata[BY_CURRENCY] = several
    model.metadata["reference"] = profile(
        valid_decisions.matrix, list(builder.feature_names), valid_decisions.p_sql
    )
    test_gated = gated[test_rows]
    system_score = np.where(test_gated, 0.0, test.p_sql)

    say("baselines: points scorecard, plain LightGBM and logistic regression on every export column")
    baselines = fit_baselines(history, derived, policy, split, seed)

    metrics: dict[str, float] = {}
    metrics.update(_flat("test.system", score_metrics(system_score, y_test, calibration_chance=True)))
    ungated = score_metrics(test.p_sql[~test_gated], y_test[~test_gated], calibration_chance=True)
    metrics.update(_flat("test.model_ungated", ungated))
    # The model on every test lead, gated ones too: beside the system's score it tells gates from model.
    metrics["test.model_all.roc_auc"] = score_metrics(test.p_sql, y_test)["roc_auc"]
    for key, score in baselines.scores.items():
        metrics.update(_flat(f"test.{key}", score_metrics(score, y_test, probabilities=key != "scorecard")))
    metrics.update(gaps_to_system({"system": system_score, **baselines.scores}, y_test))
    metrics.update(_flat("test.routes", route_metrics(test.route, y_test)))
    metrics.update(_flat("valid.routes", route_metrics(valid_decisions.route, y_valid)))
    metrics["valid.model.roc_auc"] = fitted.valid_auc
    refuse_backwards_test(metrics, split, history)
    # A random split's test part is mostly older leads: its model is also measured on the newest ones.
    metrics.update(newest_metrics(history, split, test.p_sql, ~test_gated))
    metrics["test.gated_share"] = float(test_gated.mean())
    metrics["test.sql_rate"] = float(y_test.mean())
    seen = {"system": leadgate_seen(history, builder), **baselines.seen()}
    comparison = comparison_rows(metrics, seen, scorer_columns(history, baselines))
    findings = baselines.findings(history)
    # A custom field the model reads that training itself found known only after contact is a leak as well.
    notes, late = training_notes(model, derived, matrix, y, train, history)
    gate_sqls = {
        part: sqls_gates_reject(all_decisions.gates, rows, y)
        for part, rows in (("valid", valid_rows), ("test", test_rows))
    }
    # Each rejecting gate's ROC-AUC cost turned off alone: the verdict and the chance warning name only a costly one.
    losses = gate_losses(all_decisions.gates, test_rows, y, test.p_sql)
    chance = chance_note(metrics, int(y_test.sum()), gate_sqls["test"], losses)
    weak = weak_model(metrics, chance)
    return TrainResult(
        model=model,
        split=split,
        metrics=metrics,
        comparison=comparison,
        routes=route_counts(test.route, y_test),
        candidates=fitted.candidates,
        booster_params=fitted.params,
        test_decisions=test,
        test_sql=y_test,
        extras={
            "intent_windows": [choice.to_dict() for choice in windows],
            "field_notes": notes,
            "maturity_note": maturity_note(y, split, history),
            "pooled_note": pooled_test_note(
                builder,
                matrix,
                split.test & ~gated,
                model.metadata["pooled_shares"],
                dict(history.field_columns),
            ),
            "new_levels_note": new_levels_note(
                # Only the test leads the model decides: a value every one of whose leads a gate rejects
                # (a country not served) is the gates' doing, which their own line names, not the model's.
                new_levels(builder, derived, y, train, split.test & ~gated, dict(history.field_columns))
            ),
            "baseline_columns": baselines.columns.used,
            "left_out": baselines.left_out,
            **verdict_evidence(findings, losses, late),
            # What gives the outcome away, read by leadgate itself: the model is registered, but under no alias.
            # (A leak only the baselines read is named by the verdict and keeps the alias.)
            "leak": leak(comparison, findings["strongest"], findings["alone"], findings["read"], late)
            if leadgate_leaks(comparison, findings["alone"], findings["read"], late)
            else None,
            # Columns the mapping reads that alone order the leads suspiciously well, short of a leak: the
            # verdict asks about them, and the run's evaluation.json keeps them.
            "suspect_columns": [
                {"column": name, "roc_auc_alone": auc}
                for name, auc in suspect_columns(findings["alone"], findings["read"] or ())
            ],
            # A model whose own test ROC-AUC chance could give: `train` makes no such first model the champion unasked.
            "weak": weak,
            # What the test part cannot show: said by `train` and kept in the run's notes.
            "warnings": [
                note
                for note in (
                    shared_emails_note(history, split),
                    gate_history_note(all_decisions.gates, y, policy.training_gated_leads == "include"),
                    newest_note(metrics, history),
                    chance,
                )
                if note
            ],
            "thresholds_fixed": not isinstance(policy.routing.thresholds, str),
            "threshold_notes": threshold_notes(
                metrics,
                policy.routing,
                {"valid": int(y_valid.sum()), "test": int(y_test.sum())},
                split.kind,
                model.thresholds,
                # Which of a recall-floor miss is the gates' and which the model's, per part.
                gate_sqls,
            ),
        },
    )
