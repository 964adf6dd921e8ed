"""Signals derived once per batch from the lead table, shared by gates and features."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from leadgate.features import claims, message_patterns, messages, signals, titles
from leadgate.features.countries import country_code
from leadgate.features.table import EVENT_CODE, LeadTable, window_days

MEANINGFUL_EVENTS = [
    "pricing_page",
    "content_download",
    "webinar_registered",
    "webinar_attended",
    "email_click",
    "email_reply",
    "meeting_booked",
    "demo_request",
    "form_submit",
]
# Events on the company's website: what "website activity" in a reason counts (a pricing visit is one).
WEBSITE_EVENTS = ("page_view", "pricing_page", "careers_page", "form_submit")


# The company-size target range when a policy names none: the shipped policy's, and a bare builder's.
DEFAULT_EMPLOYEES_TARGET = (50, 5000)


@dataclass(frozen=True)
class SignalRules:
    """What derivation needs from the policy: the domains it names, the link limit, the lift events."""

    competitor_domains: frozenset[str]
    own_domains: frozenset[str]
    max_links_in_message: int
    lift_events: tuple[str, ...]


@dataclass(frozen=True)
class Derived:
    """Per-lead parsed values (object arrays of str, float and bool arrays), index-aligned with the table."""

    table: LeadTable
    email_domain: np.ndarray
    domain_class: np.ndarray
    website_domain: np.ndarray
    email_valid: np.ndarray
    seniority: np.ndarray
    function: np.ndarray
    is_student: np.ndarray
    is_job_seeker: np.ndarray
    # False where a given title matched no rule and seniority or function holds the default (individual, other).
    seniority_read: np.ndarray
    function_read: np.ndarray
    name_problem: np.ndarray
    country: np.ndarray
    industry: np.ndarray
    company_type: np.ndarray
    crm: np.ndarray
    message_problem: np.ndarray
    # What the message says beyond spam and swearing: "threat: '…'" / "harassment: '…'", a phishing request,
    # RFP mining ("name: 'words'", '' for none), and whether it speaks of a public tender.
    message_threat: np.ndarray
    message_phishing: np.ndarray
    message_rfp_mining: np.ndarray
    mentions_tender: np.ndarray
    is_generic_role: np.ndarray
    is_solo_title: np.ndarray
    counts: np.ndarray
    days_since_lift_event: np.ndarray
    # Days since the last meaningful event itself, NaN without one: the form that created the lead is no event.
    days_since_meaningful: np.ndarray

    def count(self, event: str) -> np.ndarray:
        """How many events of one type each lead had before its decision time."""
        return self.counts[:, EVENT_CODE[event]]

    def count_of(self, event: str, index: int) -> float:
        """How many events of one type one lead had, as a Python number: `count(event)[index]`."""
        return self.count_rows[index][EVENT_CODE[event]]

    @cached_property
    def count_rows(self) -> list[list[float]]:
        """`counts` as Python lists, one per lead: a reason's words read counts one at a time, and each read
        of the numpy array would box a scalar (one conversion for the batch costs less than three reads)."""
        return self.counts.tolist()

    def count_rows_within(self, windows: tuple[tuple[str, float], ...]) -> list[list[float]]:
        """`counts_within(windows)` as Python lists, one per lead (see `count_rows`)."""
        if not windows:
            return self.count_rows
        return self._by_windows(_COUNT_ROWS_KEYS, windows, lambda: self.counts_within(windows).tolist())

    def counts_within(self, windows: tuple[tuple[str, float], ...]) -> np.ndarray:
        """`counts` with only the events inside their type's intent window; all of them without windows."""
        if not windows:
            return self.counts
        return self._by_windows(_COUNTS_KEYS, windows, lambda: self.table.event_counts(window_days(windows)))

    def _by_windows(self, keys: tuple[str, str], windows: tuple, compute):
        """One answer per batch and window set, kept under `keys` (all answers, the last one).

        Kept in __dict__, not a field: a joined batch (decision.batching) recomputes it from its table. The
        reasons ask once per event of a lead, always with the builder's own tuple, and hashing a tuple of
        windows costs more than the read: the last answer is kept by identity (one tuple, set at once).
        """
        every, latest = keys
        last = self.__dict__.get(latest)
        if last is not None and last[0] is windows:
            return last[1]
        memo = self.__dict__.setdefault(every, {})
        found = memo.get(windows)
        if found is None:
            found = memo[windows] = compute()
        self.__dict__[latest] = (windows, found)
        return found

    @cached_property
    def last_event_ages(self) -> np.ndarray:
        """(n, event types) days since each lead's most recent event of each type, NaN where none."""
        return self.table.last_event_ages()


