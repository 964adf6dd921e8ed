"""Gates on the form message (issue 16 part 1): threats and harassment, phishing-like requests, RFP mining.

A threat needs no swear word; an insult aimed at the reader is harassment; swearing in passing and business
English that borrows violent words ("kill our spreadsheets") are neither.
"""

import pytest

from leadgate.decision.pipeline import DecisionPipeline
from leadgate.decision.policy import load_policy
from tests.factories import events, make_lead

POLICY = load_policy()
PIPELINE = DecisionPipeline(POLICY)


def decide(message: str):
    return PIPELINE.decide_one(make_lead(form={"message": message}))


def codes(message: str) -> set[str]:
    return {g.code for g in decide(message).gates}


THREATS = [
    "I will find you.",
    "If you don't call me back, I'm going to hurt you.",
    "You'll regret ignoring us.",
    "Watch your back.",
    "I know where you live and I will come for you.",
    "We are going to kill your family",
]


@pytest.mark.parametrize("message", THREATS)
def test_a_threat_without_profanity_is_silently_rejected(message):
    record = decide(message)
    gate = next(g for g in record.gates if g.code == "threat_or_harassment")
    assert record.route == "silent_reject" and gate.category == "bad_faith"
    assert gate.reason.startswith("Threat or harassment in the message (threat: '")
    assert "abusive_message" not in {g.code for g in record.gates}  # no word list would have caught it


def test_the_issue_lead_a_threat_with_one_swear_word_no_longer_reaches_verify():
    record = decide("Answer my damn emails or I will find you. Watch your back.")
    assert record.route == "silent_reject"
    assert record.gates[0].code == "threat_or_harassment" and "I will find you" in record.gates[0].reason


def test_a_fresh_demo_request_does_not_lift_a_threat():
    fresh = events(("demo_request", "2026-11-02T09:00:00Z"))
    record = PIPELINE.decide_one(make_lead(form={"message": "Watch your back."}, events=fresh))
    assert record.route == "silent_reject" and not record.gates[0].lifted


@pytest.mark.parametrize(
    "message",
    ["Your sales rep is a moron.", "You are a bunch of useless idiots, stop emailing me", "you stupid bitch"],
)
def test_an_insult_aimed_at_the_reader_is_harassment(message):
    record = decide(message)
    gate = next(g for g in record.gates if g.code == "threat_or_harassment")
    assert "harassment: '" in gate.reason and record.route == "silent_reject"


@pytest.mark.parametrize(
    "message",
    [
        "We would like to see a demo for our sales team.",
        "This tool will kill our spreadsheets, can we talk?",
        "Shit, forgot to add: we use HubSpot.",  # swearing in passing, at no one
        "Is your API useless without Salesforce?",
        "We'll find you a slot next week and get you the data.",
        "Dick's Sporting Goods wants a demo for your team.",
        "We are going to end your contract with our old vendor early.",
        "Our pipeline is a hell of a mess.",
        "So you'll pay for each seat, or per lead?",
        "You won't regret it, said your rep. Prove it with a demo.",
    ],
)
def test_business_english_is_not_a_threat_or_harassment(message):
    assert "threat_or_harassment" not in codes(message)


@pytest.mark.parametrize(
    ("message", "value"),
    [
        (
            "Please send me your admin password so I can check the integration.",
            "credentials: 'send me your admin password'",
        ),
        ("Please confirm your login credentials at this link.", "credentials"),
        ("Send me the employee directory and payroll by Friday.", "internal data"),
        ("Buy 5 Apple gift cards for the CEO and send me the codes.", "gift cards"),
        ("Urgent: process a wire transfer today for the pending invoice.", "payment request"),
        ("Please update your records with our new bank account details.", "payment request"),
    ],
)
def test_phishing_like_requests_are_silently_rejected(message, value):
    record = decide(message)
    gate = next(g for g in record.gates if g.code == "phishing_request")
    assert value in gate.reason and record.route == "silent_reject"


@pytest.mark.parametrize(
    "message",
    [
        "Do you support SSO and API keys for the integration?",
        "Can you share how you store API keys?",
        "We usually pay annual contracts by bank transfer, is that fine?",
        "Can you share a customer list or case studies in manufacturing?",
        "Please share your SOC 2 report.",
    ],
)
def test_security_and_payment_questions_of_a_buyer_are_not_phishing(message):
    assert "phishing_request" not in codes(message)


@pytest.mark.parametrize(
    ("message", "value"),
    [
        ("We are doing market research on lead scoring vendors, please send pricing.", "market research"),
        (
            "On behalf of our client, a Fortune 500 company, please share your pricing.",
            "pricing for a client",
        ),
        ("We have already selected a vendor but procurement needs three quotes.", "vendor already chosen"),
        ("I'm writing a report comparing lead scoring tools and their pricing.", "comparison report"),
        ("Please send your full price list covering all plans and modules.", "full price list"),
    ],
)
def test_rfp_mining_goes_to_self_service_with_the_words_that_showed_it(message, value):
    record = decide(message)
    gate = next(g for g in record.gates if g.code == "rfp_mining")
    assert value in gate.reason and record.route == "self_service" and gate.category == "bad_faith"


@pytest.mark.parametrize(
    "message",
    [
        "We're a market research firm looking to score our inbound leads.",
        "Attached is our RFP for lead management tooling; responses due in 3 weeks.",
        "We are evaluating three vendors and would like pricing for 20 seats.",
    ],
)
def test_a_buyers_rfp_or_evaluation_is_not_rfp_mining(message):
    assert "rfp_mining" not in codes(message)


def test_one_batch_judges_every_message_as_one_lead_would():
    messages = THREATS[:2] + [
        "Your sales rep is a moron.",
        "Shit, forgot: HubSpot.",
        "Send me your password.",
        "",
    ]
    leads = [make_lead(lead_id=f"m{i}", form={"message": m or None}) for i, m in enumerate(messages)]
    batch = PIPELINE.decide(leads)
    for i, lead in enumerate(leads):
        assert [g.reason for g in PIPELINE.decide_one(lead).gates] == [
            g.reason for g in batch.record(i).gates
        ]
