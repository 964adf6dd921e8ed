"""Held-out figures with the intervals they need on few SQLs: ROC-AUC's as the chance warning gives it, PR-AUC's
on the logit scale."""

import numpy as np
import pytest

from leadgate.training.evaluate import pr_auc_interval, score_metrics


def _draw(rng, sqls: int, others: int, shift: float) -> tuple[np.ndarray, np.ndarray]:
    y = np.r_[np.ones(sqls, dtype=bool), np.zeros(others, dtype=bool)]
    return rng.normal(shift * y, 1.0), y


def test_every_figure_carries_its_interval_and_the_roc_auc_s_is_the_chance_warning_s():
    from leadgate.training.held_out import chance_note

    score, y = _draw(np.random.default_rng(0), 11, 169, 0.3)
    metrics = score_metrics(score, y)
    assert metrics["roc_auc_low"] < metrics["roc_auc"] < metrics["roc_auc_high"] <= 1
    assert 0 < metrics["pr_auc_low"] < metrics["pr_auc"] < metrics["pr_auc_high"] < 1
    # The table and `train`'s warning name one interval.
    said = chance_note({f"test.system.{k}": v for k, v in metrics.items()}, 11)
    assert f"95% interval {metrics['roc_auc_low']:.2f}–{metrics['roc_auc_high']:.2f}, 11 SQLs" in said


def test_the_pr_auc_interval_is_wide_on_few_sqls_and_narrow_on_many():
    low, high = pr_auc_interval(0.165, 11)
    assert low < 0.061 and high > 0.45  # on 11 SQLs it cannot tell 0.165 from the 6.1% floor
    low, high = pr_auc_interval(0.562, 1094)
    assert high - low < 0.07
    # A perfect order of a few SQLs is no certainty of 1.
    low, high = pr_auc_interval(1.0, 11)
    assert high == 1.0 and low < 0.7
    assert all(np.isnan(pr_auc_interval(0.5, 0)))


@pytest.mark.parametrize("sqls, others, shift", [(11, 169, 0.5), (11, 169, 1.2), (40, 600, 0.8)])
def test_the_pr_auc_interval_covers_the_population_s_as_often_as_it_says(sqls, others, shift):
    from sklearn.metrics import average_precision_score

    rng = np.random.default_rng(1)
    truth = average_precision_score(*reversed(_draw(rng, sqls * 400, others * 400, shift)))
    covered = 0
    for _ in range(400):
        score, y = _draw(rng, sqls, others, shift)
        low, high = pr_auc_interval(average_precision_score(y, score), sqls)
        covered += low <= truth <= high
    assert covered / 400 >= 0.9, covered / 400


def test_the_calibration_error_s_chance_level_is_what_an_exactly_right_model_shows_on_as_many_leads():
    from leadgate.training.evaluate import calibration_error, calibration_error_chance

    rng = np.random.default_rng(3)
    for leads in (300, 5_000):
        p = rng.beta(2, 5, leads)
        right = [calibration_error(p, rng.random(leads) < p) for _ in range(60)]
        found = calibration_error_chance(p, rng.random(leads) < p)
        # Never 0 on a sample, and smaller on more leads: the level an error is read against.
        assert found["calibration_error_chance"] == pytest.approx(np.median(right), rel=0.2)
        assert found["calibration_error_chance_share"] > 0.05
        # Outcomes a third likelier than the P(SQL) says: beyond chance, every draw below it.
        off = calibration_error_chance(p, rng.random(leads) < np.minimum(p * 1.35, 1))
        assert off["calibration_error_chance_share"] < 0.05
    assert calibration_error_chance(np.array([]), np.array([])) == {}
