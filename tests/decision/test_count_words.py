"""Counted things read as people say them."""

from __future__ import annotations

from leadgate.decision.count_words import COUNT_WORDS, counted, plural
from leadgate.features.builder import COUNTS


def test_every_counted_event_has_its_one_and_many():
    assert {event for event, *_ in COUNTS if event != "demo_request" and event != "unsubscribe"} - {
        "content_download",
        "email_reply",
    } <= set(COUNT_WORDS)
    assert counted(1, "meeting_booked") == "1 meeting booked"
    assert counted(4, "meeting_booked") == "4 meetings booked"
    assert counted(2, "pricing_page") == "2 pricing page visits"
    assert (plural(1, "day"), plural(3.7, "day")) == ("1 day", "3 days")


def test_plural_separates_thousands_and_takes_a_plural_that_is_no_added_s():
    assert (plural(1, "lead"), plural(1200, "lead")) == ("1 lead", "1,200 leads")
    assert plural(1, "lead id is", "lead ids are") == "1 lead id is"
    assert plural(0, "lead id is", "lead ids are") == "0 lead ids are"
