"""Vectorized activity streams: Poisson counts from latent interest that fades, then timestamps."""

from __future__ import annotations

import numpy as np

from leadgate.features.table import EVENT_CODE as CODE
from leadgate.features.table import EVENT_TYPES as EVENT_NAMES

DAY = 86_400
# Activity that shows intent in the simulated world; the days since the last one measure how stale a lead is.
# Kept apart from leadgate.features.derived.MEANINGFUL_EVENTS on purpose: the generator's truth must not be defined by
# the product's own assumptions, or the reason-faithfulness test would only check the code against itself.
MEANINGFUL = (
    "pricing_page",
    "content_download",
    "webinar_registered",
    "webinar_attended",
    "email_click",
    "email_reply",
    "meeting_booked",
    "demo_request",
    "form_submit",
)
# Daily rate while interest is active and how steeply it rises with latent interest z.
ACTIVE_RATES = {
    "page_view": (0.30, 0.5),
    "pricing_page": (0.025, 0.9),
    "careers_page": (0.003, 0.0),
    "content_download": (0.02, 0.4),
    "webinar_registered": (0.008, 0.5),
    "email_click": (0.012, 0.6),
    "email_reply": (0.004, 1.0),
    "meeting_booked": (0.0025, 1.2),
    "demo_request": (0.002, 1.2),
    "form_submit": (0.004, 0.6),
}
BACKGROUND = 0.04  # share of the active rate left once interest has faded: leads go quiet
EMAIL_EVENTS = frozenset({"email_click", "email_reply"})


class EventBuffer:
    """Growing flat arrays of (lead, type code, epoch seconds)."""

    def __init__(self) -> None:
        self.parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def add(self, lead: np.ndarray, name: str | np.ndarray, at: np.ndarray) -> None:
        """Append events of one type (or per-event codes)."""
        code = (
            np.full(len(lead), CODE[name], dtype=np.int8) if isinstance(name, str) else name.astype(np.int8)
        )
        self.parts.append((lead.astype(np.int64), code, np.asarray(at, dtype=np.int64)))

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """All events sorted by lead then time."""
        lead, code, at = (np.concatenate([p[i] for p in self.parts]) for i in range(3))
        # One packed int64 key (lead | seconds since 1970 | type) sorts much faster than a 3-key lexsort.
        key = (lead << 37) | (at.clip(0, 2**32 - 1) << 5) | code.astype(np.int64)
        order = np.argsort(key, kind="stable")
        return lead[order], code[order], at[order]


def _timestamps(rng, lead, created, active_days, window_days) -> np.ndarray:
    """Times for events drawn on the faded-interest clock: dense while active, sparse after."""
    a, w = active_days[lead], window_days[lead]
    effective = a + BACKGROUND * (w - a)
    u = rng.random(len(lead)) * effective
    offset_days = np.where(u < a, u, a + (u - a) / BACKGROUND)
    return created[lead] + np.minimum(offset_days, w) * DAY


def interest_events(rng, buf: EventBuffer, z, created, window_days, mult: dict[str, np.ndarray], emailable):
    """Poisson counts per lead and type from interest z, with an active period that ends."""
    n = len(z)
    active = np.minimum(rng.exponential(20.0 * np.exp(0.4 * z)), window_days)
    effective = active + BACKGROUND * (window_days - active)
    for name, (rate, slope) in ACTIVE_RATES.items():
        lam = rate * np.exp(slope * z) * effective * mult.get(name, 1.0)
        if name in EMAIL_EVENTS:
            lam = lam * emailable
        count = rng.poisson(lam)
        lead = np.repeat(np.arange(n), count)
        buf.add(lead, name, _timestamps(rng, lead, created, active, window_days))
        if name == "webinar_registered":
            _webinar_followups(rng, buf, lead, buf.parts[-1][2], z)
        if name == "meeting_booked":
            _cancellations(rng, buf, lead, buf.parts[-1][2])


def _webinar_followups(rng, buf: EventBuffer, lead, registered_at, z) -> None:
    """Each registration ends in attendance or a no-show a few days later; keener leads attend."""
    attended = rng.random(len(lead)) < 1 / (1 + np.exp(-(0.2 + 0.6 * z[lead])))
    at = registered_at + rng.uniform(1, 10, len(lead)) * DAY
    codes = np.where(attended, CODE["webinar_attended"], CODE["webinar_no_show"])
    buf.add(lead, codes, at)


def _cancellations(rng, buf: EventBuffer, lead, booked_at) -> None:
    """About one meeting in six is cancelled within days of booking."""
    keep = rng.random(len(lead)) < 0.17
    at = booked_at[keep] + rng.uniform(0.2, 5, int(keep.sum())) * DAY
    buf.add(lead[keep], "meeting_cancelled", at)


def email_opens(rng, buf: EventBuffer, created, window_days, emailable) -> None:
    """Opens come from nurture sends and mail-client prefetching, not interest: no signal by design."""
    n = len(created)
    opener = np.where(rng.random(n) < 0.35, 0.0, rng.lognormal(0.0, 0.6, n))
    count = rng.poisson(0.05 * opener * window_days * emailable)
    lead = np.repeat(np.arange(n), count)
    buf.add(lead, "email_open", created[lead] + rng.random(len(lead)) * window_days[lead] * DAY)


def rare_events(rng, buf: EventBuffer, created, window_days, emailable, bad_address) -> None:
    """Unsubscribes, spam complaints and hard bounces (bad addresses bounce far more often)."""
    n = len(created)
    for name, p in (("unsubscribe", 0.012), ("spam_complaint", 0.002)):
        lead = np.flatnonzero((rng.random(n) < p) & emailable)
        buf.add(lead, name, created[lead] + rng.random(len(lead)) * window_days[lead] * DAY)
    p_bounce = np.where(bad_address, 0.3, 0.004)
    lead = np.flatnonzero((rng.random(n) < p_bounce) & emailable)
    buf.add(lead, "hard_bounce", created[lead] + rng.uniform(0.01, 2, len(lead)) * DAY)


def submission_events(buf: EventBuffer, created, submitted, demo) -> None:
    """The form fill itself, and a demo request when that is what the form asked for."""
    lead = np.flatnonzero(submitted)
    buf.add(lead, "form_submit", created[lead])
    lead = np.flatnonzero(submitted & demo)
    buf.add(lead, "demo_request", created[lead] + 1)


def before_scoring(lead, code, at, scored, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(n, types) counts of events up to scored_at, and the time of the last meaningful one (NaN if none)."""
    seen = at <= scored[lead]
    counts = np.bincount(lead[seen] * len(EVENT_NAMES) + code[seen], minlength=n * len(EVENT_NAMES))
    meaningful = seen & np.isin(code, [CODE[name] for name in MEANINGFUL])
    last = np.full(n, -np.inf)
    np.maximum.at(last, lead[meaningful], at[meaningful].astype(float))
    return counts.reshape(n, len(EVENT_NAMES)), np.where(np.isinf(last), np.nan, last)
