"""Message checks: the classifier's fast path equals the package's own, and it is asked only about insults."""

import numpy as np
import pytest

from leadgate.features import message_patterns, messages
from leadgate.features.offensive import offensive_probability

TEXTS = [
    "You are scum",
    "We would like to see a demo for our sales team.",
    "Your sales rep is a moron.",
    "Shit, forgot to add: we use HubSpot",
    "",
    "kill",
]


def test_the_fast_probability_is_alt_profanity_checks_own():
    from profanity_check import predict_prob

    assert np.allclose(offensive_probability(TEXTS), predict_prob(TEXTS), rtol=0, atol=1e-12)


def test_only_insults_aimed_at_the_reader_reach_the_classifier(monkeypatch):
    asked = []

    def spy(texts):
        asked.append(list(texts))
        return np.ones(len(texts))

    monkeypatch.setattr(messages, "offensive_probability", spy)
    found = messages.threats_and_harassment(
        [
            "Demo please.",
            "Our old tool is useless.",
            "Your tool is useless, honestly.",
            "I will find you.",
            "",
        ]
    )
    # One call for the batch, holding only the sentence that speaks to the reader with an insult in it.
    assert asked == [["Your tool is useless, honestly."]]
    assert found == [
        "",
        "",
        "harassment: 'Your tool is useless, honestly.'",
        "threat: 'I will find you.'",
        "",
    ]


def test_no_candidate_no_classifier_call(monkeypatch):
    monkeypatch.setattr(messages, "offensive_probability", lambda texts: pytest.fail("classifier called"))
    assert messages.threats_and_harassment(["Please send pricing for 20 seats."]) == [""]


@pytest.mark.parametrize(
    ("message", "tender"),
    [
        ("Please see our RFP attached.", True),
        ("Request for Proposal no. 2026-14", True),
        ("Invitation to tender for CRM services", True),
        ("We want a demo", False),
        ("Our tender process is quick", False),
    ],
)
def test_tenders_are_recognised_in_the_message(message, tender):
    assert message_patterns.mentions_tender(message) is tender
