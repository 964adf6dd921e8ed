"""Wilson intervals for rates and Katz log-scale intervals for their ratios."""

import math

import numpy as np
import pytest

from leadgate.training.intervals import rate_ratio, wilson


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [(5, 10, 0.2366, 0.7634), (0, 10, 0.0, 0.2775), (10, 10, 0.7225, 1.0), (1, 100, 0.0018, 0.0545)],
)
def test_wilson_matches_published_values(k, n, low, high):
    rate = wilson(k, n)
    assert (rate.low, rate.high) == (pytest.approx(low, abs=1e-4), pytest.approx(high, abs=1e-4))
    assert rate.low <= rate.value <= rate.high


def test_wilson_covers_the_true_rate_about_as_often_as_it_claims():
    rng = np.random.default_rng(0)
    p, n = 0.05, 120
    hits = [(r.low <= p <= r.high) for r in (wilson(k, n) for k in rng.binomial(n, p, 4000))]
    assert 0.93 <= np.mean(hits) <= 0.975


def test_an_empty_group_has_no_rate():
    rate = wilson(0, 0)
    assert math.isnan(rate.value) and math.isnan(rate.low)


def test_katz_ratio_matches_a_hand_computed_value():
    ratio = rate_ratio(10, 100, 20, 100)
    se = math.sqrt(1 / 10 - 1 / 100 + 1 / 20 - 1 / 100)
    assert ratio.value == pytest.approx(0.5)
    assert ratio.low == pytest.approx(0.5 * math.exp(-1.959964 * se), rel=1e-5)
    assert ratio.high == pytest.approx(0.5 * math.exp(1.959964 * se), rel=1e-5)
    assert ratio.includes_one()  # half the rate, yet 10 events against 20 cannot show it
    assert not rate_ratio(40, 400, 80, 400).includes_one()


def test_no_events_on_one_side_leave_that_side_of_the_interval_open():
    none_with = rate_ratio(0, 500, 100, 1000)
    assert none_with.value == 0 and none_with.low == 0 and none_with.high < 1
    none_without = rate_ratio(5, 50, 0, 1000)
    assert math.isinf(none_without.value) and math.isinf(none_without.high) and none_without.low > 1


def test_few_leads_cannot_be_told_from_the_rest():
    assert rate_ratio(1, 3, 150, 1000).includes_one()
