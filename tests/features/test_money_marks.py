"""Decimal marks per currency: '$2,500,000' beside '€1.250.000' in one money column converting both."""

from __future__ import annotations

import pytest

from leadgate.features.cells import Row
from leadgate.features.export_marks import decimal_marks
from leadgate.features.export_records import map_rows
from leadgate.features.mapping import MappingError, parse_mapping
from leadgate.features.money_marks import trained_marks

MAPPING = """
name: sf
lead_id: {column: Id}
fields:
  company.annual_revenue: {column: Annual Revenue, type: number, usd_per_unit: {EUR: 1.08, USD: 1, GBP: 1.27}%s}
label:
  sql: {column: Status}
  sql_positive: [Qualified]
"""


def _rows(*cells: str) -> list[dict]:
    return [{"Id": f"L{i}", "Annual Revenue": c, "Status": "Open"} for i, c in enumerate(cells)]


def test_a_column_whose_currencies_write_different_marks_gets_a_mark_per_currency():
    rows = _rows("$2,500,000", "€1.250.000", "$1,200.50", "€ 7,5", "£1,000.00")
    assert decimal_marks(parse_mapping(MAPPING % ""), rows) == {
        "Annual Revenue": {"EUR": ",", "GBP": ".", "USD": "."}
    }


def test_a_column_whose_currencies_agree_keeps_one_mark():
    rows = _rows("$2,500,000", "€1,250,000", "€7.5")
    assert decimal_marks(parse_mapping(MAPPING % ""), rows) == {"Annual Revenue": "."}


def test_a_contradiction_within_one_currency_is_refused_naming_that_currency_and_its_rows():
    rows = _rows("$2,500,000", "€1.250.000", "€2.000.000", "€1,250.50", "$3,000,000")
    with pytest.raises(MappingError) as caught:
        decimal_marks(parse_mapping(MAPPING % ""), rows)
    assert str(caught.value) == (
        "column 'Annual Revenue (EUR cells)' mixes decimal marks (1 cell written with a decimal point (1,234.5), "
        "'€1,250.50'; 2 cells written with a decimal comma (1.234,5), such as '€1.250.000', '€2.000.000'): set "
        "the column's `decimal` ('.' or ',') and correct the cells that do not follow it (rows 5)"
    )


def test_a_currency_whose_cells_read_either_way_takes_trainings_mark_or_is_refused():
    mapping = parse_mapping(MAPPING % "")
    rows = _rows("$2,500,000", "£1.250.000,50", "€1.250", "€2.500")
    with pytest.raises(MappingError) as caught:
        decimal_marks(mapping, rows)
    assert str(caught.value) == (
        "column 'Annual Revenue' holds EUR amounts such as '€1.250', '€2.500' that read either way (1234 or "
        "1.234), and its currencies write different decimal marks: give the column its mark per currency, as the "
        'CRM writes each (`decimal: {EUR: ",", GBP: ",", USD: "."}`)'
    )
    known = {"Annual Revenue": {"EUR": ",", "GBP": ",", "USD": "."}}
    assert decimal_marks(mapping, rows, known) == known


def test_scoring_reads_a_batch_of_either_way_cells_with_trainings_marks_per_currency():
    mapping = parse_mapping(MAPPING % "")
    known = trained_marks(
        {
            "decimal_marks": {"Budget": ","},
            "decimal_marks_by_currency": {"Annual Revenue": {"EUR": ",", "USD": "."}},
        }
    )
    rows = _rows("$2,500", "€1.250")  # as one column they fit both marks: the model settles each currency
    marks = decimal_marks(mapping, rows, known)
    assert marks == {"Annual Revenue": {"EUR": ",", "USD": "."}}
    read = [
        data["company"]["annual_revenue"] for _, data in map_rows(mapping, rows, outcome=False, marks=marks)
    ]
    assert read == [2500.0, 1350.0]


def test_a_declared_mark_per_currency_reads_each_currency_by_its_own():
    mapping = parse_mapping(MAPPING % ', decimal: {EUR: ",", USD: "."}')
    rows = _rows("$2,500", "€1.250", "$1.5")
    read = [data["company"]["annual_revenue"] for _, data in map_rows(mapping, rows, outcome=False)]
    assert read == [2500.0, 1350.0, 1.5]
    # A cell off its currency's declared mark is refused with that currency's rows.
    with pytest.raises(MappingError, match=r"'Annual Revenue \(EUR cells\)'.*\(rows 3\)"):
        decimal_marks(mapping, _rows("€1.250.000", "€1,250.50", "€2.000.000", "€3.000.000"))


def test_a_row_reads_a_column_with_its_cells_currencys_mark():
    row = Row({}, set(), ".", {"Annual Revenue": {"EUR": ","}, "Budget": ","})
    assert (row.mark("Annual Revenue", "EUR"), row.mark("Annual Revenue", "USD"), row.mark("Budget")) == (
        ",",
        ".",
        ",",
    )


def test_models_that_kept_no_mark_per_currency_read_as_before():
    assert trained_marks({}) is None
    assert trained_marks({"decimal_marks": {"Budget": ","}}) == {"Budget": ","}


def test_one_declared_mark_that_only_one_currency_follows_is_refused_naming_the_marks_per_currency():
    mapping = parse_mapping('decimal: ","\n' + MAPPING % "")
    with pytest.raises(MappingError) as caught:
        decimal_marks(mapping, _rows("$2,500,000", "€1.250.000", "€2.000.000"))
    assert str(caught.value).endswith(
        "(rows 2); or, as its currencies write their own marks, give the column "
        '`decimal: {EUR: ",", USD: "."}`'
    )
