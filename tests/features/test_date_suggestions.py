"""The date formats suggested for a date column its own date_format does not read, with how many cells each reads."""

from __future__ import annotations

import pytest

from leadgate.features.date_suggestions import date_format_mismatches, format_suggestion
from leadgate.features.mapping import MappingError, parse_mapping

MAPPING = """
name: t
lead_id: {column: Id}
created_at: {column: Created, date_format: "%Y-%m-%d %H:%M"}
custom:
  webinar: {column: Webinar, type: datetime, date_format: "%d.%m.%Y"}
label:
  sql: {column: Won}
  sql_positive: ["1"]
"""


def test_the_formats_reading_most_cells_are_named_with_their_counts():
    cells = ["05/03/2024 14:22", "13/03/2024 09:00", "01/02/2024 10:10", "28/02/2024 18:45"]
    assert format_suggestion(cells, "%Y-%m-%d %H:%M") == (
        "date_format '%Y-%m-%d %H:%M' reads none of 4 sampled cells, not '05/03/2024 14:22'; '%d/%m/%Y %H:%M' "
        "reads 4; '%m/%d/%Y %H:%M' reads 2: declare the one the CRM writes"
    )


def test_day_first_and_month_first_both_reading_every_cell_is_said_to_be_ambiguous():
    cells = ["05/03/2024", "11/03/2024", "01/02/2024"]
    assert format_suggestion(cells, "%Y-%m-%d") == (
        "date_format '%Y-%m-%d' reads none of 3 sampled cells, not '05/03/2024'; both '%d/%m/%Y' (day first) and "
        "'%m/%d/%Y' (month first) read all of them, so the cells do not say which: check one date you know in "
        "the CRM, then declare that date_format"
    )


@pytest.mark.parametrize(
    ("cells", "date_format", "fits"),
    [
        (["2024-03-05T14:22:00Z", "2024-03-05"], "%d/%m/%Y", "ISO 8601 (leave out date_format) reads 2"),
        (["3/5/2024 2:30 PM", "3/15/2024 11:01 AM"], "%d/%m/%Y %H:%M", "'%m/%d/%Y %I:%M %p' reads 2"),
        (["05.03.2024 08:00:10"], None, "'%d.%m.%Y %H:%M:%S' reads 1"),
    ],
)
def test_iso_twelve_hour_clocks_and_seconds_are_among_the_formats_tried(cells, date_format, fits):
    assert fits in format_suggestion(cells, date_format)


def test_a_format_that_reads_its_cells_or_more_than_any_other_suggests_nothing():
    assert format_suggestion(["05.03.2024", "06.03.2024"], "%d.%m.%Y") is None
    assert format_suggestion(["05.03.2024", "unknown"], "%d.%m.%Y") is None  # the row's own fault
    assert format_suggestion(["soon"], "%d.%m.%Y") == (
        "date_format '%d.%m.%Y' reads none of 1 sampled cell, not 'soon', and no common format reads any: "
        "declare the one the CRM writes"
    )


def test_training_names_the_formats_for_created_at_and_a_datetime_custom_field(tmp_path):
    # Walk F9: every row failed "'05/03/2024 14:22' does not match date_format …", nothing said what would.
    from leadgate.training.exports import history_from_export

    mapping = parse_mapping(MAPPING)
    rows = [
        {
            "Id": f"a{i}",
            "Created": f"{1 + i % 28:02d}/03/2024 14:22",
            "Webinar": "2024-03-01",
            "Won": str(i % 2),
        }
        for i in range(60)
    ]
    assert date_format_mismatches(mapping, rows)[1].startswith(
        "custom.webinar (Webinar): date_format '%d.%m.%Y'"
    )
    with pytest.raises(MappingError) as caught:
        history_from_export(rows, mapping)
    assert str(caught.value).splitlines() == [
        "created_at (Created): date_format '%Y-%m-%d %H:%M' reads none of 60 sampled cells, not '01/03/2024 "
        "14:22'; '%d/%m/%Y %H:%M' reads 60; '%m/%d/%Y %H:%M' reads 28: declare the one the CRM writes",
        "custom.webinar (Webinar): date_format '%d.%m.%Y' reads none of 60 sampled cells, not '2024-03-01'; "
        "ISO 8601 (leave out date_format) reads 60; '%Y-%m-%d' reads 60: declare the one the CRM writes",
    ]


def test_scoring_says_the_formats_once_for_the_file_and_each_row_keeps_its_error(caplog):
    import logging

    from leadgate.features.date_suggestions import say_date_formats
    from leadgate.features.export_records import map_rows

    mapping = parse_mapping(MAPPING.split("custom:")[0])
    rows = [{"Id": "a1", "Created": "13/03/2024 14:22"}, {"Id": "a2", "Created": "01/03/2024 10:00"}]
    with caplog.at_level(logging.WARNING):
        say_date_formats(mapping, rows, "new.csv: ")
    assert caplog.messages == [
        "new.csv: created_at (Created): date_format '%Y-%m-%d %H:%M' reads none of 2 sampled cells, not "
        "'13/03/2024 14:22'; '%d/%m/%Y %H:%M' reads 2; '%m/%d/%Y %H:%M' reads 1: declare the one the CRM writes"
    ]
    first, second = map_rows(mapping, rows, outcome=False)
    assert "'13/03/2024 14:22' does not match date_format '%Y-%m-%d %H:%M'" in first[1]
    assert "'01/03/2024 10:00' does not match" in second[1]


def test_dates_written_with_and_without_their_time_count_as_read_by_the_format_with_the_time():
    # Walk W: 2 in 5 cells of Created Date were the date alone (Excel writes a midnight datetime so).
    cells = ["06/12/2025 14:30", "06/12/2025", "13/11/2025 09:05", "14/11/2025"]
    assert format_suggestion(cells, "%d/%m/%Y %H:%M") is None
    assert format_suggestion(cells, "%m/%d/%Y %H:%M") == (
        "date_format '%m/%d/%Y %H:%M' reads 2 of 4 sampled cells, not '13/11/2025 09:05'; '%d/%m/%Y %H:%M' "
        "reads 4: declare the one the CRM writes"
    )


def test_of_a_format_with_a_clock_and_its_date_alone_only_the_one_reading_more_is_named():
    alone = ["13/03/2024", "28/02/2024"]
    assert format_suggestion(alone, None) == (
        "ISO 8601 (no date_format) reads none of 2 sampled cells, not '13/03/2024'; '%d/%m/%Y' reads 2: declare "
        "the one the CRM writes"
    )
    mixed = ["13/03/2024 14:22", "28/02/2024", "14/03/2024 09:00"]
    assert format_suggestion(mixed, None) == (
        "ISO 8601 (no date_format) reads none of 3 sampled cells, not '13/03/2024 14:22'; '%d/%m/%Y %H:%M' "
        "reads 3: declare the one the CRM writes"
    )
