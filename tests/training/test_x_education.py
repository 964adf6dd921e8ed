"""X Education's real export end to end: mapped, trained without the leaking columns, explained."""

from __future__ import annotations

import pytest

from leadgate.features.export_records import map_rows
from tests.conftest import SHARED_DATA

LEADS = SHARED_DATA / "x_education" / "Leads.csv"
# The mapping before custom fields: 7 columns squeezed into lead fields (occupation as a job title).
MAPPED_ONLY = """\
name: x_education
placeholders: ["", "Select", "select", "Select Specialization", "unknown"]
lead_id: {column: Prospect ID}
created_at: {column: Lead Number, start: "2015-01-01T00:00:00Z", step_seconds: 3600}
fields:
  contact.job_title:
    column: What is your current occupation
    values: {Businessman: Business owner, Housewife: Homemaker}
  company.country: {column: Country}
  company.industry: {column: Specialization}
  source.channel: {column: Lead Source}
  source.campaign: {column: Lead Origin}
events:
  - {type: unsubscribe, column: Do Not Email, kind: flag}
  - {type: page_view, column: TotalVisits, kind: count, max_events: 50}
label:
  sql: {column: Converted}
  sql_positive: ["1"]
  rejection_reason: {column: Tags}
after_contact: [Tags, Lead Quality, Lead Profile, Last Activity, Last Notable Activity, Asymmetrique Activity Index,
  Asymmetrique Profile Index, Asymmetrique Activity Score, Asymmetrique Profile Score]
"""


@pytest.fixture(scope="module")
def x_education():
    from leadgate.decision.policy import parse_policy
    from leadgate.serving.export_reader import read_export
    from leadgate.training.crm_mappings import load_mapping, shipped_policy
    from leadgate.training.exports import history_from_export
    from leadgate.training.train import train_model

    assert LEADS.exists(), f"{LEADS} is missing: the real-data tests read ../shared/data (see its PROVENANCE)"
    mapping = load_mapping("x_education")
    rows = read_export(LEADS)
    mapped = history_from_export(rows, mapping)
    records = [r for _, r in map_rows(mapping, rows) if not isinstance(r, str)]
    policy = parse_policy(shipped_policy(mapping))
    history = mapped.history
    return mapping, rows, records, history, policy, train_model(history, policy, seed=0)


def test_every_row_maps_and_no_column_known_after_contact_reaches_a_lead(x_education):
    mapping, rows, records, history, _, _ = x_education
    assert len(records) == len(rows) == 9240
    assert abs(history.sql.mean() - 3561 / 9240) < 1e-9
    late = set(mapping.after_contact)
    assert {"Tags", "Lead Quality", "Last Activity", "Last Notable Activity"} <= late
    assert not late & set(mapping.feature_columns().values())
    tags = {row["Tags"] for row in rows if row["Tags"]}
    lead_text = " ".join(str({k: v for k, v in r.items() if k != "outcome"}) for r in records[:500])
    assert not any(f"'{tag}'" in lead_text for tag in tags)


def test_held_out_discrimination_matches_plain_models_on_every_column(x_education):
    *_, result = x_education
    m = result.metrics
    # Measured 0.892 / 0.836 on the newest 15% by lead number, against logistic regression's 0.892 / 0.826
    # and plain LightGBM's 0.884 / 0.827 on every column not known after contact (README: Evidence).
    for metric in ("roc_auc", "pr_auc"):
        best = max(m[f"test.logistic.{metric}"], m[f"test.raw_lightgbm.{metric}"])
        assert m[f"test.system.{metric}"] >= best - 0.005, (metric, m[f"test.system.{metric}"], best)
    assert m["test.system.roc_auc"] > m["test.scorecard.roc_auc"] + 0.1
    # No plain model is measurably ahead: the paired interval of leadgate's lead reaches above zero.
    assert m["test.logistic.roc_auc_gap_high"] > 0 and m["test.raw_lightgbm.roc_auc_gap_high"] > 0
    seen = {row["key"]: row["columns"] for row in result.comparison}
    assert seen["system"].endswith("17 as custom fields")
    left_out = result.extras["left_out"]
    assert {name for name, why in left_out.items() if why == "constant or empty"} == {
        "Magazine",
        "Receive More Updates About Our Courses",
        "Update me on Supply Chain Content",
        "Get updates on DM Content",
        "I agree to pay the amount through cheque",
    }
    # The mapping's own are said too: its id, its order (Lead Number, so never a baseline feature), its label.
    mapping = x_education[0]
    late = {name for name, why in left_out.items() if why.startswith("after_contact")}
    assert late == set(mapping.after_contact) - set(mapping.label_columns())
    assert (
        left_out["Lead Number"] == "the mapping's created_at"
        and left_out["Converted"] == "the mapping's label"
    )
    assert left_out["Prospect ID"] == "the mapping's lead_id" and "Lead Number" not in seen["logistic"]
    names = {row["key"]: row.get("column_names") for row in result.comparison}
    assert not set(names["logistic"]) & set(left_out) and len(names["logistic"]) == len(names["raw_lightgbm"])


