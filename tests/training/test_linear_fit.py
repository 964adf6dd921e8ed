"""The linear start: a logistic regression on the model's own columns, split exactly into per-column terms."""

from __future__ import annotations

import json

import numpy as np
import pytest

from leadgate.decision.linear import LinearStart
from leadgate.features.builder import FeatureSpec
from leadgate.training.linear_fit import fit_linear_start

SPECS = (
    FeatureSpec("visits", "web", monotone=1),
    FeatureSpec("age_days", "staleness", monotone=-1),
    FeatureSpec("segment", "segment", categorical=True),
    FeatureSpec("constant", "constant"),
)


def leads(seed: int = 0, n: int = 3000):
    """Visits help, staleness hurts, segment 2 converts best; some visits missing, one constant column."""
    rng = np.random.default_rng(seed)
    visits = rng.gamma(2.0, 3.0, n)
    age = rng.uniform(0, 90, n)
    segment = rng.integers(0, 4, n).astype(float)
    logit = -1 + 0.25 * visits - 0.02 * age + np.where(segment == 2, 1.0, 0.0)
    y = rng.random(n) < 1 / (1 + np.exp(-logit))
    visits[rng.random(n) < 0.15] = np.nan
    return np.column_stack([visits, age, segment, np.full(n, 7.0)]), y


def test_terms_add_up_to_the_regressions_log_odds_and_centre_on_the_training_leads():
    x, y = leads()
    start = fit_linear_start(x, y, SPECS)
    contributions = start.contributions(x)
    assert contributions.shape == (len(x), len(SPECS) + 1)
    assert contributions[:, : len(SPECS)].mean(axis=0) == pytest.approx(np.zeros(len(SPECS)), abs=1e-9)
    assert contributions.sum(axis=1) == pytest.approx(start.raw(x))
    # The directions the data shows, and nothing for a column that never varies.
    slopes = dict(zip(start.numbers.columns.tolist(), start.numbers.weight, strict=True))
    assert slopes[0] > 0 and slopes[1] < 0 and slopes[3] == 0
    (segment,) = start.categories
    assert segment.weights.argmax() == 2
    from sklearn.metrics import roc_auc_score

    assert roc_auc_score(y, start.raw(x)) > 0.7


def test_a_direction_the_policy_knows_is_never_contradicted():
    x, y = leads()
    # The policy says visits lower the odds: the data disagrees, so the line leaves visits out (its missing
    # flag and the other columns stay), and more visits never change the linear log-odds.
    specs = (FeatureSpec("visits", "web", monotone=-1), *SPECS[1:])
    start = fit_linear_start(x, y, specs)
    assert start.numbers.weight[0] == 0
    assert start.numbers.weight[1] < 0
    more = x.copy()
    more[:, 0] = np.where(np.isnan(x[:, 0]), np.nan, x[:, 0] + 10)
    assert start.raw(more) == pytest.approx(start.raw(x))


def test_missing_values_unseen_levels_and_extremes_are_scored_without_surprise():
    x, y = leads()
    start = fit_linear_start(x, y, SPECS)
    odd = np.array([[np.nan, 30.0, 9.0, 7.0], [1e9, 30.0, np.nan, 7.0], [-1e9, 30.0, 1.0, 7.0]])
    contributions = start.contributions(odd)
    assert np.isfinite(contributions).all()
    # A level never seen in training and a missing category both weigh nothing (less the column's centre).
    assert contributions[0, 2] == pytest.approx(-start.centres[2])
    assert contributions[1, 2] == pytest.approx(-start.centres[2])
    # Extremes are clipped to the training range: a billion visits adds no more than the 99th percentile.
    top = np.nanpercentile(x[:, 0], 99)
    at_top = start.contributions(np.array([[top, 30.0, 1.0, 7.0]]))
    assert contributions[1, 0] == pytest.approx(at_top[0, 0], rel=1e-6)


def test_stored_and_read_back_it_scores_the_same():
    x, y = leads()
    start = fit_linear_start(x, y, SPECS)
    again = LinearStart.from_dict(json.loads(json.dumps(start.to_dict())))
    assert np.array_equal(again.contributions(x), start.contributions(x))


