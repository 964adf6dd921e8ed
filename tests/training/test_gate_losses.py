"""Rejecting gates on held-out leads: their share and SQL rate, and what each costs ROC-AUC turned off alone."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from leadgate.decision.pipeline import DecisionPipeline
from leadgate.features.schema import parse_lead
from leadgate.training.gate_losses import costly, earning, gate_losses
from tests.factories import lead_dict, make_lead

SMALL = {"employees": 2}  # below_size_floor
ABROAD = {"country": "BR"}  # unsupported_country


def _leads(companies: list[dict]) -> list:
    return [parse_lead(lead_dict(lead_id=f"l{i}", company=c)) for i, c in enumerate(companies)]


def test_the_gates_are_measured_with_their_rates(policy):
    small = [parse_lead(lead_dict(lead_id=f"s{i}", company=SMALL)) for i in range(4)]
    fine = [make_lead() for _ in range(6)]
    decisions = DecisionPipeline(policy).decide(small + fine)
    sql = np.array([1, 1, 0, 0] + [1, 0, 0, 0, 0, 0], dtype=bool)
    p_sql = np.linspace(0.9, 0.1, 10)
    losses = gate_losses(decisions.gates, np.arange(10), sql, p_sql)
    floor = next(g for g in losses if g["gate"] == "below_size_floor")
    assert (floor["share"], floor["sqls"], floor["sql_rate"]) == (0.4, 2, 0.5)
    assert abs(floor["rest_sql_rate"] - 1 / 6) < 1e-12
    # Its cost is the system's ROC-AUC with the gate off (the model's own order here) minus with it on.
    system = np.where(np.arange(10) < 4, 0.0, p_sql)
    assert floor["cost"] == pytest.approx(roc_auc_score(sql, p_sql) - roc_auc_score(sql, system))
    assert floor["cost_low"] <= floor["cost"] <= floor["cost_high"]
    assert gate_losses(decisions.gates, np.arange(0), sql, p_sql[:0]) == []
    # Some rows of the batch (a test part): `sql` stays the whole batch's, `p_sql` is the rows' own.
    part = gate_losses(decisions.gates, np.arange(2, 10), sql, p_sql[2:])
    floor = next(g for g in part if g["gate"] == "below_size_floor")
    assert (floor["share"], floor["sqls"], floor["rest_sql_rate"]) == (0.25, 0, 1 / 6)


def test_a_lead_another_gate_also_rejects_stays_rejected_with_one_gate_off(policy):
    # Every lead the size floor rejects is also abroad: turning the floor off alone frees none of them.
    companies = [{**SMALL, **ABROAD}] * 3 + [ABROAD] * 2 + [{}] * 5
    decisions = DecisionPipeline(policy).decide(_leads(companies))
    sql = np.array([1, 0, 1, 0, 1, 1, 0, 1, 0, 0], dtype=bool)
    p_sql = np.array([0.9, 0.1, 0.8, 0.2, 0.7, 0.6, 0.5, 0.4, 0.3, 0.05])
    by_gate = {g["gate"]: g for g in gate_losses(decisions.gates, np.arange(10), sql, p_sql)}
    floor, abroad = by_gate["below_size_floor"], by_gate["unsupported_country"]
    assert (floor["cost"], floor["cost_low"], floor["cost_high"]) == (0.0, 0.0, 0.0)
    assert floor not in costly([floor]) and floor not in earning([floor])
    system = np.where(np.arange(10) < 5, 0.0, p_sql)
    freed = np.where(np.arange(10) < 3, 0.0, p_sql)  # abroad off: the small ones stay rejected
    assert abroad["cost"] == pytest.approx(roc_auc_score(sql, freed) - roc_auc_score(sql, system))


def test_a_gate_rejecting_at_random_costs_and_one_rejecting_non_converters_earns_its_place(policy):
    """Walk AB: the verdict named three gates by the SQLs they reject, one of which raised ROC-AUC."""
    rng = np.random.default_rng(7)
    n = 1500
    p_sql = rng.uniform(0.02, 0.6, n)
    sql = rng.uniform(size=n) < p_sql
    abroad = rng.uniform(size=n) < 0.2  # at random: its SQLs convert like the rest, now scored 0
    small = ~abroad & ~sql & (rng.uniform(size=n) < 0.3)  # only leads that did not convert
    companies = [ABROAD if a else SMALL if s else {} for a, s in zip(abroad, small, strict=True)]
    decisions = DecisionPipeline(policy).decide(_leads(companies))
    losses = gate_losses(decisions.gates, np.arange(n), sql, p_sql)
    assert [g["gate"] for g in costly(losses)] == ["unsupported_country"]
    assert [g["gate"] for g in earning(losses)] == ["below_size_floor"]
    assert losses[0]["gate"] == "unsupported_country" and losses[0]["cost_low"] > 0
    floor = next(g for g in losses if g["gate"] == "below_size_floor")
    assert floor["cost_high"] < 0 and floor["sqls"] == 0
