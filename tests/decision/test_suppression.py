"""Suppressions in the one pipeline: an unsubscribe stops marketing email to a person, a complaint all contact."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from leadgate.decision.pipeline import DecisionPipeline
from leadgate.decision.policy import load_policy
from leadgate.decision.public import public_answer
from leadgate.decision.suppression import Suppression, stopped_contacts
from leadgate.serving.public import MESSAGES
from tests.factories import events, make_lead

POLICY = load_policy()
GATES_ONLY = DecisionPipeline(POLICY)
UNSUBSCRIBED = events(("pricing_page", "2026-10-20T09:00:00Z"), ("unsubscribe", "2026-10-25T09:00:00Z"))


def _active(record) -> list[str]:
    return [s["contact"] for s in record.suppressions if s["status"] == "active"]


def test_an_unsubscribe_stops_marketing_email_to_that_person_and_is_no_disqualification(pipeline):
    plain = pipeline.decide_one(make_lead(events=UNSUBSCRIBED[:1]))
    unsubscribed = pipeline.decide_one(make_lead(events=UNSUBSCRIBED))
    assert _active(unsubscribed) == ["marketing_email"]
    [suppression] = unsubscribed.suppressions
    assert (
        suppression["subject"] == "maria.keller@nordwerk.de" and suppression["source"] == "event:unsubscribe"
    )
    assert not unsubscribed.gates and unsubscribed.control != "disqualification"
    assert unsubscribed.route_source != "suppression" and not plain.suppressions
    # The account's fit is still the model's to judge: the route is the model's band.
    assert unsubscribed.route_source == "model" and unsubscribed.band


def test_a_spam_complaint_stops_all_contact_and_the_decision_says_the_suppression_did_it():
    record = GATES_ONLY.decide_one(make_lead(events=events(("spam_complaint", "2026-11-02T00:00:00Z"))))
    assert _active(record) == ["all_contact"]
    assert (record.route, record.route_source, record.control) == (
        "silent_reject",
        "suppression",
        "suppression",
    )
    assert record.next_step == "thank_you"
    assert record.rejection_reasons() == [
        "suppression_all_contact"
    ]  # monitoring does not count it as the model's


def test_a_fresh_demo_request_after_the_unsubscribe_lifts_it_and_says_what_lifted_it():
    lead = make_lead(events=[*UNSUBSCRIBED, *events(("demo_request", "2026-11-02T10:00:00Z"))])
    [suppression] = GATES_ONLY.decide_one(lead).suppressions
    assert suppression["status"] == "lifted" and suppression["lifted_by"] == "event:demo_request"
    assert "demo request" in suppression["lift_reason"]
    # A demo request before the unsubscribe is no fresh signal: the person asked to stop after it.
    earlier = make_lead(events=[*events(("demo_request", "2026-10-24T10:00:00Z")), *UNSUBSCRIBED])
    assert _active(GATES_ONLY.decide_one(earlier)) == ["marketing_email"]


def test_a_complaint_lifted_by_a_meeting_booked_lets_the_lead_be_decided_again():
    lead = make_lead(
        events=events(("spam_complaint", "2026-10-30T00:00:00Z"), ("meeting_booked", "2026-11-02T00:00:00Z"))
    )
    record = GATES_ONLY.decide_one(lead)
    assert record.route_source != "suppression" and not _active(record)


def test_the_colleague_of_an_unsubscribed_contact_at_a_target_account_goes_on_normally(pipeline):
    """The unsubscribe is Maria's; her colleague Jonas at the same account requests a demo."""
    maria = make_lead(lead_id="maria", events=UNSUBSCRIBED)
    jonas = make_lead(
        lead_id="jonas",
        contact={"first_name": "Jonas", "last_name": "Brandt", "email": "jonas.brandt@nordwerk.de"},
        events=events(("demo_request", "2026-11-02T10:00:00Z")),
    )
    # The service passes each lead the store's records of its own email and its account's domain only.
    marias = pipeline.decide([maria]).record(0).suppressions
    stored = [Suppression(**{**_fields(marias[0]), "id": 1})]
    records = pipeline.decide([maria, jonas], suppressions=[stored, []]).records()
    assert _active(records[0]) == ["marketing_email"]
    assert records[1].suppressions == [] and records[1].route_source != "suppression"
    alone = pipeline.decide_one(jonas)
    assert (records[1].route, records[1].p_sql) == (alone.route, alone.p_sql)
    assert records[1].route in ("sales_ready", "verify")


def test_a_stored_record_expires_and_a_lifted_one_stays_lifted():
    now = datetime(2026, 11, 3, 9, tzinfo=UTC)
    base = {
        "subject_kind": "domain",
        "subject": "nordwerk.de",
        "contact": "all_contact",
        "reason": "the account asked us to stop",
        "source": "api",
        "created_at": datetime(2026, 10, 1, tzinfo=UTC),
    }
    expired = Suppression(**base, id=1, expires_at=datetime(2026, 11, 1, tzinfo=UTC))
    lifted = Suppression(
        **base, id=2, lifted_at=datetime(2026, 10, 5, tzinfo=UTC), lifted_by="kim", lift_reason="x"
    )
    active = Suppression(**base, id=3)
    lead = make_lead()
    decided = GATES_ONLY.decide([lead] * 3, now=now, suppressions=[[expired], [lifted], [active]]).records()
    assert [s["status"] for r in decided for s in r.suppressions] == ["expired", "lifted", "active"]
    assert [r.route for r in decided][2] == "silent_reject" and decided[0].route != "silent_reject"


