from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from leadgate.features.schema import Event
from leadgate.features.table import EVENT_TYPES, build_table, epoch_seconds
from tests.factories import events, make_lead


def parsed(*times: str) -> list[datetime]:
    """Times as pydantic parses them from JSON (one shared tzinfo object per offset)."""
    return [Event(type="page_view", at=at).at for at in times]


PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    "moments",
    [
        parsed("2026-03-29T00:30:00Z", "2026-10-25T03:00:00.000001Z", "1969-12-31T23:59:59Z"),
        parsed("2026-03-29T03:30:00+02:00", "2026-03-29T00:30:00Z", "2026-01-01T00:00:00-05:30"),
        [datetime(2026, 3, 29, 1, 30, tzinfo=timezone(timedelta(hours=-3)))] * 2,
        # A zone with DST: the same tzinfo object on both sides of a change must not shortcut the offset.
        [datetime(2026, 3, 28, 12, tzinfo=PARIS), datetime(2026, 3, 29, 12, tzinfo=PARIS)],
        [*parsed("2026-03-28T12:00:00Z"), datetime(2026, 3, 29, 12, tzinfo=PARIS)],
        [datetime(2026, 3, 29, 12, tzinfo=PARIS), *parsed("2026-03-28T12:00:00+01:00")],
    ],
)
def test_epoch_seconds_equal_timestamp_exactly(moments):
    assert epoch_seconds(moments).tolist() == [m.timestamp() for m in moments]


def test_naive_moments_are_taken_as_utc():
    naive = datetime(2026, 11, 2, 9, 30)
    moments = [*parsed("2026-11-01T00:00:00Z"), naive]
    assert epoch_seconds(moments).tolist() == [moments[0].timestamp(), naive.replace(tzinfo=UTC).timestamp()]
    assert epoch_seconds([]).shape == (0,)


def test_events_after_the_decision_time_are_dropped_and_ages_are_in_days():
    lead = make_lead(
        scored_at="2026-11-03T09:00:00Z",
        events=events(
            ("demo_request", "2026-11-01T09:00:00Z"),
            ("pricing_page", "2026-11-04T09:00:00Z"),  # after scored_at
            ("email_open", "2026-11-03T03:00:00-06:00"),  # 09:00 UTC: exactly at the decision time
        ),
    )
    table = build_table([make_lead(events=[]), lead])
    assert table.event_lead.tolist() == [1, 1]
    assert table.event_age_days.tolist() == [2.0, 0.0]
    assert table.event_counts()[1].sum() == 2 and table.event_counts()[0].sum() == 0


def test_missing_values_become_empty_text_and_nan():
    table = build_table([make_lead(company={"employees": None, "industry": None, "company_type": "b2c"})])
    assert table.text["industry"] == [""] and table.text["company_type"] == ["b2c"]
    assert type(table.text["company_type"][0]) is str
    assert np.isnan(table.numbers["employees"][0]) and table.numbers["annual_revenue"][0] == 60_000_000


def test_an_empty_batch_has_empty_columns():
    table = build_table([])
    assert table.n == 0 and all(len(column) == 0 for column in table.numbers.values())
    assert table.event_counts().shape == (0, len(EVENT_TYPES))