def test_reasons_speak_of_this_data(x_education):
    from leadgate.decision.pipeline import DecisionPipeline

    _, rows, records, history, policy, result = x_education
    occupation = {row["Prospect ID"]: row["What is your current occupation"] for row in rows}
    no_email = {row["Prospect ID"] for row in rows if row["Do Not Email"] == "Yes"}
    leads = history.leads[-1500:]
    decisions = DecisionPipeline(policy, result.model).decide(leads)
    records = [decisions.record(i) for i in range(len(leads))]
    students = [r for r in records if occupation[r.lead_id] == "Student"]
    assert students
    named = [
        r
        for r in students
        if any(x.text == "Occupation: Student" for x in r.negative_reasons + r.positive_reasons)
    ]
    assert len(named) >= len(students) / 2
    families = {x.family for r in records for x in r.negative_reasons + r.positive_reasons}
    assert {"custom_occupation", "custom_time_on_website", "custom_lead_origin"} <= families
    suppressed = [r for r in records if r.lead_id in no_email]
    # "Do Not Email" is an unsubscribe: marketing email to that person stops, the route is the model's.
    assert suppressed and all(
        [s["contact"] for s in r.suppressions if s["status"] == "active"] == ["marketing_email"]
        for r in suppressed
    )


def test_through_a_mapping_without_custom_fields_leadgate_keeps_up_with_a_linear_model_on_its_columns(
    x_education,
):
    from leadgate.features.mapping import parse_mapping
    from leadgate.training.exports import history_from_export
    from leadgate.training.train import train_model

    _, rows, _, _, policy, _ = x_education
    history = history_from_export(rows, parse_mapping(MAPPED_ONLY, "mapped only")).history
    m = train_model(history, policy, seed=0).metrics
    # Measured 0.810 / 0.741 (README: X Education), with the training leads weighted toward the newest as
    # validation chose; 0.805 / 0.736 with equal weights. The test part's standard error is 0.013: this guards
    # leadgate's own figures, whatever the baseline's regularization validation picks.
    assert m["test.system.roc_auc"] >= 0.805 and m["test.system.pr_auc"] >= 0.735, m
    # A logistic regression on the same 7 columns, its C chosen on validation, reaches 0.815 / 0.733: PR-AUC
    # behind leadgate, ROC-AUC -0.005 ahead, a paired 95% interval of -0.018 to +0.008 that holds zero.
    assert m["test.system.pr_auc"] >= m["test.logistic_seen.pr_auc"]
    assert m["test.logistic_seen.roc_auc_gap_high"] > 0  # not measurably behind


def test_under_the_default_policy_train_names_the_gates_the_shipped_policy_turned_off_by_hand(x_education):
    """The shipped x_education policy was written by reading this data (students 37%, the unemployed 44%);
    the default policy's gates, judged on the export's own outcomes, name the same ones, and the shipped
    policy none."""
    from leadgate.decision.pipeline import DecisionPipeline
    from leadgate.decision.policy import load_policy
    from leadgate.features.mapping import parse_mapping
    from leadgate.training.exports import history_from_export
    from leadgate.training.gate_history import buyers_gates_hide

    _, rows, _, history, policy, result = x_education
    assert not any("at least half as often" in warning for warning in result.extras["warnings"])
    occupation_as_title = history_from_export(rows, parse_mapping(MAPPED_ONLY, "mapped only")).history
    gates = DecisionPipeline(load_policy(None)).decide(occupation_as_title.leads).gates
    named = {g["gate"] for g in buyers_gates_hide(gates, occupation_as_title.sql)}
    assert named == {"job_seeker", "student_or_academic", "unsupported_country"}
    assert not buyers_gates_hide(DecisionPipeline(policy).decide(history.leads).gates, history.sql)
