"""A small live world for lifecycle tests: a registry with champion and challenger, a store, shadow scoring."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from leadgate.features.outcome import Outcome


def permuted(history, seed: int = 0):
    """The same leads with outcomes shuffled: a model trained on it has learned nothing."""
    from leadgate.training.history import History

    order = np.random.default_rng(seed).permutation(len(history.sql))
    return History(
        history.leads,
        history.sql[order],
        history.won[order],
        [history.rejection_reason[i] for i in order],
        history.true_negative_factors,
    )


def new_leads(policy, n: int = 800, seed: int = 21) -> list[dict]:
    """Leads of the month after the training history, outcomes included."""
    from leadgate.training.synth import generate_history

    return generate_history(
        n_leads=n, months=1, seed=seed, end=datetime(2026, 11, 30, tzinfo=UTC), policy=policy
    )


def go_live(settings, records: list[dict]) -> list:
    """Each lead decided at arrival by the champion and stored, then scored in shadow by the challenger."""
    from leadgate.serving.replay import arrivals_of, replay
    from leadgate.serving.store import make_engine, migrate

    engine = make_engine(settings.decisions_url())
    migrate(engine)
    leads = arrivals_of(records)
    replay(settings, engine, leads)
    engine.dispose()  # a test's PostgreSQL schema is dropped after it: no idle connection left behind
    return leads


def outcomes_of(records: list[dict]) -> list[Outcome]:
    """The generator's outcomes, as sales would report them."""
    from leadgate.training.synth import reported_outcomes

    return [Outcome(**row) for row in reported_outcomes(records)]
