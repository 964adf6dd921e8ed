"""A count family's recovery: how many of its own activity take a lead out of its below-average counts."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from leadgate.decision.count_words import COUNT_WORDS, listed
from leadgate.decision.recovery import Recovery
from leadgate.decision.reference import ReasonReference
from leadgate.features.builder import COUNTS, FeatureBuilder
from leadgate.features.derived import Derived

ASKED_FOR = {
    "n_demo_request": "demo_request",
    "n_pricing_page": "pricing_page",
    "n_email_reply": "email_reply",
    "n_meeting_booked": "meeting_booked",
    "n_content_download": "content_download",
    "n_webinar_registered": "webinar_registered",
    "n_webinar_attended": "webinar_attended",
    "n_email_open": "email_open",
    "n_email_click": "email_click",
    "n_page_view": "page_view",
    "n_form_submit": "form_submit",
}
# As a rep asks for them; the others as the reasons count them (decision.count_words).
_ASKED_WORDS = {
    "demo_request": ("demo request", "demo requests"),
    "email_reply": ("reply to our emails", "replies to our emails"),
    "content_download": ("content download", "content downloads"),
    "meeting_booked": ("booked meeting", "booked meetings"),
    "webinar_attended": ("attended webinar", "attended webinars"),
}


@dataclass(frozen=True)
class CountNeed:
    """One count column of a family: below which count the lead's value converts below average, in words."""

    column: int
    below: tuple[bool, ...]  # by count 0..cap: the value lies in a range converting clearly below average
    clear_from: int | None  # the least count from which no higher one converts below average; None: none
    one: str  # "page view"
    many: str  # "page views in the last 90 days"

    def words(self, count: int) -> str:
        """'a new demo request', '4 or more page views', '4 or more page views (3 more)'."""
        if count == 0 and self.clear_from == 1:
            return f"a new {self.one}"
        more = f" ({self.clear_from - count} more)" if count else ""
        return f"{self.clear_from} or more {self.many}{more}"


def count_need(
    reference: ReasonReference, column: int, event: str, cap: int, window: float | None
) -> CountNeed:
    """What count of one column takes a lead out of its below-average ranges, from the model's statistics."""
    below = reference.below_for(column, np.arange(cap + 1)).tolist()
    low = [count for count, is_below in enumerate(below) if is_below]
    clear_from = None if below[cap] else (low[-1] + 1 if low else 0)
    one, many = _ASKED_WORDS.get(event) or COUNT_WORDS[event]
    inside = f" in the last {window:g} days" if window else ""
    return CountNeed(column, tuple(below), clear_from, one, many + inside)


def count_recovery(needs: list[CountNeed], fallback: Recovery) -> Recovery:
    """A count family's recovery: each of its counts the lead has in a below-average range, and the count
    from which none converts below average. With all of them there, none of the family's pull comes from
    below-average values, so the reason is no longer listed against the lead (decision.reasons.sides)."""

    def recover(d: Derived, x: np.ndarray, i: int) -> str:
        named = []
        for need in needs:
            value = x[i, need.column]
            count = int(value) if value == value else 0
            if count < len(need.below) and need.below[count]:
                if need.clear_from is None:  # no count clears it: no number can be promised
                    return fallback(d, x, i)
                named.append(need.words(count))
        if not named:
            return fallback(d, x, i)
        return f"{listed(named, 'and')} {'lifts' if len(named) == 1 else 'lift'} this"

    return recover


def count_recoveries(
    builder: FeatureBuilder, reference: ReasonReference, recoveries: dict[str, Recovery]
) -> dict[str, Recovery]:
    """Per count family, a recovery naming how many of what takes the lead out of the below-average ranges."""
    caps = {f"n_{event}": cap for event, cap, _, _ in COUNTS}
    windows = dict(builder.windows)
    needs: dict[str, list] = {}
    for j, spec in enumerate(builder.features):
        event = ASKED_FOR.get(spec.name)
        if event is not None:
            need = count_need(reference, j, event, caps[spec.name], windows.get(event))
            needs.setdefault(spec.family, []).append(need)
    return {family: count_recovery(found, recoveries[family]) for family, found in needs.items()}
