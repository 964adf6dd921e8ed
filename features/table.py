"""Validated leads flattened into columns: one layout for one lead and for a million."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from features.schema import EventType, Lead

EVENT_TYPES: tuple[str, ...] = tuple(e.value for e in EventType)
_EVENT_CODE = {name: code for code, name in enumerate(EVENT_TYPES)}
_DAY = 86_400.0

TEXT_COLUMNS = (
    "lead_id",
    "first_name",
    "last_name",
    "email",
    "job_title",
    "company_name",
    "website",
    "industry",
    "country",
    "company_type",
    "crm",
    "inquiry_type",
    "message",
    "honeypot",
    "channel",
    "campaign",
    "ip",
)
NUMBER_COLUMNS = ("employees", "annual_revenue", "seconds_on_form", "cost", "created_days", "scored_days")


@dataclass(frozen=True)
class LeadTable:
    """Columns of n leads plus their events as flat arrays (lead index, type code, age in days)."""

    text: dict[str, list[str]]
    numbers: dict[str, np.ndarray]
    event_lead: np.ndarray
    event_type: np.ndarray
    event_age_days: np.ndarray

    @property
    def n(self) -> int:
        """Number of leads."""
        return len(self.text["lead_id"])

    def event_counts(self) -> np.ndarray:
        """(n, event types) matrix of how often each event happened before the decision time."""
        flat = self.event_lead * len(EVENT_TYPES) + self.event_type
        counts = np.bincount(flat, minlength=self.n * len(EVENT_TYPES))
        return counts.reshape(self.n, len(EVENT_TYPES)).astype(np.float64)

    def days_since(self, types: list[str]) -> np.ndarray:
        """Days since the most recent event of any of these types, NaN when there was none."""
        result = np.full(self.n, np.inf)
        mask = np.isin(self.event_type, [_EVENT_CODE[t] for t in types])
        np.minimum.at(result, self.event_lead[mask], self.event_age_days[mask])
        result[np.isinf(result)] = np.nan
        return result

    def decayed_sum(self, weights: dict[str, float], half_life_days: float) -> np.ndarray:
        """Sum of event weights, each halved for every half-life since it happened."""
        weight_by_code = np.zeros(len(EVENT_TYPES))
        for name, weight in weights.items():
            weight_by_code[_EVENT_CODE[name]] = weight
        contributions = weight_by_code[self.event_type] * np.exp2(-self.event_age_days / half_life_days)
        return np.bincount(self.event_lead, weights=contributions, minlength=self.n)


def _texts(values) -> list[str]:
    # StrEnum members are str already; None becomes the empty string every check treats as missing.
    return ["" if value is None else value for value in values]


def _numbers(values) -> np.ndarray:
    return np.array(list(values), dtype=np.float64)  # None -> NaN


def _seconds(moment: datetime) -> float:
    return (moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)).timestamp()


def build_table(leads: list[Lead], now: datetime | None = None) -> LeadTable:
    """Flatten validated leads column by column; events after a lead's decision time (scored_at or now) are
    dropped. Column-wise comprehensions and one vectorized pass over events keep this ~10 µs a lead."""
    now_seconds = (now or datetime.now(UTC)).timestamp()
    contacts = [lead.contact for lead in leads]
    companies = [lead.company for lead in leads]
    forms = [lead.form for lead in leads]
    sources = [lead.source for lead in leads]
    text = {
        "lead_id": [lead.lead_id for lead in leads],
        "first_name": _texts(c.first_name for c in contacts),
        "last_name": _texts(c.last_name for c in contacts),
        "email": _texts(c.email for c in contacts),
        "job_title": _texts(c.job_title for c in contacts),
        "company_name": _texts(c.name for c in companies),
        "website": _texts(c.website for c in companies),
        "industry": _texts(c.industry for c in companies),
        "country": _texts(c.country for c in companies),
        "company_type": _texts(c.company_type for c in companies),
        "crm": _texts(c.crm for c in companies),
        "inquiry_type": _texts(f.inquiry_type for f in forms),
        "message": _texts(f.message for f in forms),
        "honeypot": _texts(f.honeypot for f in forms),
        "channel": _texts(s.channel for s in sources),
        "campaign": _texts(s.campaign for s in sources),
        "ip": _texts(s.ip for s in sources),
    }
    scored_seconds = _numbers(_seconds(lead.scored_at) if lead.scored_at else now_seconds for lead in leads)
    numbers = {
        "employees": _numbers(c.employees for c in companies),
        "annual_revenue": _numbers(c.annual_revenue for c in companies),
        "seconds_on_form": _numbers(f.seconds_on_form for f in forms),
        "cost": _numbers(s.cost for s in sources),
        "created_days": _numbers(lead.created_at.timestamp() for lead in leads) / _DAY,
        "scored_days": scored_seconds / _DAY,
    }
    events = [event for lead in leads for event in lead.events]
    event_lead = np.repeat(np.arange(len(leads), dtype=np.int64), [len(lead.events) for lead in leads])
    event_type = np.fromiter((_EVENT_CODE[e.type] for e in events), dtype=np.int64, count=len(events))
    at = np.fromiter((_seconds(e.at) for e in events), dtype=np.float64, count=len(events))
    age = (scored_seconds[event_lead] - at) / _DAY
    known = age >= 0  # activity after the decision time did not exist yet
    return LeadTable(
        text=text,
        numbers=numbers,
        event_lead=event_lead[known],
        event_type=event_type[known],
        event_age_days=age[known],
    )