# Where Derived keeps its answers per window set: every one, and the last one asked for.
_COUNTS_KEYS = ("_counts_within", "_counts_within_last")
_COUNT_ROWS_KEYS = ("_count_rows_within", "_count_rows_within_last")


def _lower(values: list[str]) -> np.ndarray:
    return np.array([v.strip().lower() for v in values], dtype=object)


def derive(table: LeadTable, rules: SignalRules) -> Derived:
    """Parse every text field once, through the cached classifiers in signals."""
    text = table.text
    competitors, own = rules.competitor_domains, rules.own_domains
    email_domains = [signals.email_domain(e) for e in text["email"]]
    readings = [titles.parse_title(t) for t in text["job_title"]]
    max_links = rules.max_links_in_message
    message = text["message"]
    return Derived(
        table=table,
        email_domain=np.array(email_domains, dtype=object),
        domain_class=np.array(
            [signals.classify_domain(d, competitors, own) for d in email_domains], dtype=object
        ),
        website_domain=np.array(
            [signals.registered_domain(w) if w else "" for w in text["website"]], dtype=object
        ),
        # A missing email is a gap, not an invalid one: only a malformed address fails.
        email_valid=np.array([not e or signals.is_valid_email(e) for e in text["email"]], dtype=bool),
        seniority=np.array([t[0] for t in readings], dtype=object),
        function=np.array([t[1] for t in readings], dtype=object),
        is_student=np.array([t[2] for t in readings], dtype=bool),
        is_job_seeker=np.array([t[3] for t in readings], dtype=bool),
        seniority_read=np.array([t.seniority_read for t in readings], dtype=bool),
        function_read=np.array([t.function_read for t in readings], dtype=bool),
        name_problem=np.array(
            [signals.name_problem(f, s) for f, s in zip(text["first_name"], text["last_name"], strict=True)],
            dtype=object,
        ),
        country=np.array([country_code(c) if c else "" for c in text["country"]], dtype=object),
        industry=_lower(text["industry"]),
        company_type=_lower(text["company_type"]),
        crm=_lower(text["crm"]),
        message_problem=np.array(
            [messages.message_problem(m, max_links) if m else "" for m in message], dtype=object
        ),
        message_threat=np.array(messages.threats_and_harassment(message), dtype=object),
        message_phishing=np.array(
            [message_patterns.find_phishing(m) if m else "" for m in message], dtype=object
        ),
        message_rfp_mining=np.array(
            [message_patterns.find_rfp_mining(m) if m else "" for m in message], dtype=object
        ),
        mentions_tender=np.array(
            [bool(m) and message_patterns.mentions_tender(m) for m in message], dtype=bool
        ),
        is_generic_role=np.array(
            [claims.is_generic_role(t) if t else False for t in text["job_title"]], dtype=bool
        ),
        is_solo_title=np.array(
            [claims.is_solo_title(t) if t else False for t in text["job_title"]], dtype=bool
        ),
        counts=table.event_counts(),
        days_since_lift_event=table.days_since(list(rules.lift_events)),
        days_since_meaningful=table.days_since(MEANINGFUL_EVENTS),
    )


def unlisted_class(derived: Derived, i: int) -> str:
    """One lead's email domain class as the model sees it (`unlisted_classes`), for the words about it."""
    cls = derived.domain_class[i]
    if cls in ("competitor", "own"):
        return signals.classify_domain(derived.email_domain[i], frozenset(), frozenset())
    return cls


def unlisted_classes(derived: Derived) -> np.ndarray:
    """Email domain classes as the public lists alone say them: the policy's competitor and own-company lists
    are the gates' business. As a feature they would be a penalty no reason names (a class the model never
    saw once its gate kept such leads out of training) and would change with the policy in force."""
    classes = derived.domain_class
    listed = np.flatnonzero((classes == "competitor") | (classes == "own"))
    if not len(listed):
        return classes
    classes = classes.copy()
    for i in listed.tolist():
        classes[i] = unlisted_class(derived, i)
    return classes
