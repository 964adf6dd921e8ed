"""A refused time is told in the words of the rule it breaks, true as the sender reads them, at the calendar's ends
too (where UTC cannot hold the time and the answer was a bare "timestamp out of range")."""

from __future__ import annotations

import pytest

from leadgate.features.outcome import parse_outcome
from leadgate.features.schema import LeadValidationError, parse_lead
from tests.factories import lead_dict

BEFORE_1990 = "is before 1990-01-01: a placeholder for a missing date"
AFTER_NOW = "is more than a day after now"


def _event(at: str) -> dict:
    return {"events": [{"type": "page_view", "at": at}]}


@pytest.mark.parametrize(
    ("sections", "words"),
    [
        # The calendar's first day at a positive offset, its last at a negative one: as their neighbours are.
        ({"created_at": "0001-01-01T00:00:00+14:00"}, f"created_at: 0001-01-01T00:00:00+14:00 {BEFORE_1990}"),
        ({"created_at": "0001-01-01T00:00:00-12:00"}, f"created_at: 0001-01-01T12:00:00+00:00 {BEFORE_1990}"),
        ({"created_at": "9999-12-31T23:59:59-12:00"}, f"created_at: 9999-12-31T23:59:59-12:00 {AFTER_NOW}"),
        ({"scored_at": "9999-12-31T23:59:59-12:00"}, f"scored_at: 9999-12-31T23:59:59-12:00 {AFTER_NOW}"),
        (_event("0001-01-01T00:00:00+14:00"), f"events.0.at: 0001-01-01T00:00:00+14:00 {BEFORE_1990}"),
        (_event("9999-12-31T23:59:59-12:00"), f"events.0.at: 9999-12-31T23:59:59-12:00 {AFTER_NOW}"),
        # An event's time is said as its UTC moment, as created_at's is: "1990-01-01T00:00:00+14:00 is before
        # 1990-01-01" read as false.
        (_event("1990-01-01T00:00:00+14:00"), f"events.0.at: 1989-12-31T10:00:00+00:00 {BEFORE_1990}"),
        ({"created_at": "1990-01-01T00:00:00+14:00"}, f"created_at: 1989-12-31T10:00:00+00:00 {BEFORE_1990}"),
        # A clock out of range, which pydantic calls "unexpected extra characters at the end of the input".
        ({"created_at": "2026-12-05T25:00:00Z"}, "(hour 25 is out of range, 00-23)"),
        ({"created_at": "2026-12-05 23:60"}, "(minute 60 is out of range, 00-59)"),
        (_event("2026-12-05T23:59:61Z"), "(second 61 is out of range, 00-59)"),
    ],
)
def test_a_refused_lead_time_says_which_rule_in_true_words(sections, words):
    with pytest.raises(LeadValidationError) as caught:
        parse_lead(lead_dict(**sections))
    assert words in str(caught.value)


@pytest.mark.parametrize(
    ("at", "words"),
    [("0001-01-01T00:00:00+14:00", BEFORE_1990), ("9999-12-31T23:59:59-12:00", AFTER_NOW)],
)
def test_an_outcome_time_past_the_calendar_says_which_rule(at, words):
    with pytest.raises(LeadValidationError) as caught:
        parse_outcome({"lead_id": "o-1", "sql": True, "at": at})
    assert f"at: {at} {words}" in str(caught.value)


def test_a_stored_lead_is_not_judged_by_the_time_rules_again():
    stored = parse_lead(lead_dict(created_at="1980-01-01T00:00:00+01:00", scored_at=None), stored=True)
    assert stored.created_at.isoformat() == "1979-12-31T23:00:00+00:00"
