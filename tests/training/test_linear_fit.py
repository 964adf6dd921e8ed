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