def test_a_rare_count_keeps_its_slope_and_a_sparse_column_its_range():
    rng = np.random.default_rng(1)
    n = 20_000
    demo = (rng.random(n) < 0.008) * 1.0  # a demo request: rare, and the strongest signal there is
    spend = np.where(rng.random(n) < 0.03, rng.normal(0, 1, n), np.nan)  # filled in for 3% of leads
    y = rng.random(n) < 1 / (1 + np.exp(-(-2 + 3 * demo + 1.5 * np.nan_to_num(spend))))
    specs = (FeatureSpec("demo", "demo", monotone=1), FeatureSpec("spend", "spend"))
    start = fit_linear_start(np.column_stack([demo, spend]), y, specs)
    assert start.numbers.high[0] == 1 and start.numbers.weight[0] > 0
    # The range of the values given, not of the median that stands in for the missing ones.
    assert start.numbers.low[1] < -1.5 and start.numbers.high[1] > 1.5
    per_unit = start.numbers.weight[1] / start.numbers.scale[1]  # the weight is per standard deviation
    assert 1.0 < per_unit < 2.0  # the true 1.5 log-odds per unit, little shrunk


def test_one_lead_alone_gets_the_terms_it_gets_in_a_batch():
    x, y = leads()
    start = fit_linear_start(x, y, SPECS)
    batch = np.vstack([x[:50], [[np.nan, 30.0, 9.0, 7.0], [1e9, 30.0, np.nan, 7.0]]])
    together = start.contributions(batch)
    for i, row in enumerate(batch):
        np.testing.assert_allclose(start.contributions(row[None, :])[0], together[i], rtol=0, atol=1e-12)


def _reference_regression(x, y, start, scale):
    """The regression the linear start is, built here by hand: standardized numbers, the missing flag and
    segment one-hots holding `scale`, under sklearn's default L2 (C = 1)."""
    from scipy import sparse
    from sklearn.linear_model import LogisticRegression

    numbers = start.numbers
    values = x[:, numbers.columns]
    missing = np.isnan(values)
    clipped = np.clip(np.where(missing, numbers.fill, values), numbers.low, numbers.high)
    standardized = (clipped - numbers.mean) / numbers.scale
    varies = clipped.std(axis=0) > 0
    flagged = missing.any(axis=0) & ~missing.all(axis=0)
    (segment,) = start.categories
    at = np.searchsorted(segment.levels, x[:, segment.column])
    one_hot = sparse.csr_matrix(
        (np.full(len(x), scale), (np.arange(len(x)), at)), shape=(len(x), len(segment.levels))
    )
    design = sparse.hstack(
        [
            sparse.csr_matrix(standardized[:, varies]),
            sparse.csr_matrix(missing[:, flagged] * 1.0),
            one_hot,
        ],
        format="csr",
    )
    return LogisticRegression(C=1.0, max_iter=2000).fit(design, y.astype(int)).coef_[0]


def test_at_the_default_the_levels_shrink_like_the_slopes_and_the_fit_is_unchanged():
    from leadgate.training import linear_fit

    assert linear_fit.CATEGORY_SCALE == 1.0
    x, y = leads()
    start = fit_linear_start(x, y, SPECS)
    coefficients = _reference_regression(x, y, start, 1.0)
    (segment,) = start.categories
    # Bit for bit the plain one-hot regression: starts fitted before the constant existed are unchanged.
    assert np.array_equal(segment.weights, coefficients[-len(segment.levels) :])
    assert np.array_equal(start.numbers.weight[:2], coefficients[:2])


def test_a_smaller_category_scale_shrinks_level_weights_harder_than_slopes(monkeypatch):
    from leadgate.training import linear_fit

    x, y = leads()
    plain = fit_linear_start(x, y, SPECS)
    monkeypatch.setattr(linear_fit, "CATEGORY_SCALE", 0.5)
    shrunk = fit_linear_start(x, y, SPECS)
    # The start's weight is the coefficient on a one-hot column holding 0.5: four times the L2 on the weight.
    (segment,) = shrunk.categories
    coefficients = _reference_regression(x, y, shrunk, 0.5)
    np.testing.assert_allclose(segment.weights, 0.5 * coefficients[-len(segment.levels) :], rtol=1e-6)
    spread = lambda start: np.ptp(start.categories[0].weights)  # noqa: E731
    assert spread(shrunk) < spread(plain) and segment.weights.argmax() == 2
    # The number slopes hardly move, and the terms still add up to the regression's log-odds.
    np.testing.assert_allclose(shrunk.numbers.weight, plain.numbers.weight, rtol=0.05, atol=1e-9)
    assert shrunk.contributions(x).sum(axis=1) == pytest.approx(shrunk.raw(x))
