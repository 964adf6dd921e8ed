"""The decay control: a formerly active lead gone quiet is capped at nurture until new high-intent activity."""

import pytest

from leadgate.decision.pipeline import DecisionPipeline
from leadgate.decision.policy import PolicyError, default_policy_text, parse_policy
from leadgate.decision.record import CONTROLS, DecisionRecord, FiredGate, acting_control
from tests.factories import events, make_lead

# Scored 2026-11-03T09:00Z: the demo request and pricing visit were 190 days before, nothing since.
DIRECTOR = {
    "created_at": "2026-04-20T09:00:00Z",
    "contact": {"job_title": "Director of Sales Operations"},
    "form": {"inquiry_type": "contact"},
}
SILENT = events(("demo_request", "2026-04-27T09:00:00Z"), ("pricing_page", "2026-04-27T09:05:00Z"))
FRESH_DEMO = ("demo_request", "2026-11-02T09:00:00Z")


def _gate(record, code="stale_after_intent"):
    return next((g for g in record.gates if g.code == code), None)


@pytest.mark.parametrize("with_model", [False, True])
def test_the_formerly_active_now_silent_director_returns_to_nurture(policy, pipeline, with_model):
    decide = pipeline if with_model else DecisionPipeline(policy)
    record = decide.decide_one(make_lead(**DIRECTOR, events=SILENT))
    assert record.route == "nurture" and record.control == "decay"
    gate = _gate(record)
    assert gate.control == "decay" and not gate.lifted
    # Sales sees the lead's own dates and what lifts the cap.
    assert "requested a demo on 2026-04-27 (190 days ago)" in gate.reason
    # The pricing visit came five minutes after the demo request: quiet for 189 full days.
    assert "no meaningful activity or new form for 189 days" in gate.reason
    assert "a new demo request" in gate.recovery


@pytest.mark.parametrize("with_model", [False, True])
def test_the_same_director_with_a_fresh_demo_request_is_lifted(policy, pipeline, with_model):
    decide = pipeline if with_model else DecisionPipeline(policy)
    record = decide.decide_one(make_lead(**DIRECTOR, events=[*SILENT, *events(FRESH_DEMO)]))
    assert _gate(record) is None and record.control != "decay"
    assert record.route in ("sales_ready", "verify")


def test_a_stale_lead_scores_below_the_same_lead_fresh(pipeline):
    stale = pipeline.decide_one(make_lead(**DIRECTOR, events=SILENT))
    fresh = pipeline.decide_one(
        make_lead(
            **DIRECTOR,
            events=events(("demo_request", "2026-10-30T09:00:00Z"), ("pricing_page", "2026-10-30T09:05:00Z")),
        )
    )
    assert stale.p_sql < fresh.p_sql


def test_the_old_demo_reads_as_history_never_as_current_intent(pipeline):
    decisions = pipeline.decide([make_lead(**DIRECTOR, events=SILENT)])
    book = pipeline.book
    words = [
        book.renderers[book.families.index("demo")](decisions.derived, decisions.matrix, 0, n)
        for n in (True, False)
    ]
    window = dict(pipeline.model.builder.windows)["demo_request"]
    assert words == [f"Requested a demo 190 days ago (outside the {window:g}-day intent window)"] * 2
    record = decisions.record(0)
    assert not any("Requested a demo (" in r.text for r in record.positive_reasons + record.negative_reasons)


@pytest.mark.parametrize(
    "lead",
    [
        make_lead(
            **{**DIRECTOR, "created_at": "2026-11-01T09:00:00Z"}, events=SILENT
        ),  # a new form: active again
        make_lead(**DIRECTOR, events=events(("pricing_page", "2026-04-27T09:05:00Z"))),  # never high intent
        make_lead(
            **DIRECTOR, events=[*SILENT, *events(("content_download", "2026-10-20T09:00:00Z"))]
        ),  # not quiet
    ],
    ids=["new-form", "never-high-intent", "recent-download"],
)
def test_decay_needs_both_former_intent_and_a_long_silence(policy, lead):
    assert _gate(DecisionPipeline(policy).decide_one(lead)) is None


def test_a_lead_held_harder_by_another_gate_records_that_control(policy):
    record = DecisionPipeline(policy).decide_one(
        make_lead(**DIRECTOR, company={"employees": 3}, events=SILENT)
    )
    assert record.route == "self_service" and record.control == "disqualification"
    assert _gate(record).lifted is False  # still shown: it would hold the lead if the size were corrected


def test_decay_is_its_own_control_in_records():
    assert "decay" in CONTROLS
    gate = FiredGate(
        "stale_after_intent", "prior_history", "decay", "nurture", "Was active", "thank_you", False
    )
    assert acting_control("nurture", "gate", [gate]) == "decay"
    record = make_record(gate)
    stored = record.to_json()
    del stored["control"]  # a record stored before the field existed
    assert DecisionRecord.from_json(stored).control == "decay"


def make_record(gate: FiredGate) -> DecisionRecord:
    return DecisionRecord(
        "d-1",
        "nurture",
        "gate",
        0.4,
        "medium",
        [gate],
        "nurture",
        "nurture",
        [],
        [],
        "m@1",
        "p@1",
        "2026-11-03T09:00:00+00:00",
        False,
        "decay",
    )


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "    control: decay               # its",
            "    control: eligibility  # its",
            "decay check takes control",
        ),
        (
            "    route: nurture               # a cap: the model",
            "    route: self_service  # ",
            "never rejects",
        ),
        ("  stale_after_days: 90 ", "  stale_after_days: 0 ", "stale_after_days"),
    ],
)
def test_a_decay_gate_must_be_a_decay_control_and_a_cap(old, new, message):
    text = default_policy_text()
    assert old in text
    with pytest.raises(PolicyError, match=message):
        parse_policy(text.replace(old, new))


def test_policies_without_the_new_sections_keep_their_version(policy):
    text = default_policy_text()
    start, end = text.index("\nintent:") + 1, text.index("\ngates:") + 1
    without = parse_policy(text[:start] + text[end:])
    assert without.intent == policy.intent and without.decay == policy.decay
    assert without.version == policy.version
    longer = parse_policy(text.replace("  stale_after_days: 90 ", "  stale_after_days: 120 "))
    assert longer.version != policy.version


def test_a_model_without_windows_keeps_the_plain_words():
    from leadgate.decision.reasons import RENDERERS, ReasonBook
    from leadgate.features.builder import FeatureBuilder

    plain = ReasonBook.for_builder(FeatureBuilder())
    windowed = ReasonBook.for_builder(FeatureBuilder(intent_windows={"demo_request": 90}))
    demo = plain.families.index("demo")
    assert plain.renderers[demo] is RENDERERS["demo"] and windowed.renderers[demo] is not RENDERERS["demo"]
