"""Rejecting gates whose leads became SQLs in the history about as often as the leads let through are named."""

from __future__ import annotations

import numpy as np

from leadgate.decision.pipeline import DecisionPipeline
from leadgate.features.schema import parse_lead
from leadgate.training.gate_history import buyers_gates_hide, gate_history_note
from tests.factories import lead_dict

SMALL = {"employees": 2}  # below_size_floor
ABROAD = {"country": "BR"}  # unsupported_country


def _gates(policy, companies: list[dict]):
    leads = [parse_lead(lead_dict(lead_id=f"l{i}", company=c)) for i, c in enumerate(companies)]
    return DecisionPipeline(policy).decide(leads).gates


def test_a_gate_rejecting_leads_that_convert_like_the_rest_is_named_and_one_rejecting_non_buyers_is_not(
    policy,
):
    """Walk AD: the default policy rejected India and Brazil, whose contacts converted like the rest (0.623
    against its model alone's 0.737), and with 17 test SQLs no gate's ROC-AUC cost was measurable alone."""
    rng = np.random.default_rng(3)
    n = 1200
    sql = rng.uniform(size=n) < 0.2
    abroad = rng.uniform(size=n) < 0.25  # at random: converts like everyone
    small = ~abroad & ~sql & (rng.uniform(size=n) < 0.2)  # never converts
    companies = [ABROAD if a else SMALL if s else {} for a, s in zip(abroad, small, strict=True)]
    gates = _gates(policy, companies)
    found = buyers_gates_hide(gates, sql)
    assert [g["gate"] for g in found] == ["unsupported_country"]
    g = found[0]
    assert (g["leads"], g["sqls"]) == (int(abroad.sum()), int(sql[abroad].sum()))
    let_through = ~abroad & ~small
    assert (g["rest_leads"], g["rest_sqls"]) == (int(let_through.sum()), int(sql[let_through].sum()))
    assert g["ratio_low"] >= 0.5 and g["ratio_low"] < 1 < g["ratio_high"]
    note = gate_history_note(gates, sql)
    assert note.startswith(
        f"in this export's own history, the leads a gate rejects became SQLs at least half as often as the "
        f"{g['rest_leads']:,} leads no gate rejects ("
    )
    assert g["values"] == [("BR", g["leads"])]  # what the gate judged: the value a rule edit names
    assert (
        f"unsupported_country rejects {g['leads']:,} leads (BR {g['leads']:,}) and {g['sqls']:,} of them "
        in note
    )
    assert (
        "out of the model's training; if your sales team works such leads, turn unsupported_country off"
        in note
    )
    assert note.endswith("if it is a rule of your business, keep it")
    # A policy that trains on gated leads too: the note does not say they are left out of training.
    assert "model's training" not in gate_history_note(gates, sql, trained_on=True)


def test_nothing_is_said_of_a_gate_whose_few_leads_cannot_show_it_or_that_rejects_non_buyers(policy):
    # 8 leads abroad, 2 SQLs among them (25%, like the rest): the ratio's interval reaches far below half.
    companies = [ABROAD] * 8 + [{}] * 92
    sql = np.array([1, 1] + [0] * 6 + [1, 0, 0, 0] * 23, dtype=bool)
    assert gate_history_note(_gates(policy, companies), sql) is None
    # Many leads abroad, converting at a quarter of the rest's rate: a gate the history does not speak against.
    companies = [ABROAD] * 400 + [{}] * 400
    sql = np.array(([1] + [0] * 19) * 20 + ([1] + [0] * 4) * 80, dtype=bool)
    assert gate_history_note(_gates(policy, companies), sql) is None


def test_two_gates_are_named_with_or_the_largest_ratio_first(policy):
    rng = np.random.default_rng(5)
    n = 1500
    sql = rng.uniform(size=n) < 0.3
    draw = rng.uniform(size=n)
    gates = _gates(policy, [ABROAD if d < 0.2 else SMALL if d < 0.4 else {} for d in draw])
    found = buyers_gates_hide(gates, sql)
    assert {g["gate"] for g in found} == {"unsupported_country", "below_size_floor"}
    assert found[0]["ratio"] >= found[1]["ratio"]
    note = gate_history_note(gates, sql)
    assert "the leads gates reject became SQLs" in note and "narrow their rule" in note
    assert f"turn {found[0]['gate']} or {found[1]['gate']} off in your policy (enabled: false)" in note


MAPPING = """
name: contacts
lead_id: {column: Record ID}
created_at: {column: Create Date, type: datetime}
fields:
  company.country: {column: Country}
custom:
  score: {column: Score, type: number}
label:
  sql: {column: Stage}
  sql_positive: [customer]
"""


def test_train_warns_of_a_gate_hiding_buyers_among_its_warnings(tmp_path, policy):
    import csv
    from datetime import UTC, datetime, timedelta

    from leadgate.features.mapping import parse_mapping
    from leadgate.serving.export_reader import read_export
    from leadgate.training.exports import history_from_export
    from leadgate.training.report import evaluate_held_out
    from leadgate.training.train import train_model

    rng = np.random.default_rng(11)
    path, start = tmp_path / "contacts.csv", datetime(2026, 1, 1, tzinfo=UTC)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Record ID", "Create Date", "Country", "Score", "Stage"])
        for i in range(800):
            score = int(rng.integers(0, 10))
            customer = rng.uniform() < 0.05 + 0.05 * score  # the score converts; the country does not matter
            country = "India" if rng.uniform() < 0.3 else "United States"
            writer.writerow(
                [
                    i,
                    (start + timedelta(hours=5 * i)).isoformat(),
                    country,
                    score,
                    "customer" if customer else "lead",
                ]
            )
    history = history_from_export(read_export(path), parse_mapping(MAPPING)).history
    trained = train_model(history, policy, seed=0)
    warnings = trained.extras["warnings"]
    said = [w for w in warnings if "at least half as often" in w]
    assert len(said) == 1 and "unsupported_country rejects 2" in said[0], warnings
    # The model report says it as `train` did.
    assert evaluate_held_out(history, trained.model, policy).gates_hiding == said[0]
