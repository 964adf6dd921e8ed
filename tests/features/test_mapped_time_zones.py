"""Export times in the CRM's time zone: a mapping's or a column's `timezone` for times written without an offset."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest

from leadgate.features.cells import cell_text
from leadgate.features.export_records import map_rows
from leadgate.features.mapping import MappingError, parse_mapping
from leadgate.features.schema import parse_lead
from leadgate.training.exports import history_from_export

# A HubSpot portal set to US Pacific time writes its dates in that zone, unmarked.
MAPPING = """
name: hubspot_portal
timezone: America/Los_Angeles
lead_id: {column: Record ID}
created_at: {column: Create Date, date_format: "%Y-%m-%d %H:%M"}
custom:
  last_activity: {column: Last Activity Date, type: datetime}
  webinar: {column: Webinar Registered, type: datetime, date_format: epoch_ms}
  quote_sent: {column: Quote Sent, type: datetime, date_format: excel}
  form_seen: {column: Form Seen, type: datetime, timezone: Europe/Berlin}
label:
  sql: {column: Lifecycle Stage}
  sql_positive: [salesqualifiedlead]
"""


def _row(**values) -> dict:
    row = {
        "Record ID": "1001",
        "Create Date": "2025-03-04 14:22",
        "Last Activity Date": "2025-03-04T18:00:00Z",
        "Webinar Registered": "1741046400000",
        "Quote Sent": "45720.5",
        "Form Seen": "2025-03-04 09:00",
        "Lifecycle Stage": "lead",
    }
    return {**row, **values}


def _utc(record: dict, *path: str) -> datetime:
    value = record
    for key in path:
        value = value[key]
    return datetime.fromisoformat(value).astimezone(UTC)


def test_times_without_an_offset_are_in_the_mappings_zone_and_times_with_one_keep_it():
    [(_, record)] = map_rows(parse_mapping(MAPPING), [_row()])
    assert record["created_at"] == "2025-03-04T14:22:00-08:00"  # 22:22 UTC, not 14:22 UTC
    assert _utc(record, "created_at") == datetime(2025, 3, 4, 22, 22, tzinfo=UTC)
    custom = record["custom"]
    assert _utc(custom, "last_activity") == datetime(2025, 3, 4, 18, 0, tzinfo=UTC)  # its own Z kept
    # Unix time is UTC by definition: the mapping's zone does not move it.
    assert _utc(custom, "webinar") == datetime(2025, 3, 4, 0, 0, tzinfo=UTC)
    # Excel's serial days are the sheet's wall clock: noon in Los Angeles.
    assert custom["quote_sent"] == "2025-03-04T12:00:00-08:00"
    # A column's own zone wins over the mapping's.
    assert custom["form_seen"] == "2025-03-04T09:00:00+01:00"
    parse_lead({k: v for k, v in record.items() if k != "outcome"})


def test_without_a_timezone_times_without_an_offset_stay_utc():
    plain = MAPPING.replace("timezone: America/Los_Angeles\n", "")
    [(_, record)] = map_rows(parse_mapping(plain), [_row()])
    assert record["created_at"] == "2025-03-04T14:22:00+00:00"
    assert record["custom"]["quote_sent"] == "2025-03-04T12:00:00+00:00"


def test_clock_changes_read_the_same_way_every_time():
    mapping = parse_mapping(MAPPING)
    # 02:30 on 9 March 2025 never happened in Los Angeles (clocks went 02:00 -> 03:00): read with the offset
    # before the change (PST); 01:30 on 2 November happened twice: read as the first, still summer time (PDT).
    results = map_rows(
        mapping, [_row(**{"Create Date": "2025-03-09 02:30"}), _row(**{"Create Date": "2025-11-02 01:30"})]
    )
    [(_, skipped), (_, repeated)] = results
    assert _utc(skipped, "created_at") == datetime(2025, 3, 9, 10, 30, tzinfo=UTC)
    assert _utc(repeated, "created_at") == datetime(2025, 11, 2, 8, 30, tzinfo=UTC)


def test_a_typed_tables_timestamps_without_a_zone_are_in_the_mappings_zone_too():
    naive = cell_text(pd.Timestamp("2025-03-04 14:22"))
    aware = cell_text(pd.Timestamp("2025-03-04 14:22", tz="UTC"))
    [(_, record), (_, kept)] = map_rows(
        parse_mapping(MAPPING), [_row(**{"Create Date": naive}), _row(**{"Create Date": aware})]
    )
    assert _utc(record, "created_at") == datetime(2025, 3, 4, 22, 22, tzinfo=UTC)
    assert _utc(kept, "created_at") == datetime(2025, 3, 4, 14, 22, tzinfo=UTC)


def test_leads_a_pacific_portal_created_in_the_evening_are_ordered_by_their_real_moment():
    # 23:30 in Los Angeles on 4 March is 07:30 UTC on 5 March: after a lead exported with a UTC offset at 05:00.
    rows = [
        _row(**{"Record ID": str(i), "Lifecycle Stage": "salesqualifiedlead" if i % 2 else "lead"})
        for i in range(4)
    ]
    rows[0]["Create Date"] = "2025-03-04 23:30"
    rows[1]["Create Date"] = "2025-03-05 00:10"
    mapping = MAPPING.replace('date_format: "%Y-%m-%d %H:%M"', "type: datetime")
    rows[2]["Create Date"] = "2025-03-05T05:00:00Z"
    rows[3]["Create Date"] = "2025-03-04T20:00:00"
    history = history_from_export(rows, parse_mapping(mapping)).history
    created = {lead.lead_id: lead.created_at for lead in history.leads}
    assert created["0"] == datetime(2025, 3, 5, 7, 30, tzinfo=UTC)
    assert [lead.lead_id for lead in history.leads] == ["3", "2", "0", "1"]


@pytest.mark.parametrize(
    ("zone", "said"),
    [
        ("Europe/Berln", "'Europe/Berln' is not an IANA time zone name such as Europe/Berlin or "),
        ("Europe/Berln", "(did you mean 'Europe/Berlin'?)"),
        ("europe/berlin", "(did you mean 'Europe/Berlin'?)"),
        ("Berlin", "(did you mean 'Europe/Berlin'?)"),
        ("PST", "name the place, not the abbreviation (America/Los_Angeles for PST and PDT)"),
        ("localtime", "the zone of the machine running leadgate"),
        # Known to zoneinfo, but as fixed offsets: New York as EST would be an hour off all summer.
        ("EST", "'EST' is a fixed offset without daylight saving: name the place (America/New_York, or"),
        ("MST", "(America/Denver, or America/Phoenix for MST all year)"),
        ("America", "'America' is not an IANA time zone name"),
    ],
)
def test_an_unknown_zone_is_refused_when_the_mapping_loads_naming_it(zone, said):
    with pytest.raises(MappingError) as refused:
        parse_mapping(MAPPING.replace("America/Los_Angeles", zone))
    assert "\n  timezone: " in str(refused.value)
    assert said in str(refused.value)
    with pytest.raises(MappingError) as per_column:
        parse_mapping(MAPPING.replace("Europe/Berlin", zone))
    assert "\n  custom.form_seen.timezone: " in str(per_column.value) and said in str(per_column.value)


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("{column: Score, type: number, timezone: UTC}", "timezone applies to type: datetime, not number"),
        (
            "{column: Seen, type: datetime, date_format: epoch_s, timezone: Europe/Berlin}",
            r"Unix time \(epoch_s\) counts from 1970-01-01 UTC and has no time zone: drop timezone",
        ),
    ],
)
def test_a_column_timezone_that_would_be_ignored_is_refused(rule, message):
    with pytest.raises(MappingError, match=message):
        parse_mapping(MAPPING.replace("custom:\n", f"custom:\n  other: {rule}\n"))
