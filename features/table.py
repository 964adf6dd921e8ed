"""Validated leads flattened into columns: one layout for one lead and for a million."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from features.schema import EventType, Lead

EVENT_TYPES: tuple[str, ...] = tuple(e.value for e in EventType)
EVENT_CODE = {name: code for code, name in enumerate(EVENT_TYPES)}
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
        mask = np.isin(self.event_type, [EVENT_CODE[t] for t in types])
        np.minimum.at(result, self.event_lead[mask], self.event_age_days[mask])
        result[np.isinf(result)] = np.nan
        return result

    def decayed_sum(self, weights: dict[str, float], half_life_days: float) -> np.ndarray:
        """Sum of event weights, each halved for every half-life since it happened."""
        weight_by_code = np.zeros(len(EVENT_TYPES))
        for name, weight in weights.items():
            weight_by_code[EVENT_CODE[name]] = weight
        contributions = weight_by_code[self.event_type] * np.exp2(-self.event_age_days / half_life_days)
        return np.bincount(self.event_lead, weights=contributions, minlength=self.n)


def _days(moment: datetime) -> float:
    # Events skip per-item validators (they cost ~20% of parsing), so naive times are made UTC here.
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp() / _DAY


def build_table(leads: list[Lead], now: datetime | None = None) -> LeadTable:
    """Flatten validated leads; events after a lead's decision time (scored_at or now) are dropped."""
    now_days = _days(now or datetime.now(UTC))
    text: dict[str, list[str]] = {name: [] for name in TEXT_COLUMNS}
    numbers: dict[str, list[float]] = {name: [] for name in NUMBER_COLUMNS}
    event_lead: list[int] = []
    event_type: list[int] = []
    event_age: list[float] = []
    nan = float("nan")
    for index, lead in enumerate(leads):
        contact, company, form, source = lead.contact, lead.company, lead.form, lead.source
        row_text = (
            lead.lead_id,
            contact.first_name,
            contact.last_name,
            contact.email,
            contact.job_title,
            company.name,
            company.website,
            company.industry,
            company.country,
            company.company_type,
            company.crm,
            form.inquiry_type,
            form.message,
            form.honeypot,
            source.channel,
            source.campaign,
            source.ip,
        )
        for name, value in zip(TEXT_COLUMNS, row_text, strict=True):
            text[name].append("" if value is None else str(value))
        scored = _days(lead.scored_at) if lead.scored_at else now_days
        row_numbers = (
            company.employees,
            company.annual_revenue,
            form.seconds_on_form,
            source.cost,
            _days(lead.created_at),
            scored,
        )
        for name, value in zip(NUMBER_COLUMNS, row_numbers, strict=True):
            numbers[name].append(nan if value is None else float(value))
        for event in lead.events:
            age = scored - _days(event.at)
            if age >= 0:  # activity after the decision time did not exist yet
                event_lead.append(index)
                event_type.append(EVENT_CODE[event.type])
                event_age.append(age)
    return LeadTable(
        text=text,
        numbers={name: np.asarray(values, dtype=np.float64) for name, values in numbers.items()},
        event_lead=np.asarray(event_lead, dtype=np.int64),
        event_type=np.asarray(event_type, dtype=np.int64),
        event_age_days=np.asarray(event_age, dtype=np.float64),
    )
