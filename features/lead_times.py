"""When a lead's times may be: not more than a day after now, not before 1990, never a number; its events
checked in one pass."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, ValidationInfo

from leadgate.features.schema_types import (
    NUMBER_TEXT,
    PastTheCalendar,
    as_utc,
    field_error,
    from_store,
    not_a_number,
)

# A lead cannot be decided before it exists. A day's slack lets a sender whose clock runs ahead, or who labels
# local time as UTC (up to 14 hours off), through: decided at once, the lead counts as just arrived.
FUTURE_SLACK = timedelta(days=1)
# No lead or activity a CRM holds predates web forms and CRMs (about 1990). An earlier date is a system's zero
# date written where the date was missing: 0001-01-01 (.NET, Go), 1899-12-30 or 1900-01-01 (Excel, SQL Server),
# 1970-01-01 (Unix), 1980-01-01 (DOS); decided on, it would make the lead decades stale.
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)


def _shown(moment: datetime) -> str:
    # As its UTC moment, which the rules compare ("1990-01-01T00:00:00+14:00 is before 1990-01-01" reads
    # false); as sent where UTC cannot hold it (0001-01-01T00:00:00+14:00), which is as true of it.
    try:
        return as_utc(moment).isoformat()
    except PastTheCalendar:
        return moment.isoformat()


def too_late(moment: datetime, now: datetime) -> str | None:
    """Why `moment` (aware) cannot be a lead's time when it is decided at `now` (its latest decision moment)."""
    if moment > now + FUTURE_SLACK:
        return (
            f"{_shown(moment)} is more than a day after now ({now.isoformat(timespec='seconds')}): a lead is "
            "decided when it arrives, so nothing about it can be dated later; check the sender's clock and time zone"
        )
    return None


def too_early(moment: datetime) -> str | None:
    """Why `moment` (aware) cannot be a lead's time: before EARLIEST, a system's zero date."""
    if moment < EARLIEST:
        return (
            f"{_shown(moment)} is before {EARLIEST.date().isoformat()}: a placeholder for a missing date "
            "(a system's zero date), not when it happened"
        )
    return None


def in_lead_time(moment: datetime | None, info: ValidationInfo) -> datetime | None:
    """Validator of a time about a lead (its creation, an outcome): refused too late or too early, in words."""
    if moment is None or from_store(info):  # accepted when it arrived: re-read, not judged again
        return moment
    problem = too_late(moment, datetime.now(UTC)) or too_early(moment)
    if problem:
        raise ValueError(problem)
    return moment


def _lead_utc(value: datetime, info: ValidationInfo) -> datetime:
    # Moment's as_utc, but a time UTC cannot hold is refused in the words of the rule it breaks, as a time a
    # minute within the calendar is: year 1 at +14:00 is before 1990 as surely as year 1 at -12:00.
    try:
        moment = as_utc(value)
    except PastTheCalendar:
        if from_store(info):
            raise
        raise ValueError(too_late(value, datetime.now(UTC)) or too_early(value)) from None
    return in_lead_time(moment, info)


# A time about a lead as it arrives: a Moment no more than a day after now and not before EARLIEST.
LeadMoment = Annotated[datetime, BeforeValidator(not_a_number), AfterValidator(_lead_utc)]


def _event_time_problem(event, now: datetime) -> str | None:
    """Why one validated event's time cannot be (out of range, too late, too early), or None."""
    at = event.at if event.at.tzinfo is not None else event.at.replace(tzinfo=UTC)
    return too_late(at, now) or too_early(at)


# A date whose every moment, in any UTC offset (under a day), is at or after EARLIEST.
_SURELY_NOT_TOO_EARLY = (EARLIEST.date() + timedelta(days=1)).isoformat()


def events_in_time(events, handler, info: ValidationInfo):
    """Wrap validator of a lead's events: no time written as a number, none too late or too early (see above)."""
    # Moment's rules for a list of events, in one loop: per-event validators cost ~1.7 µs an event. Comparing
    # a parsed time costs ~1 µs too (pydantic's time zones), so the text's date settles nearly every event:
    # two days before today's, and after EARLIEST's, it is in range whatever its offset; others are checked.
    now = datetime.now(UTC)
    surely_not_too_late = (now.date() - timedelta(days=2)).isoformat()
    unsure: list[int] | None = None
    if isinstance(events, list):
        unsure = []
        for index, event in enumerate(events):
            at = event.get("at") if isinstance(event, dict) else None
            if isinstance(at, str) and at[4:5] == at[7:8] == "-":  # a date: no number, settled by its text
                if not _SURELY_NOT_TOO_EARLY <= at[:10] <= surely_not_too_late:
                    unsure.append(index)
                continue
            if (isinstance(at, int | float) and not isinstance(at, bool)) or (
                isinstance(at, str) and NUMBER_TEXT.match(at)
            ):  # "1764000000" would be read as seconds since 1970, as created_at's Moment refuses
                raise field_error((index, "at"), f"expected an ISO 8601 timestamp, not a number ({at!r})", at)
            unsure.append(index)
    validated = handler(events)
    if from_store(info):  # accepted when it arrived: re-read, not judged again
        return validated
    for index in range(len(validated)) if unsure is None else unsure:
        # A future event would be stored, ignored now, and take effect later unseen.
        problem = _event_time_problem(validated[index], now)
        if problem:
            raise field_error((index, "at"), problem, validated[index].at)
    return validated
