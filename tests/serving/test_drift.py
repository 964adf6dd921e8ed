"""PSI: near zero on a sample like the reference, large on a shifted one; live counts agree with batch."""

from __future__ import annotations

import numpy as np

from leadgate.serving.drift import LiveDrift, bin_counts, drift_table, level, profile, psi


def _sample(rng, n, shift=0.0):
    matrix = np.column_stack(
        [
            rng.normal(shift, 1, n),  # continuous
            rng.integers(0, 3, n).astype(float),  # discrete
            np.where(rng.random(n) < 0.2 + shift / 10, np.nan, rng.exponential(1, n)),  # with gaps
        ]
    )
    return matrix, 1 / (1 + np.exp(-matrix[:, 0]))


def test_psi_is_small_on_the_same_distribution_and_rises_on_a_shifted_one():
    rng = np.random.default_rng(0)
    names = ["a", "b", "c"]
    reference = profile(*_sample(rng, 20_000)[:1], names, _sample(rng, 20_000)[1])
    same = {r["column"]: r["psi"] for r in drift_table(reference, *_fixed(_sample(rng, 5_000), names))}
    shifted = {
        r["column"]: r["psi"] for r in drift_table(reference, *_fixed(_sample(rng, 5_000, 1.0), names))
    }
    assert max(same.values()) < 0.02
    assert shifted["a"] > 0.25 and level(shifted["a"]) == "major"
    assert shifted["p_sql"] > 0.25
    assert shifted["c"] > same["c"]  # more gaps show up in the missing bin


def _fixed(sample, names):
    matrix, p_sql = sample
    return matrix, names, p_sql


def test_discrete_values_get_a_bin_each_and_missing_values_their_own():
    values = np.append(np.repeat([0.0, 1.0, 2.0], [40, 40, 20]), [np.nan] * 5)
    edges = profile(values[:, None], ["x"], np.zeros(len(values)))["columns"]["x"]["edges"]
    assert bin_counts(values, edges).tolist() == [0, 40, 40, 20, 5]  # below 0, 0, 1, 2, missing


def test_live_counts_give_the_same_psi_as_the_batch_table():
    rng = np.random.default_rng(1)
    names = ["a", "b", "c"]
    matrix, p_sql = _sample(rng, 5_000)
    reference = profile(matrix, names, p_sql)
    live_matrix, live_p = _sample(rng, 300, 0.5)
    live = LiveDrift(reference, names)
    for row, p in zip(live_matrix, live_p, strict=True):
        live.observe(row, p)
    batch = {r["column"]: r["psi"] for r in drift_table(reference, live_matrix, names, live_p)}
    values = live.values()
    assert set(values) == set(batch)
    assert np.allclose([values[k] for k in batch], list(batch.values()))
    assert np.isnan(psi(np.array([0.5, 0.5]), np.zeros(2)))


def test_live_drift_says_nothing_before_enough_leads_for_psi():
    from leadgate.serving.drift import MIN_LEADS

    rng = np.random.default_rng(2)
    names = ["a", "b", "c"]
    matrix, p_sql = _sample(rng, 5_000)
    live = LiveDrift(profile(matrix, names, p_sql), names)
    live_matrix, live_p = _sample(rng, MIN_LEADS, 0.5)
    for row, p in zip(live_matrix[:-1], live_p[:-1], strict=True):
        live.observe(row, p)
    assert live.values() == {}
    live.observe(live_matrix[-1], live_p[-1])
    assert set(live.values()) == {"a", "b", "c", "p_sql"}


def _mass_sample(rng, n, mass, share=0.6):
    """A column whose leads are mostly exactly `mass` (e.g. 3 events at full weight), the rest spread above."""
    return np.where(rng.random(n) < share, mass, mass + rng.exponential(2, n))


def test_a_point_mass_a_hair_lower_live_stays_in_its_bin_and_a_real_shift_is_still_major():
    rng = np.random.default_rng(3)
    training = np.concatenate([np.zeros(400), _mass_sample(rng, 1_600, 3.0)])
    reference = profile(training[:, None], ["x"], np.full(len(training), 0.5))
    live = np.concatenate([np.zeros(100), _mass_sample(rng, 400, 3.0)])
    for nearby in (live, np.where(live == 3.0, 2.99995, live), np.where(live == 3.0, 2.99, live)):
        (row,) = [
            r for r in drift_table(reference, nearby[:, None], ["x"], np.full(500, 0.5)) if r["column"] == "x"
        ]
        assert row["psi"] < 0.05
    shifted = np.where(live == 3.0, 1.0, live)  # the mass moved nearer 0 than 3: a real shift
    (row,) = [
        r for r in drift_table(reference, shifted[:, None], ["x"], np.full(500, 0.5)) if r["column"] == "x"
    ]
    assert row["level"] == "major"


def test_a_point_mass_at_the_least_value_keeps_values_just_under_it_and_old_edges_on_values_still_count_them():
    values = np.repeat([3.0, 4.0, 5.0], [50, 30, 20])
    edges = profile(values[:, None], ["x"], np.zeros(len(values)))["columns"]["x"]["edges"]
    assert edges == [2.5, 3.5, 4.5]  # the least value too: a bin below it, edges halfway to neighbours
    assert bin_counts(np.full(10, 2.99995), edges).tolist() == [0, 10, 0, 0, 0]
    # A reference saved with edges exactly on training values: a near-tie still counts as on the edge.
    assert bin_counts(np.array([2.99995, 2.9, 3.0]), [3.0, 4.0]).tolist() == [1, 2, 0, 0]
    live = LiveDrift({"columns": {"x": {"edges": [3.0, 4.0], "shares": [0.0, 1.0, 0.0, 0.0]}}}, ["x"])
    live.observe(np.array([2.99995]), None)
    assert live._counts[0].tolist() == [0, 1, 0, 0]


def test_a_reference_says_its_edges_lie_between_values_and_one_saved_before_is_known():
    from leadgate.serving.drift import edges_on_values

    reference = profile(np.array([[1.0], [2.0], [3.0]]), ["x"], np.zeros(3))
    assert not edges_on_values(reference)
    assert edges_on_values({k: v for k, v in reference.items() if k != "bins"})