def test_stopped_contacts_names_only_the_active_ones():
    lead = make_lead(events=[*UNSUBSCRIBED, *events(("spam_complaint", "2026-11-01T00:00:00Z"))])
    decisions = GATES_ONLY.decide([lead])
    assert stopped_contacts(decisions.suppressions[0]) == ["marketing_email", "all_contact"]
    assert decisions.suppressed().tolist() == [True]


def _fields(data: dict) -> dict:
    keep = ("subject_kind", "subject", "contact", "reason", "source")
    return {**{k: data[k] for k in keep}, "created_at": datetime.fromisoformat(data["created_at"])}


def test_a_meeting_long_after_the_unsubscribe_still_lifts_it_as_the_live_service_recorded():
    lead = make_lead(
        scored_at="2026-12-01T00:00:00Z",  # 36 days after the meeting, far past the gates' 14-day lift window
        events=[*UNSUBSCRIBED, *events(("meeting_booked", "2026-10-26T10:00:00Z"))],
    )
    [suppression] = GATES_ONLY.decide_one(lead).suppressions
    assert suppression["status"] == "lifted" and suppression["lifted_by"] == "event:meeting_booked"


# An executive asking for a demo: the session's model sends it to sales.
EXECUTIVE = {"contact": {"job_title": "CEO"}, "events": events(("demo_request", "2026-11-03T08:00:00Z"))}
DO_NOT_CALL = events(("do_not_call", "2026-11-01T09:00:00Z"))


def test_a_do_not_call_request_keeps_the_route_and_its_fit_but_the_next_step_is_never_a_call(pipeline):
    plain = pipeline.decide_one(make_lead(**EXECUTIVE))
    lead = make_lead(**{**EXECUTIVE, "events": [*DO_NOT_CALL, *EXECUTIVE["events"]]})
    record = pipeline.decide_one(lead)
    assert (plain.route, plain.next_step) == ("sales_ready", "sales_call")
    # Nothing about fit: the same route, score, reasons and control; only the contact differs.
    assert (record.route, record.p_sql, record.control) == (plain.route, plain.p_sql, plain.control)
    assert [r.text for r in record.positive_reasons] == [r.text for r in plain.positive_reasons]
    assert [r.text for r in record.negative_reasons] == [r.text for r in plain.negative_reasons]
    assert (record.next_step, record.public_message) == ("sales_email", "sales_email")
    assert _active(record) == ["phone"] and not record.gates and record.route_source == "model"
    [suppression] = record.suppressions
    assert (suppression["source"], suppression["reason"]) == (
        "event:do_not_call",
        "do-not-call request received",
    )


def test_a_do_not_call_request_is_no_model_input_nor_a_reason(pipeline):
    """The model reads the same matrix with or without the request: it is no evidence of fit, for or against."""
    builder = pipeline.model.builder
    assert not [name for name in builder.feature_names if "call" in name]
    leads = [
        make_lead(**EXECUTIVE),
        make_lead(**{**EXECUTIVE, "events": [*DO_NOT_CALL, *EXECUTIVE["events"]]}),
    ]
    decisions = pipeline.decide(leads)
    np.testing.assert_array_equal(decisions.matrix[0], decisions.matrix[1])  # NaN where both lack a value
    texts = [
        r.text.lower() for r in decisions.record(1).positive_reasons + decisions.record(1).negative_reasons
    ]
    assert not [text for text in texts if "call" in text]


def test_a_later_demo_request_or_meeting_does_not_lift_a_do_not_call_request():
    """They ask for contact, not for calls: only someone (who, why) or the record's expiry lifts it."""
    later = events(("demo_request", "2026-11-02T09:00:00Z"), ("meeting_booked", "2026-11-02T10:00:00Z"))
    record = GATES_ONLY.decide_one(make_lead(events=[*DO_NOT_CALL, *UNSUBSCRIBED[1:], *later]))
    assert {s["contact"]: s["status"] for s in record.suppressions} == {
        "phone": "active",
        "marketing_email": "lifted",
    }
    base = {
        "subject_kind": "email",
        "subject": "maria.keller@nordwerk.de",
        "contact": "phone",
        "reason": "listed on the national do-not-call registry",
        "source": "api",
        "created_at": datetime(2026, 10, 1, tzinfo=UTC),
    }
    lifted = Suppression(
        **base, id=1, lifted_at=datetime(2026, 10, 5, tzinfo=UTC), lifted_by="kim", lift_reason="x"
    )
    expired = Suppression(**base, id=2, expires_at=datetime(2026, 11, 1, tzinfo=UTC))
    for given in ([lifted], [expired]):
        record = GATES_ONLY.decide_one(make_lead(events=later), suppressions=given)
        assert not _active(record)


def test_the_next_step_is_never_a_call_while_no_one_may_phone_whatever_the_route():
    assert public_answer("sales_ready", "model", None, "executive") == ("sales_call", "sales_call")
    assert public_answer("sales_ready", "override", None, "unknown", True) == ("sales_email", "sales_email")
    for route in ("verify", "nurture", "self_service", "silent_reject"):
        assert public_answer(route, "model", None, "executive", True) == public_answer(
            route, "model", None, "executive"
        )
    assert "sales_email" in MESSAGES and "call" not in MESSAGES["sales_email"]
