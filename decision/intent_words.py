"""Words of the event families for a model with intent windows: events outside their window read as history."""

from __future__ import annotations

import numpy as np

from leadgate.decision.count_words import COUNT_WORDS, counted, plural, times
from leadgate.decision.reason_words import Floors, Renderer, asked_for_demo, website_text
from leadgate.features.derived import WEBSITE_EVENTS, Derived
from leadgate.features.intent import Windows
from leadgate.features.table import EVENT_CODE

Rows = tuple[list[float], list[float]]


class _Events:
    """One lead's events of a type split by the model's windows: how many inside, how many older, how old."""

    def __init__(self, windows: Windows, floors: Floors):
        self.key = windows
        self.days = dict(windows)
        self.floors = floors

    def split(self, d: Derived, event: str, i: int, rows: Rows | None = None) -> tuple[int, int]:
        """(events inside the type's window, events older than it); all inside for a type without a window.

        `rows`: the lead's `rows`, read once by renderers that list several event types.
        """
        code = EVENT_CODE[event]
        within, counted = rows or self.rows(d, i)
        inside = int(within[code])
        return inside, int(counted[code]) - inside

    def rows(self, d: Derived, i: int) -> Rows:
        """One lead's counts by event type code, inside the windows and in all, as Python numbers."""
        return d.count_rows_within(self.key)[i], d.count_rows[i]

    def history(self, d: Derived, event: str, i: int) -> str:
        """'190 days ago (outside the 90-day intent window)': the latest event, when all lie outside the window."""
        age = float(d.last_event_ages[i, EVENT_CODE[event]])
        return f"{plural(age, 'day')} ago (outside the {self.days[event]:g}-day intent window)"

    def counted(self, inside: int, older: int, event: str) -> str:
        """'2×', or '1× in the last 90 days, 2× earlier' when some lie outside the window."""
        floor = self.floors.get(event)
        if not older:
            return times(inside, floor)
        return f"{times(inside, floor)} in the last {self.days[event]:g} days, {times(older, floor)} earlier"


def _did(events: _Events, event: str, did: str, did_not: str) -> Renderer:
    def render(d: Derived, x: np.ndarray, i: int, negative: bool) -> str:
        inside, older = events.split(d, event, i)
        if inside:
            return f"{did} ({events.counted(inside, older, event)})"
        return f"{did} {events.history(d, event, i)}" if older else did_not

    return render


def _demo(events: _Events) -> Renderer:
    counted = _did(events, "demo_request", "Requested a demo", "No demo request")

    def render(d: Derived, x: np.ndarray, i: int, negative: bool) -> str:
        inside, older = events.split(d, "demo_request", i)
        # The form that created the lead is a demo request too, and a current one: it comes before history.
        if not inside and asked_for_demo(d, i):
            return "Asked for a demo in the form only" if negative else "Asked for a demo in the form"
        return counted(d, x, i, negative)

    return render


def _part(events: _Events, d: Derived, event: str, i: int, rows: Rows) -> str:
    """One event type inside a list: '2 page views', or 'pricing page visit 200 days ago (outside ...)'."""
    inside, older = events.split(d, event, i, rows)
    if inside:
        floor = events.floors.get(event)
        return counted(inside, event, floor) + (f" ({times(older, floor)} earlier)" if older else "")
    return f"{COUNT_WORDS[event][0]} {events.history(d, event, i)}" if older else ""


def _listing(events: _Events, names: tuple[str, ...], label: str) -> Renderer:
    def render(d: Derived, x: np.ndarray, i: int, negative: bool) -> str:
        rows = events.rows(d, i)
        parts = [part for n in names if (part := _part(events, d, n, i, rows))]
        return f"{label}: {', '.join(parts)}" if parts else f"No {label.lower()}"

    return render


def _website(events: _Events) -> Renderer:
    def render(d: Derived, x: np.ndarray, i: int, negative: bool) -> str:
        rows = events.rows(d, i)
        parts = [part for n in WEBSITE_EVENTS if (part := _part(events, d, n, i, rows))]
        return website_text(d, i, parts)

    return render


def windowed_renderers(windows: Windows, floors: Floors | None = None) -> dict[str, Renderer]:
    """The event families' renderers for a model with these intent windows (they replace the plain ones); a
    count from its type's floor on reads '100 or more page views' (see count_words.at_least)."""
    events = _Events(windows, floors or {})
    return {
        "demo": _demo(events),
        "pricing": _did(events, "pricing_page", "Visited the pricing page", "Never visited the pricing page"),
        "reply": _did(events, "email_reply", "Replied to our emails", "Never replied to our emails"),
        "meeting": _listing(events, ("meeting_booked", "meeting_cancelled"), "Meetings"),
        "content": _did(events, "content_download", "Downloaded content", "No content downloads"),
        "webinar": _listing(
            events, ("webinar_registered", "webinar_attended", "webinar_no_show"), "Webinars"
        ),
        "email_engagement": _listing(events, ("email_open", "email_click"), "Email engagement"),
        "web_activity": _website(events),
    }
