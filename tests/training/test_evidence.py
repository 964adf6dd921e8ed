"""Evidence for candidate signals: gate conditions, feature thresholds and mined not-a-fit signals."""

from copy import deepcopy
from dataclasses import replace

import numpy as np
import pytest

from leadgate.decision.pipeline import DecisionPipeline
from leadgate.decision.policy import Policy
from leadgate.training.backtest import decide_history
from leadgate.training.data import history_from_records
from leadgate.training.evidence import EvidenceRule, evidence_table
from leadgate.training.mining import MiningParams

ODD_INDUSTRY = "quarry tours"


def test_a_value_common_among_not_a_fit_rejections_is_mined_on_old_leads_and_judged_on_new(
    history_records, policy
):
    records = deepcopy(history_records[:4000])
    records.sort(key=lambda r: r["created_at"])
    for record in records[:1000:5]:  # 200 old leads: rejected as not a fit
        record["company"]["industry"] = ODD_INDUSTRY
        record["outcome"].update(sql=False, won=False, rejection_reason="not_a_fit_industry")
    for record in records[2000::20]:  # 100 new leads keep their real outcomes
        record["company"]["industry"] = ODD_INDUSTRY
    history = history_from_records(records)
    result = evidence_table(history, policy, mining=MiningParams(mine_fraction=0.5))
    rows = result.table.set_index("signal")
    row = rows.loc[f"industry = {ODD_INDUSTRY}"]
    assert row["origin"] == "not-a-fit"

    passing = ~decide_history(DecisionPipeline(policy), history).gates.rejecting()
    newer = np.arange(len(history.leads)) >= 2000
    odd = np.array([lead.company.industry == ODD_INDUSTRY for lead in history.leads])
    # Judged only on the newer half: none of the 200 planted rejections count as evidence.
    assert row["n_with"] == (odd & newer & passing).sum() > 0
    assert row["leads"] == (newer & passing).sum()
    assert row["sqls_with"] == (history.sql & odd & newer & passing).sum()
    assert "mined on the oldest 50%" in " ".join(result.notes)
    # An export without dates: its creation times stand for row order (2000-01-01 on), no date to name.
    undated = evidence_table(replace(history, ordered=False), policy, mining=MiningParams(mine_fraction=0.5))
    [note] = [note for note in undated.notes if note.startswith("Not-a-fit signals")]
    assert "mined on the first 50% of rows (the export has no dates)" in note
    assert "measured only on the 2,000 leads of the later rows." in note


def test_the_crm_s_own_category_and_flag_fields_are_mined_too(history_records, policy):
    from leadgate.features.custom import CustomField

    records = deepcopy(history_records[:4000])
    records.sort(key=lambda r: r["created_at"])
    for i, record in enumerate(records):
        record["custom"] = {"segment": ("SMB", "Mid-Market")[i % 2], "partner": False, "calls": i % 7}
    for record in records[:1000:5]:  # 200 old leads from resellers, rejected as not a fit
        record["custom"].update(segment="Reseller", partner=True, calls=3)
        record["outcome"].update(sql=False, won=False, rejection_reason="not_a_fit_reseller")
    fields = (
        CustomField("segment", "category", "Segment"),
        CustomField("partner", "flag", "Partner account"),
        CustomField("calls", "integer", "Calls"),
    )
    history = history_from_records(records, custom_fields=fields)
    signals = set(evidence_table(history, policy, mining=MiningParams(mine_fraction=0.5)).table["signal"])
    assert {"Segment = Reseller", "Partner account = yes"} <= signals
    assert not any(signal.startswith("Calls") for signal in signals)  # a number would need bands


def test_gate_conditions_are_measured_on_all_leads_and_features_on_those_gates_let_through(history, policy):
    result = evidence_table(history, policy)
    table = result.table
    passing = ~decide_history(DecisionPipeline(policy), history).gates.rejecting()
    assert set(table.loc[table["origin"] == "gate", "leads"]) == {len(history.leads)}
    assert set(table.loc[table["origin"] == "feature", "leads"]) == {passing.sum()}
    assert (table["n_with"] + table["n_without"] == table["leads"]).all()
    assert {code for code in table["signal"]} >= {gate.code for gate in policy.gates}
    assert "personal email" in set(table["signal"]) and "seniority junior" in set(table["signal"])


