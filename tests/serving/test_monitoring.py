"""Monitoring's rejections by reason: a lead two gates reject counts under each, and once in all."""

from __future__ import annotations

from datetime import UTC, datetime

from leadgate.decision.pipeline import DecisionPipeline
from leadgate.decision.policy import load_policy
from leadgate.features.schema import parse_lead
from leadgate.serving.lifecycle_store import LiveDecision
from leadgate.serving.monitoring import monitor, rejections_note
from tests.factories import lead_dict


def _live(leads: list[dict]) -> list[LiveDecision]:
    """Arrival decisions by the gates alone (no model), as the store hands them to the monitor."""
    _, records = DecisionPipeline(load_policy()).decide_records([parse_lead(lead) for lead in leads])
    at = datetime(2026, 11, 3, 9, tzinfo=UTC)
    return [
        LiveDecision(lead, at, r.route, "policy", None, None, r)
        for lead, r in zip(leads, records, strict=True)
    ]


def test_a_lead_two_gates_reject_counts_under_each_and_once_among_the_rejected():
    small = {"company": {"employees": 4}}
    intern = {"contact": {"job_title": "Marketing Intern"}}
    leads = [
        lead_dict(lead_id="both", company={"employees": 4}, contact={"job_title": "Marketing Intern"}),
        lead_dict(lead_id="small", **small),
        lead_dict(lead_id="intern", **intern),
        lead_dict(lead_id="fine"),
    ]
    report = monitor(_live(leads), None)
    counts = {row["reason"]: row["leads"] for row in report.rejections}
    assert counts == {"below_size_floor": 2, "student_or_academic": 2}
    assert report.rejected == 3
    assert rejections_note(report) == "a lead two gates reject counts under each; 3 leads rejected in all"
    # Each lead under one gate: the shares add to 100%, nothing to explain.
    assert rejections_note(monitor(_live(leads[1:]), None)) is None


def test_a_reference_with_edges_on_values_is_said_to_need_a_train_when_it_shows_major_drift(
    trained, policy, history_records
):
    import dataclasses

    from leadgate.serving.model_loading import LoadedModel
    from leadgate.serving.monitoring import OLD_BINS_NOTE

    # A shifted sample: every company far smaller than training's, a major drift on the size columns.
    leads = [
        {
            **{k: v for k, v in record.items() if k != "outcome"},
            "company": {**record["company"], "employees": 3},
        }
        for record in history_records[:400]
    ]
    decisions = _live(leads)
    model = trained.model
    loaded = LoadedModel(model=model, policy=policy, name="leadgate", version="1", run_id="r")
    assert any(row["level"] == "major" for row in monitor(decisions, loaded).drift)
    assert monitor(decisions, loaded).drift_note == ""  # its reference has edges between values
    legacy = {k: v for k, v in model.metadata["reference"].items() if k != "bins"}
    old = dataclasses.replace(model, metadata={**model.metadata, "reference": legacy})
    loaded = dataclasses.replace(loaded, model=old)
    assert monitor(decisions, loaded).drift_note == OLD_BINS_NOTE


def test_a_column_whose_live_levels_the_model_never_learned_is_given_as_its_drift_s_cause(
    trained, policy, history_records
):
    import json

    from leadgate.serving.model_loading import LoadedModel

    # Walk AB: the window's sources are all new (20 of them, none a tenth of the leads); the rest as training's.
    leads = [
        {
            **{k: v for k, v in record.items() if k != "outcome"},
            "source": {**record["source"], "channel": f"2027-{i // 20} ABM"},
        }
        for i, record in enumerate(history_records[:400])
    ]
    loaded = LoadedModel(model=trained.model, policy=policy, name="leadgate", version="1", run_id="r")
    report = monitor(_live(leads), loaded)
    [pooled] = report.pooled
    assert (pooled["feature"], pooled["share"], pooled["training_share"]) == ("channel", 1.0, 0.0)
    [row] = [row for row in report.drift if row["column"] == "channel"]
    assert row["level"] == "major"
    assert row["cause"] == "levels the model did not learn: 100% of the filled leads (0% in training)"
    # Each row names the input it reads, as a reader checks it (walk AB: "custom_budget" named none).
    reads = {row["column"]: row["reads"] for row in report.drift}
    assert reads["channel"] == "source.channel" and reads["n_page_view"] == "page_view events"
    assert reads["log10_below_target_size"] == "company.employees" and reads["p_sql"] == "the model's score"
    assert reads["lead_age_days"] == "days since the lead was created"
    assert report.pooled_note.startswith("channel: 100% of the filled leads the model read (")
    assert json.loads(json.dumps(report.pooled))[0]["column"] == "channel"  # as --out writes it
    # Training's own sources: nothing named, no cause.
    calm = monitor(
        _live([{k: v for k, v in r.items() if k != "outcome"} for r in history_records[:400]]), loaded
    )
    assert calm.pooled == [] and not any("cause" in row for row in calm.drift)
