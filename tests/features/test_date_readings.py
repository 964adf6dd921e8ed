"""A scoring mapping's dates against how training read them: said only when a cell reads as another moment."""

from __future__ import annotations

import pytest

from leadgate.features.date_readings import date_reading_changes, date_readings
from leadgate.features.mapping import parse_mapping

MAPPING = """
name: t
lead_id: {column: Id}
created_at: {column: Created, date_format: "%d/%m/%Y %H:%M"}
label:
  sql: {column: Won}
  sql_positive: ["1"]
"""


@pytest.mark.parametrize("scoring", ["%d/%m/%Y", "%d/%m/%Y %H:%M"])
def test_the_same_format_with_or_without_its_time_reads_the_same_dates(scoring):
    # '%d/%m/%Y %H:%M' reads '06/12/2025' as 00:00, as '%d/%m/%Y' does: no cell reads as another moment.
    trained = date_readings(parse_mapping(MAPPING))
    assert date_reading_changes(trained, parse_mapping(MAPPING.replace("%d/%m/%Y %H:%M", scoring))) == []
    trained_alone = date_readings(parse_mapping(MAPPING.replace("%d/%m/%Y %H:%M", "%d/%m/%Y")))
    assert date_reading_changes(trained_alone, parse_mapping(MAPPING)) == []


def test_a_swapped_date_part_is_still_another_reading():
    trained = date_readings(parse_mapping(MAPPING))
    assert date_reading_changes(trained, parse_mapping(MAPPING.replace("%d/%m/%Y %H:%M", "%m/%d/%Y"))) == [
        "Created by date_format '%m/%d/%Y', not '%d/%m/%Y %H:%M'"
    ]
