"""Training end to end: gates, features, sized and calibrated booster, thresholds, held-out evaluation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from leadgate.decision.model import ScoringModel
from leadgate.decision.pipeline import DecisionPipeline, Decisions
from leadgate.decision.policy import Policy
from leadgate.features.builder import FEATURE_NAMES, FeatureBuilder
from leadgate.serving.drift import profile
from leadgate.training.baselines import fit_raw_lightgbm, raw_frame, scorecard_points
from leadgate.training.data import History, TimeSplit, time_split
from leadgate.training.evaluate import route_counts, route_metrics, score_metrics
from leadgate.training.fit import fit_booster, fit_platt
from leadgate.training.thresholds import choose_thresholds

Progress = Callable[[str], None]


@dataclass
class TrainResult:
    """The trained model and the evidence about it."""

    model: ScoringModel
    split: TimeSplit
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


def train_model(
    history: History, policy: Policy, seed: int = 0, progress: Progress | None = None
) -> TrainResult:
    """Fit on older leads, size/calibrate/threshold on newer ones, report on the newest."""
    say = progress or (lambda message: None)
    say("gates and signals")
    all_decisions = DecisionPipeline(policy).decide(history.leads)
    derived = all_decisions.derived
    y = history.sql
    split = time_split(history)
    gated = all_decisions.gates.rejecting()
    eligible = ~gated if policy.training_gated_leads == "exclude" else np.ones_like(gated)
    train, valid = split.train & eligible, split.valid & eligible

    say("features")
    builder = FeatureBuilder(employees_target=policy.firmographics.employees_target).fit(derived, rows=train)
    matrix = builder.transform(derived)

    say("LightGBM, sized by validation")
    fitted = fit_booster(matrix[train], y[train], matrix[valid], y[valid], seed=seed)
    valid_raw = fitted.booster.predict(matrix[valid], raw_score=True)
    calibration = fit_platt(valid_raw, y[valid])
    model = ScoringModel(builder, fitted.booster, calibration, thresholds=None)  # type: ignore[arg-type]
    # Thresholds are for the leads the model routes: gated leads never reach them, whatever the training set.
    routed = split.valid & ~gated
    lost = int((y & split.valid & gated).sum())
    routed_raw = fitted.booster.predict(matrix[routed], raw_score=True)
    model.thresholds = choose_thresholds(model.calibrate(routed_raw), y[routed], policy.routing, lost)

    say("held-out evaluation through the decision pipeline")
    pipeline = DecisionPipeline(policy, model)
    test_rows = np.flatnonzero(split.test)
    valid_rows = np.flatnonzero(split.valid)
    test = pipeline.decide([history.leads[i] for i in test_rows])
    valid_decisions = pipeline.decide([history.leads[i] for i in valid_rows])
    y_test, y_valid = y[test_rows], y[valid_rows]
    # Drift is judged against the newest leads the model was tuned on, gated ones included: live traffic has them.
    model.metadata["reference"] = profile(valid_decisions.matrix, list(FEATURE_NAMES), valid_decisions.p_sql)
    test_gated = gated[test_rows]
    system_score = np.where(test_gated, 0.0, test.p_sql)

    say("baselines: points scorecard and plain LightGBM")
    frame = raw_frame(derived)
    raw_booster = fit_raw_lightgbm(
        frame[split.train], y[split.train], frame[split.valid], y[split.valid], seed
    )
    raw_score = raw_booster.predict(frame[split.test])
    points = scorecard_points(derived, policy)[split.test]

    metrics: dict[str, float] = {}
    metrics.update(_flat("test.system", score_metrics(system_score, y_test)))
    metrics.update(_flat("test.model_ungated", score_metrics(test.p_sql[~test_gated], y_test[~test_gated])))
    metrics.update(_flat("test.scorecard", score_metrics(points, y_test, probabilities=False)))
    metrics.update(_flat("test.raw_lightgbm", score_metrics(raw_score, y_test)))
    metrics.update(_flat("test.routes", route_metrics(test.route, y_test)))
    metrics.update(_flat("valid.routes", route_metrics(valid_decisions.route, y_valid)))
    metrics["valid.model.roc_auc"] = fitted.valid_auc
    metrics["test.gated_share"] = float(test_gated.mean())
    metrics["test.sql_rate"] = float(y_test.mean())
    comparison = [
        {"scorer": name, **{k: metrics[f"test.{key}.{k}"] for k in ("roc_auc", "pr_auc")}}
        for name, key in (
            ("leadgate (gates + model)", "system"),
            ("points scorecard", "scorecard"),
            ("plain LightGBM, raw columns", "raw_lightgbm"),
        )
    ]
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
    )
