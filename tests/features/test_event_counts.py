"""Count columns as events: read as number columns read numbers, never rounded, floored or cut silently."""

from __future__ import annotations

import logging

import pytest

from leadgate.features.export_records import map_rows
from leadgate.features.mapping import parse_mapping

MAPPING = """
name: t
lead_id: {column: Id}
events:
  - {type: page_view, column: Number of Pageviews}
  - {type: email_open, column: Opens, max_events: 5}
label:
  sql: {column: Won}
  sql_positive: ["1"]
"""


def _rows(*views: str, opens: str = "") -> list[dict]:
    return [
        {"Id": f"a{i}", "Number of Pageviews": v, "Opens": opens, "Won": "0"} for i, v in enumerate(views)
    ]


def _views(results) -> list[int | str]:
    """Each row's page views, or its error."""
    return [
        data if isinstance(data, str) else sum(e["type"] == "page_view" for e in data.get("events", []))
        for _, data in results
    ]


@pytest.mark.parametrize(
    ("cell", "count"),
    [("1,234", 1234), ("1.234", 1234), ("1 234", 1234), ("1'234", 1234), ("12.0", 12), ("+3", 3), ("0", 0)],
)
def test_a_count_reads_grouped_thousands_as_number_columns_do(cell, count):
    mapping = parse_mapping(
        MAPPING.replace(
            "{type: page_view, column: Number of Pageviews}",
            "{type: page_view, column: Number of Pageviews, max_events: 5000}",
        )
    )
    assert _views(map_rows(mapping, _rows(cell))) == [count]


def test_a_declared_decimal_mark_reads_counts_too():
    german = parse_mapping(
        MAPPING.replace("name: t", 'name: t\ndecimal: ","')
        .replace("max_events: 5}", "max_events: 5000}")
        .replace("Number of Pageviews}", "Number of Pageviews, max_events: 5000}")
    )
    assert _views(map_rows(german, _rows("1.000", "1.234,0"))) == [1000, 1234]
    english = parse_mapping(MAPPING.replace("name: t", 'name: t\ndecimal: "."'))
    [error] = _views(map_rows(english, _rows("1.234")))
    assert error == (
        "row 2 (Id a0): Number of Pageviews: expected a count of events (a whole number, 0 or more), got "
        "'1.234', a fraction with the decimal mark '.' the mapping reads numbers with"
    )


@pytest.mark.parametrize(
    ("cell", "said"),
    [
        ("2.7", "'2.7', a fraction"),
        ("2,5", "'2,5', a fraction"),
        ("-3", "'-3', below 0"),
        ("43%", "'43%'"),
        ("€ 5", "'€ 5'"),
        ("lots", "'lots'"),
    ],
)
def test_a_fraction_a_negative_or_other_text_is_the_rows_error_naming_column_and_cell(cell, said):
    good, bad = _views(map_rows(parse_mapping(MAPPING), _rows("3", cell)))
    assert good == 3
    assert bad == (
        f"row 3 (Id a1): Number of Pageviews: expected a count of events (a whole number, 0 or more), got {said}"
    )


def test_counts_above_max_events_are_capped_and_said_once_per_column(caplog):
    rows = _rows("48,213", "7", "250", "100", opens="9")
    with caplog.at_level(logging.WARNING):
        results = map_rows(parse_mapping(MAPPING), rows)
    assert _views(results) == [100, 7, 100, 100]
    said = [r.getMessage() for r in caplog.records]
    assert said == [
        "Number of Pageviews: 2 rows count more than its max_events (100), up to 48,213: each read as 100 "
        "page_view events, so its leads' reasons say 100 or more; raise the event's max_events (at most "
        "10,000) to keep more",
        "Opens: 4 rows count more than its max_events (5), up to 9: each read as 5 email_open events, so its "
        "leads' reasons say 5 or more; raise the event's max_events (at most 10,000) to keep more",
    ]


def test_a_row_in_error_is_not_counted_as_capped(caplog):
    rows = [{"Id": "", "Number of Pageviews": "500", "Opens": "", "Won": "0"}]
    with caplog.at_level(logging.WARNING):
        [(_, error)] = map_rows(parse_mapping(MAPPING), rows)
    assert "missing lead id" in error and not caplog.records
