"""Wilson intervals for rates, Katz log-scale intervals for their ratios, DeLong for a difference of AUCs."""

import math

import numpy as np
import pytest

from leadgate.training.intervals import delong_difference, paired_bootstrap, rate_ratio, wilson


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


def test_a_gate_with_no_sqls_whose_rates_clearly_differ_is_not_called_no_clear_difference():
    # Walk Q: 0 SQLs in 37 leads against 131 of 713 got [0, 1.13] under Katz with Haldane's +0.5, while the
    # row's two Wilson intervals, [0%, 9.4%] and [15.7%, 21.4%], did not overlap.
    ratio = rate_ratio(0, 37, 131, 713)
    assert ratio.value == 0 and ratio.low == 0 and ratio.high < 0.6 and not ratio.includes_one()


def test_with_an_empty_cell_the_ratio_agrees_with_the_two_wilson_intervals():
    for n1 in (3, 10, 37, 120):
        for k0, n0 in ((5, 60), (40, 300), (131, 713), (60, 61), (0, 500)):
            for k1 in (0, n1):
                affected, rest = wilson(k1, n1), wilson(k0, n0)
                if k1 == k0 == 0:
                    continue
                disjoint = affected.high < rest.low or rest.high < affected.low
                if disjoint:
                    assert not rate_ratio(k1, n1, k0, n0).includes_one(), (k1, n1, k0, n0)


def test_with_an_empty_cell_the_ratio_covers_the_true_one_about_as_often_as_stated():
    rng = np.random.default_rng(0)
    hits = []
    for _ in range(3000):
        k1, k0 = rng.binomial(37, 0.02), rng.binomial(713, 0.18)
        ratio = rate_ratio(int(k1), 37, int(k0), 713)
        hits.append(ratio.low <= 0.02 / 0.18 <= ratio.high)
    assert 0.93 <= np.mean(hits) <= 0.99


def test_few_leads_cannot_be_told_from_the_rest():
    assert rate_ratio(1, 3, 150, 1000).includes_one()


def _two_scorers(n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    y = rng.random(n) < 0.4
    a = y + rng.normal(size=n)
    return y, a, a + rng.normal(scale=0.8, size=n)  # b: the same ordering, blurred


def test_delong_gives_the_auc_difference_and_the_paired_bootstrap_interval():
    from sklearn.metrics import roc_auc_score

    y, a, b = _two_scorers(1500)
    found = delong_difference(y, a, b)
    assert found.value == pytest.approx(roc_auc_score(y, a) - roc_auc_score(y, b), abs=1e-12)
    resampled = paired_bootstrap(lambda r: roc_auc_score(y[r], a[r]) - roc_auc_score(y[r], b[r]), y, 1000)
    assert found.low == pytest.approx(resampled.low, abs=0.004)
    assert found.high == pytest.approx(resampled.high, abs=0.004)
    assert 0 < found.low < found.high


def test_delong_pairing_tells_apart_a_gap_smaller_than_either_aucs_own_noise():
    from leadgate.training.evaluate import auc_standard_error

    y, a, _ = _two_scorers(1200, seed=3)
    # b orders leads as a does, except that it swaps a few neighbouring pairs: a small but real loss.
    rng = np.random.default_rng(4)
    b = a + rng.normal(scale=0.3, size=len(a))
    found = delong_difference(y, a, b)
    own_noise = auc_standard_error(0.75, int(y.sum()), int((~y).sum()))
    assert found.value < own_noise and found.low > 0


def test_delong_of_a_score_against_itself_or_with_one_class_missing():
    y, a, _ = _two_scorers(300)
    same = delong_difference(y, a, a)
    assert (same.value, same.low, same.high) == (0.0, 0.0, 0.0)
    assert delong_difference(y, a, np.round(a)).high > 0  # ties are counted as half, not refused
    missing = delong_difference(np.zeros(10, dtype=bool), np.arange(10.0), np.arange(10.0))
    assert all(math.isnan(v) for v in (missing.value, missing.low, missing.high))
