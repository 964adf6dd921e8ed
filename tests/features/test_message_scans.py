"""The fast message scans find exactly what the plain case-insensitive regexes and n-gram sets find."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadgate.features import message_patterns, messages
from leadgate.features.message_patterns import Folded

PATTERNS = [
    message_patterns._THREATS,
    message_patterns._ADDRESSED,
    message_patterns._TENDER,
    message_patterns._PHISHING_COMPILED[0],
    message_patterns._RFP_MINING_COMPILED[0],
    messages._URL,
]
# Words the patterns look for, in any case, so random messages often hold a match (or half of one).
WORDS = [
    "I", "will", "find", "you", "You'll", "regret", "this", "send", "me", "your", "admin", "Password",
    "RFP", "request", "for", "proposals", "market", "research", "on", "behalf", "of", "a", "client",
    "pricing", "www.", "HTTPS://", "wire", "transfer", "ASAP", "gift", "cards", "kill", "YOU", "fuck",
    "shit", "you're", "an", "idiot", "blow", "job", "jerk", "off", "2", "girls", "1", "cup", "İ", "ſend",
    "K", "straße", ".", "!", "?", ",", "\n",
]  # fmt: skip
MESSAGES = st.lists(st.sampled_from(WORDS), max_size=14).map(" ".join) | st.text(max_size=60)
SAMPLES = [
    "I will find you.",
    "Please SEND me your Admin Password today",
    "We're doing some Market Research on CRM vendors",
    "Attached is our RFP; responses due in 3 weeks.",
    "Best SEO http://a.example WWW.b.example https://c.example",
    "ſend me your password",  # long s: folds to s, so only the folding scan may treat the text
    "I wİll find you.",
]


def _plain(pattern: Folded, text: str):
    found = re.search(pattern.pattern.pattern, text, re.IGNORECASE)
    return found and (found.span(), found.lastgroup)


@pytest.mark.parametrize("text", SAMPLES)
@pytest.mark.parametrize("pattern", PATTERNS)
def test_samples_match_where_the_plain_regex_does(pattern, text):
    found = pattern.search(text)
    assert (found and (found.span(), found.lastgroup)) == _plain(pattern, text)
    assert pattern.count(text) == len(re.findall(pattern.pattern.pattern, text, re.IGNORECASE))


@settings(max_examples=300, deadline=None)
@given(MESSAGES)
def test_any_message_matches_where_the_plain_regex_does(text):
    for pattern in PATTERNS:
        found = pattern.search(text)
        assert (found and (found.span(), found.lastgroup)) == _plain(pattern, text)
        assert pattern.count(text) == len(re.findall(pattern.pattern.pattern, text, re.IGNORECASE))


def test_a_pattern_with_upper_case_letters_is_refused():
    with pytest.raises(ValueError, match="lower case"):
        Folded(r"\S+@example")
    assert Folded(r"(?P<r0>rfp)").search("Our RFP").lastgroup == "r0"


@settings(max_examples=300, deadline=None)
@given(MESSAGES)
def test_swear_hits_are_every_listed_phrase_of_up_to_three_words(text):
    words = re.findall(r"[a-z0-9$@!*]+", text.lower())
    grams = {tuple(words[i : i + size]) for size in (1, 2, 3) for i in range(len(words) - size + 1)}
    assert messages._swear_hits(text) == grams & messages._swear_phrases()
