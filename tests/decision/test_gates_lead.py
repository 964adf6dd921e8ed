"""Gates read from the lead itself (issue 16 part 1): role, form answers, self-description, network, email domain.

Each gate fires on a hand-made lead with the lead's own value in its reason, and not on the normal lead beside it.
"""

from pathlib import Path

import pytest
import yaml

from leadgate.decision.pipeline import DecisionPipeline
from leadgate.decision.policy import PolicyError, default_policy_text, load_policy, parse_policy
from tests.factories import events, make_lead

POLICY = load_policy()
PIPELINE = DecisionPipeline(POLICY)
SPECS = {gate.code: gate for gate in POLICY.gates}


def fired(**sections) -> dict:
    return {g.code: g for g in PIPELINE.decide_one(make_lead(**sections)).gates}


# (gate, lead sections, words of the lead's own value in the reason, a near-miss lead the gate leaves alone)
CASES = [
    (
        "government_rfp",
        {"company": {"company_type": "government"}, "form": {"inquiry_type": "rfp"}},
        "government, inquiry type rfp",
        {"company": {"company_type": "government"}, "form": {"inquiry_type": "demo"}},
    ),
    (
        "government_rfp",
        {
            "contact": {"email": "buyer@procurement.agency.gov"},
            "company": {"company_type": None},
            "form": {
                "inquiry_type": "contact",
                "message": "Please see our Request for Proposal, solicitation no. 42.",
            },
        },
        "government, a tender in the message",
        {"company": {"company_type": "b2b"}, "form": {"inquiry_type": "rfp"}},  # a business's RFP is welcome
    ),
    (
        "junior_for_high_value",
        {
            "contact": {"job_title": "Junior Marketing Specialist"},
            "form": {"answers": {"product": "Enterprise"}},
        },
        "Junior Marketing Specialist asking about Enterprise",
        {
            "contact": {"job_title": "Junior Marketing Specialist"},
            "form": {"answers": {"product": "Starter"}},
        },
    ),
    (
        "junior_for_high_value",
        {"contact": {"job_title": "Marketing Assistant"}, "form": {"answers": {"product": "enterprise"}}},
        "Marketing Assistant asking about enterprise",
        {"contact": {"job_title": "VP Marketing"}, "form": {"answers": {"product": "enterprise"}}},
    ),
    (
        "generic_role",
        {"contact": {"job_title": "Employee"}},
        "Employee",
        {"contact": {"job_title": "Employee Experience Manager"}},
    ),
    (
        "generic_role",
        {"contact": {"job_title": "Team member"}},
        "Team member",
        {"contact": {"job_title": None}},
    ),
    (
        "missing_integration",
        {"company": {"crm": None}, "form": {"answers": {"stack": "Excel, Mailchimp"}}},
        "no CRM we integrate with in Excel, Mailchimp",
        {"company": {"crm": None}, "form": {"answers": {"stack": ["Salesforce Sales Cloud", "Mailchimp"]}}},
    ),
    (
        "missing_integration",
        {"company": {"crm": "Monday"}, "form": {"answers": {"stack": ["Snowflake"]}}},
        "Snowflake, Monday",
        {
            "company": {"crm": "HubSpot"},
            "form": {"answers": {"stack": ["Snowflake"]}},
        },  # the company's CRM counts
    ),
    (
        "missing_integration",  # the CRM already in the stack answer is named once
        {"company": {"crm": "monday"}, "form": {"answers": {"stack": ["Snowflake", "Monday"]}}},
        "no CRM we integrate with in Snowflake, Monday)",
        {"company": {"crm": "hubspot"}, "form": {"answers": {"stack": ["Snowflake", "HubSpot"]}}},
    ),
    (
        "deployment_mismatch",
        {"form": {"answers": {"deployment": "on_prem"}}},
        "on_prem",
        {"form": {"answers": {"deployment": "cloud"}}},
    ),
    (
        "unmet_compliance",
        {"form": {"answers": {"compliance": ["SOC 2", "FedRAMP Moderate"]}}},
        "FedRAMP Moderate",
        {"form": {"answers": {"compliance": "SOC 2, GDPR"}}},
    ),
    (
        "competitor_network",
        {"source": {"ip": "198.51.100.77"}},
        "198.51.100.77 in 198.51.100.0/24",
        {"source": {"ip": "198.51.101.77"}},
    ),
    (
        "competitor_network",
        {"source": {"ip": "::ffff:198.51.100.5"}},  # an IPv4 client seen through an IPv6 socket
        "198.51.100.0/24",
        {"source": {"ip": "2001:db8::5"}},  # an IPv6 client outside every competitor network
    ),
    (
        "inconsistent_self_description",
        {
            "contact": {"job_title": "Solo Founder"},
            "company": {"employees": 5000, "annual_revenue": 900_000_000},
        },
        "Solo Founder at 5,000 employees",
        {"contact": {"job_title": "Solo Founder"}, "company": {"employees": 1, "annual_revenue": 150_000}},
    ),
    (
        "inconsistent_self_description",
        {"contact": {"job_title": "Freelance designer"}, "company": {"employees": 250}},
        "Freelance designer at 250 employees",
        {
            "contact": {"job_title": "Founder"},
            "company": {"employees": 5000},
        },  # founders of large firms exist
    ),
    (
        "inconsistent_self_description",
        {"company": {"employees": 5000, "annual_revenue": 40_000}},
        "USD 40,000 annual revenue at 5,000 employees",
        {"company": {"employees": 5000, "annual_revenue": None}},  # revenue not given: nothing to contradict
    ),
    (
        "inconsistent_self_description",
        {"contact": {"job_title": "Freelance designer"}, "company": {"employees": "51-200"}},
        "Freelance designer at 51–200 employees",
        # A band that reaches down to a one-person size contradicts nothing.
        {"contact": {"job_title": "Freelance designer"}, "company": {"employees": "5-25"}},
    ),
    (
        "inconsistent_self_description",
        {"company": {"employees": "1,001-5,000", "annual_revenue": 40_000}},
        "USD 40,000 annual revenue at 1,001–5,000 employees",
        {"company": {"employees": "1-5000", "annual_revenue": 40_000}},
    ),
    (
        "placeholder_email",
        {"contact": {"email": "maria@test.com"}},
        "Placeholder email domain (test.com)",
        {"contact": {"email": "maria@contest.com"}},
    ),
    (
        "placeholder_email",
        {"contact": {"email": "maria@example.com"}},
        "example.com",
        {"contact": {"email": "maria@gmail.com"}},
    ),
]


