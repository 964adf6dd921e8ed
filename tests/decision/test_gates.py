import numpy as np
import pytest
import yaml

from leadgate.decision.pipeline import DecisionPipeline
from leadgate.decision.policy import load_policy, parse_policy
from tests.factories import events, make_lead

POLICY = load_policy()
PIPELINE = DecisionPipeline(POLICY)


def fired(lead) -> dict[str, dict]:
    return {g.code: g for g in PIPELINE.decide_one(lead).gates}


def test_good_lead_fires_no_gate():
    record = PIPELINE.decide_one(make_lead())
    assert record.gates == [] and record.route == "verify" and record.route_source == "no_model"


@pytest.mark.parametrize(
    ("sections", "code", "value"),
    [
        ({"contact": {"email": "kim@pipelineiq.com"}}, "competitor_domain", "pipelineiq.com"),
        ({"company": {"website": "https://www.rivalscore.io"}}, "competitor_domain", "rivalscore.io"),
        ({"contact": {"email": "ops@leadgate.dev"}}, "employee_or_test", "leadgate.dev"),
        ({"company": {"website": "blocked-customer.com"}}, "do_not_engage", "blocked-customer.com"),
        ({"company": {"country": "BR"}}, "unsupported_country", "BR"),
        ({"company": {"industry": "Gambling"}}, "blocked_industry", "(Gambling)"),
        # HubSpot's enum: listed by the policy's word, quoted as the lead gave it and with the entry it matched
        ({"company": {"industry": "GAMBLING_CASINOS"}}, "blocked_industry", "(GAMBLING_CASINOS: gambling)"),
        ({"company": {"company_type": "b2c"}}, "excluded_company_type", "b2c"),
        ({"company": {"crm": "Lotus Notes"}}, "unsupported_stack", "lotus notes"),
        ({"company": {"employees": 4}}, "below_size_floor", "4 employees"),
        ({"company": {"employees": 1}}, "below_size_floor", "(1 employee)"),  # not "1 employees"
        ({"company": {"employees": "1-5"}}, "below_size_floor", "(1–5 employees)"),  # a band, as given
        ({"contact": {"job_title": "Marketing Intern"}}, "student_or_academic", "Marketing Intern"),
        (
            {"contact": {"job_title": "Werkstudentin Vertrieb"}},
            "student_or_academic",
            "Werkstudentin Vertrieb",
        ),
        ({"contact": {"email": "maria@tum.edu"}}, "student_or_academic", "tum.edu"),
        ({"contact": {"job_title": "Open to work"}}, "job_seeker", "Open to work"),
        ({"contact": {"first_name": "asdf", "last_name": "asdf"}}, "fake_name", "asdf asdf"),
        ({"contact": {"email": "maria@@nordwerk"}}, "invalid_email", "maria@@nordwerk"),
        ({"contact": {"email": "x@mailinator.com"}}, "disposable_email", "mailinator.com"),
        ({"form": {"honeypot": "http://spam.example"}}, "honeypot_filled", "http://spam.example"),
        ({"form": {"seconds_on_form": 0.8}}, "too_fast_form", "0.8 s"),
        ({"form": {"message": "buy now www.a.io www.b.io www.c.io"}}, "abusive_message", "link spam"),
        (
            {"events": events(("hard_bounce", "2026-11-02T00:00:00Z"))},
            "hard_bounce",
            "(on 2026-11-02)",  # when it bounced: the event names no address
        ),
        ({"company": {"website": "rejected-account.com"}}, "previously_rejected", "rejected-account.com"),
    ],
)
def test_each_gate_fires_with_the_leads_own_value(sections, code, value):
    gates = fired(make_lead(**sections))
    assert code in gates, f"{code} did not fire: {list(gates)}"
    assert value in gates[code].reason
    spec = next(g for g in POLICY.gates if g.code == code)
    assert gates[code].category == spec.category and gates[code].route == spec.route


def test_a_size_band_reaching_the_floor_is_no_reason_to_reject():
    # The default floor is 10: '5-25' may be 20 people, so only a band wholly below it fires.
    assert POLICY.firmographics.employees_floor == 10
    assert "below_size_floor" not in fired(make_lead(company={"employees": "5-25"}))
    assert "below_size_floor" in fired(make_lead(company={"employees": "1-9"}))


def test_unknown_size_and_unknown_country_are_gaps_not_exclusions():
    gates = fired(make_lead(company={"employees": None, "country": "Atlantis"}))
    assert "below_size_floor" not in gates and "unsupported_country" not in gates


def test_most_severe_gate_decides_the_route():
    record = PIPELINE.decide_one(make_lead(company={"employees": 3}, contact={"email": "kim@pipelineiq.com"}))
    assert record.route == "silent_reject" and record.gates[0].code == "competitor_domain"


def test_fresh_high_intent_lifts_a_liftable_gate_only():
    small = {"employees": 5}
    fresh = events(("demo_request", "2026-11-02T09:00:00Z"))
    stale = events(("demo_request", "2026-09-01T09:00:00Z"))
    lifted = PIPELINE.decide_one(make_lead(company=small, events=fresh, created_at="2026-08-01T00:00:00Z"))
    assert lifted.route == "verify" and lifted.route_source == "lift" and lifted.gates[0].lifted
    kept = PIPELINE.decide_one(make_lead(company=small, events=stale, created_at="2026-08-01T00:00:00Z"))
    assert kept.route == "self_service" and not kept.gates[0].lifted
    competitor = PIPELINE.decide_one(make_lead(contact={"email": "kim@pipelineiq.com"}, events=fresh))
    assert competitor.route == "silent_reject"


def test_events_after_the_decision_time_do_not_count():
    late = events(("hard_bounce", "2026-11-10T00:00:00Z"))  # after scored_at
    assert "hard_bounce" not in fired(make_lead(events=late))


def test_batch_and_single_lead_agree():
    leads = [make_lead(lead_id=f"b{i}", company={"employees": e}) for i, e in enumerate([3, 40, 400, None])]
    batch = PIPELINE.decide(leads)
    for i, lead in enumerate(leads):
        one = PIPELINE.decide_one(lead)
        assert one.route == batch.route[i]
        assert [g.code for g in one.gates] == [g.code for g in batch.record(i).gates]
    assert np.array_equal(batch.gates.gated, [True, False, False, False])


def test_disabled_gate_never_fires():
    data = yaml.safe_load(POLICY.to_yaml())
    next(g for g in data["gates"] if g["code"] == "below_size_floor")["enabled"] = False
    policy = parse_policy(yaml.safe_dump(data))
    assert "below_size_floor" not in {g.code for g in policy.active_gates()}
    assert DecisionPipeline(policy).decide_one(make_lead(company={"employees": 2})).gates == []


def test_missing_email_is_a_gap_not_bad_faith():
    record = PIPELINE.decide_one(make_lead(contact={"email": None}))
    assert "invalid_email" not in {g.code for g in record.gates}


def test_do_not_engage_covers_subdomains():
    assert "do_not_engage" in fired(make_lead(contact={"email": "a@eu.blocked-customer.com"}))


def test_public_answer_is_in_the_record_and_never_names_the_gate():
    small = PIPELINE.decide_one(make_lead(company={"employees": 3}))
    assert (small.next_step, small.public_message) == ("self_service", "smaller_team_alternatives")
    capped = PIPELINE.decide_one(make_lead(contact={"email": "maria@gmail.com"}))
    assert (capped.next_step, capped.public_message) == ("verify", "verify")
    bot = PIPELINE.decide_one(make_lead(form={"honeypot": "x"}))
    assert (bot.next_step, bot.public_message) == ("thank_you", "thank_you")