def test_a_disabled_gate_is_still_measured(history, policy):
    data = policy.model_dump()
    data["gates"] = [{**g, "enabled": g["code"] != "personal_email"} for g in data["gates"]]
    disabled = evidence_table(history, Policy.model_validate(data)).table.set_index("signal")
    enabled = evidence_table(history, policy).table.set_index("signal")
    assert disabled.loc["personal_email", "origin"] == "gate (disabled)"
    assert disabled.loc["personal_email", "n_with"] == enabled.loc["personal_email", "n_with"] > 0


def test_a_signal_true_of_every_lead_is_no_contrast_not_none(history_records, policy):
    records = deepcopy(history_records[:3000])
    for record in records:  # an export without events: every lead "inactive"
        record["events"] = []
    table = evidence_table(history_from_records(records), policy).table.set_index("signal")
    for signal in ("no meaningful activity in 30 days", "no activity at all"):
        assert table.loc[signal, "n_without"] == 0 and table.loc[signal, "suggestion"] == "no contrast"
    assert table.loc["personal email", "suggestion"] != "no contrast"


def test_without_a_won_label_won_with_is_unknown_not_zero(history, policy):
    leads = history.subset(np.arange(3000))
    unlabelled = evidence_table(replace(leads, won=np.zeros_like(leads.won), won_labelled=False), policy)
    assert unlabelled.table["won_with"].isna().all()
    assert {row["won_with"] for row in unlabelled.to_dict()["signals"]} == {None}
    assert any("no won label" in note for note in unlabelled.notes)
    labelled = evidence_table(leads, policy)
    assert labelled.table["won_with"].sum() > 0 and not any("no won label" in n for n in labelled.notes)


@pytest.mark.parametrize(
    ("n_with", "conversion_high", "ratio_high", "expected", "n_without"),
    [
        (20, 0.0, 0.1, "too few", 5000),  # under min_n, however clean it looks
        (5000, 0.3, float("nan"), "no contrast", 0),  # true of every lead: nothing to set it against
        (5000, 0.008, 0.05, "no contrast", 49),
        (20, 0.3, float("nan"), "too few", 0),
        (800, 0.008, 0.05, "gate", 50),
        (200, 0.02, 0.1, "penalty", 5000),  # no SQL among 200 still leaves room above 1%
        (5000, 0.12, 0.66, "penalty", 5000),
        (5000, 0.12, 0.7, "none", 5000),
        (5000, 0.3, 1.6, "none", 5000),
    ],
)
def test_the_suggestion_follows_the_stated_rule(n_with, conversion_high, ratio_high, expected, n_without):
    rule = EvidenceRule(min_n=50, gate_max_conversion=0.01, penalty_max_ratio=0.67)
    assert rule.suggest(n_with, conversion_high, ratio_high, n_without) == expected
    assert "no contrast: under 50 leads without it" in rule.describe()
    assert "gate: upper 95% Wilson bound" in rule.describe() and "1.0%" in rule.describe()


def test_size_signals_read_a_band_as_the_reasons_do(history_records, policy):
    # Walk: a '1-10' band was mined as "company size = <10" (its middle, 3, binned), and "below target size
    # (< 50 employees)" counted the '11-50' band, which the reasons call partly in the target range.
    from leadgate.decision.reason_words import size_renderer

    records = deepcopy(history_records[:4000])
    records.sort(key=lambda r: r["created_at"])
    for i, record in enumerate(records):
        record["company"]["employees"] = ("1-10", "11-50", "51-200", 120)[i % 4]
    for record in records[:2000:4]:  # 500 old '1-10' leads rejected as not a fit
        record["outcome"].update(sql=False, won=False, rejection_reason="not_a_fit_size")
    history = history_from_records(records)
    table = evidence_table(history, policy, mining=MiningParams(mine_fraction=0.5)).table.set_index("signal")
    decisions = decide_history(DecisionPipeline(policy), history)
    passing = ~decisions.gates.rejecting()
    band = np.array([str(lead.company.employees) for lead in history.leads])
    low, high = policy.firmographics.employees_target
    span = f"{low:,}–{high:,}"
    assert (
        table.loc[f"company size below the target range {span}", "n_with"]
        == (passing & (band == "1-10")).sum()
    )
    assert (
        table.loc[f"company size partly in the target range {span}", "n_with"]
        == (passing & (band == "11-50")).sum()
    )
    assert "company size = 1–10 employees" in table.index
    assert not any(signal.startswith("company size = <") for signal in table.index)
    # The very words a reason gives the same leads.
    said = [size_renderer((low, high))(decisions.derived, np.zeros((2, 1)), i, True) for i in range(2)]
    assert said == [
        f"Company size 1–10 employees, below the target range {span}",
        f"Company size 11–50 employees, partly in the target range {span}",
    ]
