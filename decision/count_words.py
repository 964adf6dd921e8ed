"""Counted things as people say them: '1 day', '3 days', '4 meetings booked', '1 pricing page visit'."""

from __future__ import annotations

# One and many of each counted event ("2 meetings booked", not "2 meeting bookeds"), in one place for the
# plain and the intent-windowed reasons.
COUNT_WORDS = {
    "meeting_booked": ("meeting booked", "meetings booked"),
    "meeting_cancelled": ("meeting cancelled", "meetings cancelled"),
    "webinar_registered": ("webinar registration", "webinar registrations"),
    "webinar_attended": ("webinar attended", "webinars attended"),
    "webinar_no_show": ("webinar no-show", "webinar no-shows"),
    "email_open": ("email open", "email opens"),
    "email_click": ("email click", "email clicks"),
    "page_view": ("page view", "page views"),
    "pricing_page": ("pricing page visit", "pricing page visits"),
    "careers_page": ("careers page visit", "careers page visits"),
    "form_submit": ("form submission", "form submissions"),
}


def plural(count: float, word: str, many: str | None = None) -> str:
    """'1 day', '3 days', '1,200 leads'; `many` where adding an s is wrong ('1 lead id is', '2 lead ids are')."""
    n = int(count)
    return f"{n:,} {word if n == 1 else many or word + 's'}"


def counted(count: float, event: str, floor: int | None = None) -> str:
    """'1 meeting booked', '4 meetings booked'; '100 or more page views' from `floor` on (see at_least)."""
    n = int(count)
    one, many = COUNT_WORDS[event]
    if at_least(n, floor):
        return f"{n} or more {many}"
    return f"{n} {one if n == 1 else many}"


def times(count: float, floor: int | None = None) -> str:
    """'3×', or '100× or more' from `floor` on (see at_least)."""
    n = int(count)
    return f"{n}× or more" if at_least(n, floor) else f"{n}×"


def at_least(count: int, floor: int | None) -> bool:
    """Whether a count may stand for more: an export's count column holding more than its max_events was read
    as that many events (features/export_records.py), so from the model's stored cap on a count is a floor."""
    return floor is not None and count >= floor


def headcount(employees: float) -> str:
    """'1 employee', '1,200 employees'."""
    count = int(employees)
    return f"{count:,} employee{'' if count == 1 else 's'}"


def company_size(low: float, high: float) -> str:
    """A lead's size as it gave it: '60 employees', '51–200 employees', '10,001+ employees'."""
    if low == high:
        return headcount(low)
    if high == float("inf"):
        return f"{int(low):,}+ employees"
    return f"{int(low):,}–{int(high):,} employees"


def listed(words: list[str], joiner: str = "or") -> str:
    """'demo', 'demo or pricing', 'demo, pricing or rfp'."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {joiner} {words[-1]}"
