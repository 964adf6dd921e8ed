"""Export dates through a mapping: numeric date formats, numbers refused without one, formats checked at load."""

from __future__ import annotations

import pytest

from leadgate.features.export_records import map_rows
from leadgate.features.mapping import MappingError, parse_mapping
from leadgate.features.schema import LeadValidationError, parse_lead

MAPPING = """
name: t
lead_id: {column: Id}
created_at: {column: Created, type: datetime, date_format: excel}
custom:
  webinar: {column: Webinar, type: datetime, date_format: epoch_ms}
  seen: {column: Seen, type: datetime, date_format: epoch_s}
label:
  sql: {column: Won}
  sql_positive: ["1"]
"""


def _row(**values) -> dict:
    row = {"Id": "a1", "Created": "45658.5", "Webinar": "1764979200000", "Seen": "1764979200", "Won": "0"}
    return {**row, **values}


def test_excel_serial_days_and_unix_epochs_are_read_as_declared():
    [(_, record)] = map_rows(parse_mapping(MAPPING), [_row()])
    assert record["created_at"] == "2025-01-01T12:00:00+00:00"  # Excel serial 45658 is 1 January 2025
    assert record["custom"] == {"webinar": "2025-12-06T00:00:00+00:00", "seen": "2025-12-06T00:00:00+00:00"}
    parse_lead({k: v for k, v in record.items() if k != "outcome"})


def test_numeric_text_without_a_numeric_format_is_the_rows_error_naming_the_formats():
    iso = MAPPING.replace(", date_format: excel", "").replace(", date_format: epoch_ms", "")
    [(number, problem)] = map_rows(parse_mapping(iso), [_row(Created="45901.00046")])
    assert number == 2
    assert problem.startswith("row 2 (Id a1): Created: '45901.00046' is a number, not an ISO 8601 date")
    # Only the formats that read it as a date from 1990 on are suggested.
    assert problem.endswith("declare the column's date_format as excel (serial days: 2025-09-01)")
    [(_, webinar)] = map_rows(parse_mapping(iso), [_row(Created="2025-01-01")])
    assert webinar.startswith("row 2 (Id a1): Webinar: '1764979200000' is a number")


def test_a_score_declared_a_date_is_asked_about_its_type_and_never_read_as_a_1900_date():
    # Walk V: a 0-100 score declared datetime was told to declare excel; following that read 39 as 1900-02-07
    # and trained silently ('6sense score: 46,302 days ago').
    mapping = parse_mapping(
        MAPPING.replace("custom:\n", "custom:\n  score: {column: Score, type: datetime}\n")
    )
    [(_, problem)] = map_rows(mapping, [_row(Score="39")])
    assert problem == (
        "row 2 (Id a1): Score: '39' is a number, not an ISO 8601 date: read as excel serial days or Unix time it "
        "is no date from 1990 on: is the column's type right (type: number for a score or a count)?"
    )
    for fmt in ("excel", "epoch_s"):
        rule = f"custom:\n  score: {{column: Score, type: datetime, date_format: {fmt}}}\n"
        [(_, problem)] = map_rows(parse_mapping(MAPPING.replace("custom:\n", rule)), [_row(Score="39")])
        assert problem.startswith(f"row 2 (Id a1): Score: '39' read by date_format {fmt} is 19")
        assert problem.endswith(
            "before 1990-01-01: a number that is no date (a score, a count: is the column's type right?), or a "
            "system's zero date (list it in the mapping's placeholders)"
        )


def test_a_created_at_column_is_a_date_even_without_its_type():
    untyped = MAPPING.replace("type: datetime, date_format: excel", 'date_format: "%d/%m/%Y %H:%M"')
    [(_, record)] = map_rows(parse_mapping(untyped), [_row(Created="01/03/2025 00:19")])
    assert record["created_at"] == "2025-03-01T00:19:00+00:00"
    # Without a format a number is refused there too, never read as seconds since 1970.
    bare = MAPPING.replace(", type: datetime, date_format: excel", "")
    [(_, problem)] = map_rows(parse_mapping(bare), [_row(Created="45901")])
    assert problem.startswith("row 2 (Id a1): Created: '45901' is a number")


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            "{column: Score, type: number, date_format: excel}",
            "date_format applies to type: datetime, not number",
        ),
        ('{column: Seen, date_format: "%d.%m.%Y"}', "date_format applies to type: datetime, not category"),
        ('{column: Seen, type: datetime, date_format: "%Y-%m-%d%Q"}', "unknown directive %Q"),
        ('{column: Seen, type: datetime, date_format: "%Y-%m-%d %"}', "ends with a lone %"),
    ],
)
def test_a_date_format_that_would_be_ignored_or_fail_every_row_is_refused_when_the_mapping_loads(
    rule, message
):
    with pytest.raises(MappingError, match=message):
        parse_mapping(MAPPING.replace("custom:\n", f"custom:\n  other: {rule}\n"))


def test_the_lead_schema_refuses_a_number_written_as_text_for_a_time():
    for text in ("45901", "45901.00046", "1764979200000", "1e9"):
        with pytest.raises(
            LeadValidationError, match="created_at: expected an ISO 8601 timestamp, not a number"
        ):
            parse_lead({"lead_id": "a", "created_at": text})
    assert parse_lead({"lead_id": "a", "created_at": "2025-01-01"}).created_at.year == 2025


