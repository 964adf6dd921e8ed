"""Validated leads flattened into columns: one layout for one lead and for a million."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timezone

import numpy as np

from leadgate.features.employee_bands import bounds, typical
from leadgate.features.schema import Event, EventType, Lead

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
    # The form's answers (form.answers); a listed answer's items joined by newlines, which they cannot hold.
    "product",
    "deployment",
    "stack",
    "compliance",
)
# employees: one size per lead for the model (a band's middle); employees_low/high: what the lead says, which
# gates and reasons read (a count is both ends, '51-200' is 51 and 200, '10001+' has an infinite top).
NUMBER_COLUMNS = (
    "employees_low",
    "employees_high",
    "annual_revenue",
    "seconds_on_form",
    "cost",
    "created_days",
    "scored_days",
    "employees",
)


@dataclass(frozen=True)
class LeadTable:
    """Columns of n leads plus their events as flat arrays (lead index, type code, age in days)."""

    text: dict[str, list[str]]
    numbers: dict[str, np.ndarray]
    event_lead: np.ndarray
    event_type: np.ndarray
    event_age_days: np.ndarray
    custom: list[dict]  # each lead's `custom` values, as sent

    @property
    def n(self) -> int:
        """Number of leads."""
        return len(self.text["lead_id"])

    def event_counts(self, windows: np.ndarray | None = None) -> np.ndarray:
        """(n, event types) matrix of how often each event happened before the decision time.

        `windows` (days by type code, inf for none) counts only events at most that many days old.
        """
        flat = self.event_lead * len(EVENT_TYPES) + self.event_type
        if windows is not None:
            flat = flat[self.event_age_days <= windows[self.event_type]]
        counts = np.bincount(flat, minlength=self.n * len(EVENT_TYPES))
        return counts.reshape(self.n, len(EVENT_TYPES)).astype(np.float64)

    def last_event_ages(self) -> np.ndarray:
        """(n, event types) days since the most recent event of each type, NaN where there was none."""
        result = np.full(self.n * len(EVENT_TYPES), np.inf)
        np.minimum.at(result, self.event_lead * len(EVENT_TYPES) + self.event_type, self.event_age_days)
        result[np.isinf(result)] = np.nan
        return result.reshape(self.n, len(EVENT_TYPES))

    def days_since(self, types: list[str]) -> np.ndarray:
        """Days since the most recent event of any of these types, NaN when there was none."""
        result = np.full(self.n, np.inf)
        # A lookup table, not np.isin: isin sorts on every call, which costs ~70 µs for a single lead.
        wanted = np.zeros(len(EVENT_TYPES), dtype=bool)
        wanted[[EVENT_CODE[t] for t in types]] = True
        mask = wanted[self.event_type]
        np.minimum.at(result, self.event_lead[mask], self.event_age_days[mask])
        result[np.isinf(result)] = np.nan
        return result

    def decayed_sum(
        self, weights: dict[str, float], half_life_days: float, windows: np.ndarray | None = None
    ) -> np.ndarray:
        """Sum of event weights, each halved for every half-life since it happened (within `windows`, if given)."""
        weight_by_code = np.zeros(len(EVENT_TYPES))
        for name, weight in weights.items():
            weight_by_code[EVENT_CODE[name]] = weight
        contributions = weight_by_code[self.event_type] * np.exp2(-self.event_age_days / half_life_days)
        if windows is not None:
            contributions = np.where(self.event_age_days <= windows[self.event_type], contributions, 0.0)
        return np.bincount(self.event_lead, weights=contributions, minlength=self.n)


def window_days(windows: tuple[tuple[str, float], ...]) -> np.ndarray | None:
    """Intent window by event type code (inf where a type has none); None when there are no windows."""
    if not windows:
        return None
    days = np.full(len(EVENT_TYPES), np.inf)
    for event, window in windows:
        days[EVENT_CODE[event]] = window
    return days


def _seconds(moment: datetime) -> float:
    # Events skip per-item validators (they cost ~20% of parsing), so naive times are made UTC here.
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


# The tzinfo class pydantic gives parsed offsets ("Z", "+02:00"); like datetime.timezone, a fixed offset.
_PARSED_TZ = type(Event(type=EventType.page_view, at="2000-01-01T00:00:00Z").at.tzinfo)
_FIXED_OFFSET_TYPES = (timezone, _PARSED_TZ)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def epoch_seconds(moments: list[datetime]) -> np.ndarray:
    """Seconds since the epoch of each moment, exactly as `.timestamp()` gives them (naive ones as UTC)."""
    # Two datetimes sharing one tzinfo object subtract without calling utcoffset(), most of what
    # .timestamp() costs, and pydantic shares one tzinfo per parsed offset. That is exact only for a fixed
    # offset; moments in any other tzinfo still subtract correctly, through utcoffset().
    epoch = _EPOCH
    if moments and isinstance(moments[0].tzinfo, _FIXED_OFFSET_TYPES):
        epoch = _EPOCH.astimezone(moments[0].tzinfo)
    try:
        # total_seconds(): whole microseconds over a million, exactly what dividing by one second gives, faster.
        return np.array([(moment - epoch).total_seconds() for moment in moments], dtype=np.float64)
    except TypeError:  # a naive moment cannot be subtracted from an aware one
        return np.array([_seconds(moment) for moment in moments], dtype=np.float64)


def build_table(leads: list[Lead], now: datetime | None = None) -> LeadTable:
    """Flatten validated leads; events after a lead's decision time (scored_at or now) are dropped."""
    now = now or datetime.now(UTC)
    text_rows: list[tuple] = []
    number_rows: list[tuple] = []
    created: list[datetime] = []
    scored: list[datetime] = []
    event_counts: list[int] = []
    event_times: list[datetime] = []
    event_type: list[int] = []
    customs: list[dict] = []
    banded = False
    code = EVENT_CODE
    for lead in leads:
        customs.append(lead.custom)
        contact, company, form, source = lead.contact, lead.company, lead.form, lead.source
        answers = form.answers
        text_rows.append(
            (
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
                answers.product,
                answers.deployment,
                "\n".join(answers.stack),
                "\n".join(answers.compliance),
            )
        )
        employees = company.employees
        low = high = employees
        if isinstance(employees, str):
            low, high = bounds(employees)
            banded = True
        number_rows.append(
            (
                low,
                high,
                company.annual_revenue,
                form.seconds_on_form,
                source.cost,
            )
        )
        created.append(lead.created_at)
        scored.append(lead.scored_at or now)
        events = lead.events
        event_counts.append(len(events))
        for event in events:
            event_times.append(event.at)
            event_type.append(code[event.type])
    # Transposed once for the batch: one column per field, None as "" (text) or NaN (numbers).
    text_columns = list(zip(*text_rows, strict=True)) or [()] * len(TEXT_COLUMNS)
    text = {
        name: ["" if value is None else str(value) for value in column]
        for name, column in zip(TEXT_COLUMNS, text_columns, strict=True)
    }
    measured = np.array(number_rows, dtype=np.float64).reshape(len(leads), len(NUMBER_COLUMNS) - 3).T.copy()
    numbers = dict(zip(NUMBER_COLUMNS[:-3], measured, strict=True))
    # Most batches hold no band: their size is the count itself (a copy, so no column aliases another).
    low = numbers["employees_low"]
    numbers["employees"] = typical(low, numbers["employees_high"]) if banded else low.copy()
    # The batch's moments the way events' are read (epoch_seconds: exactly .timestamp()), then in days.
    numbers["created_days"] = epoch_seconds(created) / _DAY
    numbers["scored_days"] = epoch_seconds(scored) / _DAY
    event_lead = np.repeat(np.arange(len(leads), dtype=np.int64), event_counts)
    age = numbers["scored_days"][event_lead] - epoch_seconds(event_times) / _DAY
    kept = age >= 0  # activity after the decision time did not exist yet
    return LeadTable(
        text=text,
        numbers=numbers,
        event_lead=event_lead[kept],
        event_type=np.asarray(event_type, dtype=np.int64)[kept],
        event_age_days=age[kept],
        custom=customs,
    )