@pytest.mark.parametrize(
    ("code", "sections", "value", "near_miss"), CASES, ids=[f"{c[0]}:{c[2]}" for c in CASES]
)
def test_gate_fires_with_the_leads_own_value_and_not_on_a_near_miss(code, sections, value, near_miss):
    gates = fired(**sections)
    assert code in gates, f"{code} did not fire: {list(gates)}"
    assert value in gates[code].reason
    spec = SPECS[code]
    assert (gates[code].category, gates[code].control, gates[code].route) == (
        spec.category,
        spec.control,
        spec.route,
    )
    assert code not in fired(**near_miss)


def test_a_normal_lead_fires_none_of_them():
    assert {code for code, *_ in CASES} & set(fired()) == set()


def test_the_issue_lead_a_solo_founder_of_5000_no_longer_reaches_sales(pipeline):
    lead = make_lead(
        contact={"job_title": "Solo Founder"},
        company={"employees": 5000, "annual_revenue": 900_000_000},
        events=events(("demo_request", "2026-11-02T09:00:00Z"), ("meeting_booked", "2026-11-02T10:00:00Z")),
    )
    record = pipeline.decide_one(lead)
    assert record.route == "verify" and record.route != "sales_ready"
    assert [g.code for g in record.gates] == ["inconsistent_self_description"]
    assert "corrected job title" in record.gates[0].recovery


@pytest.mark.parametrize(
    ("sections", "code", "route"),
    [
        ({"contact": {"job_title": "Employee"}}, "generic_role", "nurture"),  # nurture, not rejection
        ({"form": {"answers": {"compliance": ["FedRAMP"]}}}, "unmet_compliance", "nurture"),
        (
            {"contact": {"email": "dana@gmail.com"}, "form": {"inquiry_type": "pricing"}},
            "personal_email",
            "verify",
        ),
        ({"contact": {"job_title": "Marketing Intern"}}, "student_or_academic", "self_service"),
    ],
)
def test_role_and_technology_gates_cap_rather_than_reject(sections, code, route):
    record = PIPELINE.decide_one(make_lead(**sections))
    assert code in {g.code for g in record.gates} and record.route == route


def test_test_dot_com_is_a_placeholder_not_a_personal_email():
    gates = fired(contact={"email": "maria@test.com"})
    assert "placeholder_email" in gates and "personal_email" not in gates
    assert "Personal email" not in " ".join(g.reason for g in gates.values())
    assert gates["placeholder_email"].control == "data_quality"


def test_a_policy_without_the_placeholder_gate_still_caps_test_dot_com():
    data = yaml.safe_load(POLICY.to_yaml())
    data["gates"] = [g for g in data["gates"] if g["code"] != "placeholder_email"]
    record = DecisionPipeline(parse_policy(yaml.safe_dump(data))).decide_one(
        make_lead(contact={"email": "a@test.com"})
    )
    assert [g.code for g in record.gates] == ["personal_email"] and record.route == "verify"


def test_a_fresh_demo_request_lifts_the_liftable_role_cap_only():
    fresh = events(("demo_request", "2026-11-02T09:00:00Z"))
    generic = PIPELINE.decide_one(make_lead(contact={"job_title": "User"}, events=fresh))
    assert generic.route == "verify" and generic.gates[0].lifted
    compliance = PIPELINE.decide_one(make_lead(form={"answers": {"compliance": ["ITAR"]}}, events=fresh))
    assert compliance.route == "nurture" and not compliance.gates[0].lifted


def test_batch_and_single_lead_agree_on_the_new_gates():
    leads = [make_lead(lead_id=f"b{i}", **sections) for i, (_, sections, _, _) in enumerate(CASES)]
    batch = PIPELINE.decide(leads)
    for i, lead in enumerate(leads):
        assert [g.reason for g in PIPELINE.decide_one(lead).gates] == [
            g.reason for g in batch.record(i).gates
        ]


def test_a_policy_written_before_the_new_sections_keeps_its_version():
    # The default policy as shipped before these gates, the intent windows, decay and the store's lists.
    before = (Path(__file__).parents[1] / "data" / "default_policy_2026-12-05.yaml").read_text()
    assert parse_policy(before).version == "default@18046b68c4a8"


def test_a_competitor_network_that_is_not_cidr_is_refused_with_words():
    text = default_policy_text().replace(
        "competitor_networks: [198.51.100.0/24]", "competitor_networks: [198.51.100.7/24]"
    )
    with pytest.raises(
        PolicyError, match=r"domains.competitor_networks: .*not a CIDR network.*host bits set"
    ):
        parse_policy(text)