def test_a_bad_created_at_format_is_one_problem_of_the_mapping():
    with pytest.raises(MappingError) as caught:
        parse_mapping(MAPPING.replace("date_format: excel", 'date_format: "%Y-%m-%dT%H:%M:%S%Q"'))
    assert str(caught.value).splitlines()[1:] == [
        "  created_at: date_format '%Y-%m-%dT%H:%M:%S%Q' has an unknown directive %Q (see Python's strptime "
        "codes, or use excel, epoch_s, epoch_ms for numeric dates)"
    ]


@pytest.mark.parametrize(
    ("date_format", "cell", "message"),
    [
        (
            "%d.%m.%Y",
            "31.02.2025",
            "'31.02.2025' is not a calendar date by date_format '%d.%m.%Y': day is out",
        ),
        ("%d.%m.%Y", "2025-09-02", "'2025-09-02' does not match date_format '%d.%m.%Y'"),
        (None, "2025-02-31", "'2025-02-31' is not a calendar date (ISO 8601): day is out of range for month"),
        (None, "02/09/2025", "'02/09/2025' is not an ISO 8601 date (declare the column's date_format)"),
    ],
)
def test_a_date_cell_that_cannot_be_read_is_quoted_with_the_format_it_was_read_by(date_format, cell, message):
    rule = f', date_format: "{date_format}"' if date_format else ""  # none: ISO 8601
    [(_, problem)] = map_rows(
        parse_mapping(MAPPING.replace(", date_format: epoch_s", rule)), [_row(Seen=cell)]
    )
    assert problem.startswith(f"row 2 (Id a1): Seen: {message}")


@pytest.mark.parametrize(
    ("date_format", "cell", "hint"),
    [
        ("%m/%d/%Y %H:%M", "13/12/2024 08:27", " (it fits '%d/%m/%Y %H:%M': are day and month swapped?)"),
        ("%d.%m.%Y", "12.31.2025", " (it fits '%m.%d.%Y': are day and month swapped?)"),
        ("%d.%m.%Y", "2025-09-02", ""),  # fits neither: no hint
    ],
)
def test_a_cell_that_fits_the_format_with_day_and_month_swapped_says_so(date_format, cell, hint):
    rule = f', date_format: "{date_format}"'
    [(_, problem)] = map_rows(
        parse_mapping(MAPPING.replace(", date_format: epoch_s", rule)), [_row(Seen=cell)]
    )
    assert problem == f"row 2 (Id a1): Seen: {cell!r} does not match date_format {date_format!r}{hint}"


@pytest.mark.parametrize(
    ("date_format", "alone"),
    [
        ("%d/%m/%Y %H:%M", "%d/%m/%Y"),
        ("%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y"),
        ("%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%d"),
        ("%d.%m.%Y, %H:%M Uhr", "%d.%m.%Y"),
        ("%H:%M %d.%m.%Y", "%d.%m.%Y"),  # the time first: it and its separator dropped
        ("%d/%m/%Y", None),  # no time to leave out
        ("%H:%M", None),  # no date: a time alone is never a day
        ("%d %H:%M %m/%Y", None),  # a time amid the date
        ("excel", None),
    ],
)
def test_the_date_part_of_a_format_drops_its_time_and_the_separator(date_format, alone):
    from leadgate.features.dates import date_part

    assert date_part(date_format) == alone


def test_a_date_written_without_its_time_reads_as_midnight_in_created_at_and_a_custom_date():
    # Walk W: Excel's General format writes a datetime at midnight as its date alone ('06/12/2025' beside
    # '06/12/2025 14:30'), and no date_format read both.
    mixed = MAPPING.replace("date_format: excel", 'date_format: "%d/%m/%Y %H:%M"').replace(
        "date_format: epoch_s", 'date_format: "%m/%d/%Y %I:%M %p"'
    )
    mapping = parse_mapping("timezone: Europe/Berlin\n" + mixed)
    [(_, timed), (_, alone)] = map_rows(
        mapping,
        [
            _row(Created="06/12/2025 14:30", Seen="12/06/2025 2:30 PM"),
            _row(Id="a2", Created="06/12/2025", Seen="12/13/2025"),
        ],
    )
    assert timed["created_at"] == "2025-12-06T14:30:00+01:00"
    assert timed["custom"]["seen"] == "2025-12-06T14:30:00+01:00"
    assert alone["created_at"] == "2025-12-06T00:00:00+01:00"
    assert alone["custom"]["seen"] == "2025-12-13T00:00:00+01:00"


@pytest.mark.parametrize(
    ("date_format", "cell", "message"),
    [
        # A time alone is no date, and a date-only format still refuses a cell with a time.
        ("%d/%m/%Y %H:%M", "14:30", "'14:30' does not match date_format '%d/%m/%Y %H:%M'"),
        ("%d/%m/%Y", "06/12/2025 14:30", "'06/12/2025 14:30' does not match date_format '%d/%m/%Y'"),
        # A date alone that names no day says so, with the declared format.
        (
            "%d/%m/%Y %H:%M",
            "31/02/2025",
            "'31/02/2025' is not a calendar date by date_format '%d/%m/%Y %H:%M': day is out of range for month",
        ),
        (
            "%m/%d/%Y %H:%M",
            "13/12/2024",
            "'13/12/2024' does not match date_format '%m/%d/%Y %H:%M' (it fits '%d/%m/%Y %H:%M': are day and "
            "month swapped?)",
        ),
    ],
)
def test_a_date_alone_is_read_only_as_the_date_part_of_its_format(date_format, cell, message):
    rule = f', date_format: "{date_format}"'
    [(_, problem)] = map_rows(
        parse_mapping(MAPPING.replace(", date_format: epoch_s", rule)), [_row(Seen=cell)]
    )
    assert problem == f"row 2 (Id a1): Seen: {message}"
