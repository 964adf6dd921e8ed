"""A model boosted from a linear start: exact contributions, reasons, its bundle, and bundles it can read."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tests.training.export_shapes import ADDITIVE_MAPPING, additive_rows


@pytest.fixture(scope="module")
def additive():
    """A 3,000-lead export whose outcome is a smooth sum of its columns: validation picks the linear start."""
    from leadgate.decision.policy import load_policy
    from leadgate.features.mapping import parse_mapping
    from leadgate.training.exports import history_from_export
    from leadgate.training.train import train_model

    history = history_from_export(additive_rows(3000, seed=0), parse_mapping(ADDITIVE_MAPPING)).history
    policy = load_policy()
    return history, policy, train_model(history, policy, seed=0)


def test_validation_chose_the_linear_start_and_it_is_level_with_the_logistic_regression(additive):
    *_, result = additive
    assert result.booster_params["linear_start"] is True and result.model.linear is not None
    chosen = [c for c in result.candidates if c["linear_start"]]
    plain = [c for c in result.candidates if not c["linear_start"]]
    assert max(c["valid_auc"] for c in chosen) > max(c["valid_auc"] for c in plain)
    # On a straight line's data the logistic regression is the model to match: not measurably behind it.
    assert result.metrics["test.logistic.roc_auc_gap_high"] > 0


def test_contributions_add_up_to_the_score_the_route_was_decided_on(additive):
    history, policy, result = additive
    decisions = result.test_decisions
    model = result.model
    contributions = model.contributions(decisions.matrix)
    np.testing.assert_allclose(contributions.sum(axis=1), decisions.raw_score, rtol=0, atol=1e-9)
    trees = model.booster.predict(decisions.matrix, raw_score=True)
    np.testing.assert_allclose(decisions.raw_score, trees + model.linear.raw(decisions.matrix), atol=1e-9)
    slope, intercept = model.calibration
    np.testing.assert_allclose(decisions.p_sql, 1 / (1 + np.exp(-(slope * decisions.raw_score + intercept))))
    # One lead alone gets the same score and the same reasons as in the batch.
    from leadgate.decision.pipeline import DecisionPipeline

    lead = history.leads[int(np.flatnonzero(result.split.test)[0])]
    alone = DecisionPipeline(policy, model).decide_one(lead)
    assert alone.p_sql == pytest.approx(float(decisions.p_sql[0]), abs=1e-6)  # records keep 6 decimals
    assert [r.text for r in alone.negative_reasons] == [r.text for r in decisions.record(0).negative_reasons]


def test_reasons_name_the_exports_own_columns(additive):
    *_, result = additive
    records = [result.test_decisions.record(i) for i in range(200)]
    texts = " ".join(r.text for record in records for r in record.negative_reasons + record.positive_reasons)
    labels = [field.label for field in result.model.builder.custom_fields]
    assert sum(label in texts for label in labels) >= 4, (labels, texts[:300])


def test_the_bundle_keeps_the_linear_start_and_older_bundles_still_load(additive, trained):
    from leadgate.decision.model import ScoringModel

    *_, result = additive
    bundle = json.loads(json.dumps(result.model.to_dict()))
    assert bundle["format"] == 4 and bundle["linear"] is not None
    loaded = ScoringModel.from_dict(bundle)
    matrix = result.test_decisions.matrix
    np.testing.assert_array_equal(loaded.contributions(matrix), result.model.contributions(matrix))
    # A format-3 bundle (before linear starts) is a plain booster and still loads.
    plain = json.loads(json.dumps(trained.model.to_dict()))
    older = {k: v for k, v in plain.items() if k != "linear"} | {"format": 3}
    assert ScoringModel.from_dict(older).linear is None
    with pytest.raises(ValueError, match="not one this version reads"):
        ScoringModel.from_dict(bundle | {"format": 5})
    bundle["linear"]["width"] -= 1
    with pytest.raises(ValueError, match="linear start describes other columns"):
        ScoringModel.from_dict(bundle)


def test_the_features_read_are_those_a_tree_splits_on_or_the_linear_start_weighs(additive):
    *_, result = additive
    model = result.model
    read = model.features_read()
    split_on = {
        name
        for name, splits in zip(
            model.builder.feature_names,
            model.booster.feature_importance(importance_type="split"),
            strict=True,
        )
        if splits
    }
    weighed = {model.builder.feature_names[i] for i in model.linear.columns_read()}
    assert read == split_on | weighed and weighed - split_on
    # Every column of this export moves the log-odds; a lead field the export never fills moves nothing.
    assert {f.feature for f in model.builder.custom_fields} <= read
    assert "employees" not in read
