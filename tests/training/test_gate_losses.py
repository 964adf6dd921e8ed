"""Rejecting gates on held-out leads: their share, their SQL rate against the rest's, the costliest first."""

from __future__ import annotations

import numpy as np

from leadgate.decision.pipeline import DecisionPipeline
from leadgate.training.gate_losses import gate_loss_words, gate_losses
from tests.factories import lead_dict, make_lead


def test_the_gates_that_keep_most_sqls_from_sales_are_named_with_their_rates(policy):
    from leadgate.features.schema import parse_lead

    small = [parse_lead(lead_dict(lead_id=f"s{i}", company={"employees": 2})) for i in range(4)]
    fine = [make_lead() for _ in range(6)]
    decisions = DecisionPipeline(policy).decide(small + fine)
    sql = np.array([1, 1, 0, 0] + [1, 0, 0, 0, 0, 0], dtype=bool)
    losses = gate_losses(decisions.gates, np.arange(10), sql)
    floor = next(g for g in losses if g["gate"] == "below_size_floor")
    assert (floor["share"], floor["sqls"], floor["sql_rate"]) == (0.4, 2, 0.5)
    assert abs(floor["rest_sql_rate"] - 1 / 6) < 1e-12
    assert losses[0]["sqls"] >= losses[-1]["sqls"]
    assert (
        "below_size_floor rejects 40.0% of the test leads, converting at 50.0% against 16.7% for the rest"
        in (gate_loss_words(losses))
    )
    assert gate_losses(decisions.gates, np.arange(0), sql) == []
    # Some rows of the batch (a test part): `sql` stays the whole batch's, read at those rows.
    part = gate_losses(decisions.gates, np.arange(2, 10), sql)
    floor = next(g for g in part if g["gate"] == "below_size_floor")
    assert (floor["share"], floor["sqls"], floor["rest_sql_rate"]) == (0.25, 0, 1 / 6)
