"""The verdict's gate words: only a gate whose ROC-AUC cost is beyond the noise is one to turn off."""

from __future__ import annotations

import numpy as np

from leadgate.decision.pipeline import DecisionPipeline
from leadgate.features.schema import parse_lead
from leadgate.training.gate_losses import gate_losses
from leadgate.training.gate_words import gate_loss_words, keep_words, names, where_lost
from tests.factories import lead_dict


def _gate(gate: str, share: float, rates: tuple[float, float], cost: tuple[float, float, float]) -> dict:
    low, value, high = cost
    return {
        "gate": gate,
        "share": share,
        "sqls": 100,
        "sql_rate": rates[0],
        "rest_sql_rate": rates[1],
        "cost": value,
        "cost_low": low,
        "cost_high": high,
    }


# Walk AB's test part: the country gate costs, the student gate raises ROC-AUC, the size floor is neutral.
COUNTRY = _gate("unsupported_country", 0.15, (0.056, 0.055), (0.015, 0.028, 0.041))
FLOOR = _gate("below_size_floor", 0.08, (0.05, 0.056), (-0.002, 0.0004, 0.003))
STUDENT = _gate("student_or_academic", 0.05, (0.02, 0.057), (-0.018, -0.011, -0.004))


def test_only_the_gate_that_measurably_costs_is_one_to_turn_off():
    said = where_lost(0.3, [COUNTRY, FLOOR, STUDENT], 0.726, 0.72)
    assert said == (
        "in leadgate's gates: its model alone reaches 0.726 on every test lead, and unsupported_country costs "
        "0.028 ROC-AUC (95% paired interval 0.015 to 0.041): the 15.0% of test leads it rejects convert at 5.6% "
        "against 5.5% for the rest; student_or_academic earns its place (ROC-AUC falls 0.011 with it off alone, "
        "95% paired interval 0.004 to 0.018) and below_size_floor costs nothing measurable: keep them (turn "
        "unsupported_country off or change its rule in the policy; `leadgate backtest --proposed-policy` shows "
        "what that changes)"
    )


def test_the_costly_gates_are_named_costliest_first():
    dearer = _gate("job_seeker", 0.02, (0.0, 0.056), (0.03, 0.05, 0.07))
    said = gate_loss_words([dearer, COUNTRY, FLOOR])
    assert said.startswith("job_seeker costs 0.050 ROC-AUC") and "; unsupported_country costs 0.028" in said
    assert "below_size_floor" not in said
    turn = where_lost(0.3, [dearer, COUNTRY], 0.726, 0.72)
    assert "(turn job_seeker or unsupported_country off or change its rule" in turn
    assert "keep" not in turn  # every gate costs: none to keep


def test_no_gate_is_to_be_turned_off_when_none_measurably_costs():
    spread = where_lost(0.3, [FLOOR, STUDENT], 0.726, 0.72)
    assert spread.startswith(
        "in leadgate's gates together, spread over them or within the noise: its model alone reaches 0.726 on "
        "every test lead, but no gate turned off alone measurably raises ROC-AUC, so none is one to turn off; "
        "student_or_academic earns its place"
    )
    assert "turn below_size_floor" not in spread and "change its rule" not in spread
    either = where_lost(0.3, [FLOOR, STUDENT], 0.70, 0.72)
    assert either == (
        "in leadgate's gates or model: gates rejected 30.0% of the test leads; no gate turned off alone "
        "measurably raises ROC-AUC (the model report's gate table, `leadgate report`, shows each gate)"
    )
    assert where_lost(0.0, [FLOOR], 0.8, 0.72) == "in leadgate's model (no gate rejected a test lead)"


def test_the_gates_that_earn_their_place_are_said_to_keep():
    assert keep_words([FLOOR]) == "below_size_floor costs nothing measurable: keep it"
    helps = _gate("personal_email", 0.1, (0.01, 0.06), (-0.009, -0.006, -0.003))
    assert keep_words([FLOOR, helps, STUDENT]) == (
        "student_or_academic and personal_email earn their place (ROC-AUC falls 0.011 and 0.006 with each off "
        "alone) and below_size_floor costs nothing measurable: keep them"
    )
    # Many small gates that each keep a few non-converters out: the first named, the rest counted.
    many = [_gate(f"g{i}", 0.01, (0.0, 0.06), (-0.02 + i / 1000, -0.01 + i / 1000, -0.005)) for i in range(7)]
    assert keep_words(many) == (
        "g0, g1, g2, g3 and 3 more earn their place (ROC-AUC falls 0.010, 0.009, 0.008, 0.007 and less with "
        "each off alone): keep them"
    )
    # A cost that could not be measured (a test part of one class) is neither kept nor turned off.
    unmeasured = _gate("job_seeker", 0.1, (0.0, 0.0), (float("nan"),) * 3)
    assert keep_words([unmeasured]) == "" and gate_loss_words([unmeasured]) == ""


def test_gate_names_are_listed_then_counted():
    assert names(["a"]) == "a" and names(["a", "b"], "or") == "a or b"
    assert names(list("abcde")) == "a, b, c, d and e"
    assert names(list("abcdef")) == "a, b, c, d and 2 more"


def test_a_test_part_where_one_gate_rejects_at_random_and_one_rejects_non_converters_names_only_the_first(
    policy,
):
    """Measured end to end: gates fired on real leads, the verdict's words read from their costs."""
    rng = np.random.default_rng(11)
    n = 1500
    p_sql = rng.uniform(0.02, 0.6, n)
    sql = rng.uniform(size=n) < p_sql
    abroad = rng.uniform(size=n) < 0.2
    small = ~abroad & ~sql & (rng.uniform(size=n) < 0.3)
    companies = [
        {"country": "BR"} if a else {"employees": 2} if s else {} for a, s in zip(abroad, small, strict=True)
    ]
    leads = [parse_lead(lead_dict(lead_id=f"l{i}", company=c)) for i, c in enumerate(companies)]
    losses = gate_losses(DecisionPipeline(policy).decide(leads).gates, np.arange(n), sql, p_sql)
    said = where_lost(float((abroad | small).mean()), losses, 0.8, 0.75)
    assert said.startswith(
        "in leadgate's gates: its model alone reaches 0.800 on every test lead, and unsupported_country costs"
    )
    assert "below_size_floor earns its place" in said and "below_size_floor costs" not in said
    assert "(turn unsupported_country off or change its rule" in said
