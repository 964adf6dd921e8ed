"""Number cells as exports write them: each column's decimal mark, currency, percent and grouping spaces."""

from __future__ import annotations

import logging

import pytest

from leadgate.features.export_records import map_rows
from leadgate.features.mapping import MappingError, parse_mapping

MAPPING = """
name: t
lead_id: {column: Id}
custom:
  budget: {column: Budget, type: number}
  score: {column: Score, type: number}
label:
  sql: {column: Won}
  sql_positive: ["1"]
"""


def _rows(budgets: list[str], scores: list[str]) -> list[dict]:
    return [
        {"Id": f"a{i}", "Budget": budget, "Score": score, "Won": "0"}
        for i, (budget, score) in enumerate(zip(budgets, scores, strict=True))
    ]


def _custom(results) -> list[dict]:
    assert not [data for _, data in results if isinstance(data, str)]
    return [data.get("custom", {}) for _, data in results]


def test_each_column_without_a_declared_mark_is_read_with_the_mark_its_cells_show(caplog):
    rows = _rows(["15.368,78", "980", "1.200,5"], ["71.5", "3", "0.25"])
    with caplog.at_level(logging.WARNING):
        custom = _custom(map_rows(parse_mapping(MAPPING), rows))
    assert [c["budget"] for c in custom] == [15368.78, 980, 1200.5]
    assert [c["score"] for c in custom] == [71.5, 3, 0.25]
    # The inference is said once, for the column it concerns, with cells that show it.
    said = [r.getMessage() for r in caplog.records if "decimal comma" in r.getMessage()]
    assert len(said) == 1 and said[0].startswith("Budget:") and "'15.368,78'" in said[0]


def test_a_decimal_comma_with_one_or_two_decimals_is_not_read_as_thousands():
    custom = _custom(map_rows(parse_mapping(MAPPING), _rows(["71,0", "5,25"], ["1", "2"])))
    assert [c["budget"] for c in custom] == [71.0, 5.25]


def test_a_column_mixing_both_marks_is_refused_naming_it_its_cells_and_how_many_write_each():
    with pytest.raises(
        MappingError,
        match=r"column 'Score' mixes decimal marks \(1 cell written with a decimal point \(1,234.5\), '71.5'; 2 cells "
        r"written with a decimal comma \(1.234,5\), such "
        r"as '71,0'\): set the column's `decimal`",
    ):
        map_rows(parse_mapping(MAPPING), _rows(["1", "2", "3"], ["71.5", "71,0", "71,0"]))


def test_point_groups_alone_read_either_way_and_are_refused_until_a_mark_is_declared():
    rows = _rows(["1.234", "15.000"], ["1", "2"])
    with pytest.raises(MappingError, match=r"column 'Budget' holds numbers such as '1.234', '15.000'"):
        map_rows(parse_mapping(MAPPING), rows)
    declared = MAPPING.replace("type: number}", 'type: number, decimal: ","}', 1)
    assert [c["budget"] for c in _custom(map_rows(parse_mapping(declared), rows))] == [1234, 15000]


def test_the_mappings_decimal_is_checked_per_column_and_a_column_may_declare_its_own():
    rows = _rows(["1.234,5", "7"], ["71.5", "3"])
    european = MAPPING.replace("name: t\n", 'name: t\ndecimal: ","\n')
    # "71.5" under the mapping's ',' would have been 715: the column is named, with the option that reads it.
    with pytest.raises(
        MappingError,
        match=r"column 'Score' writes numbers with a decimal '\.' \('71.5'\).*"
        r"its own `decimal: '\.'`",
    ):
        map_rows(parse_mapping(european), rows)
    own = european.replace(
        "score: {column: Score, type: number}", 'score: {column: Score, type: number, decimal: "."}'
    )
    custom = _custom(map_rows(parse_mapping(own), rows))
    assert [(c["budget"], c["score"]) for c in custom] == [(1234.5, 71.5), (7, 3)]


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("€ 6,080", 6080),
        ("$13,699.79", 13699.79),
        ("USD 1,200", 1200),
        ("1,200 EUR", 1200),
        ("-€ 5", -5),
        ("43%", 43),
        ("7\u00a0029", 7029),  # no-break space
        ("12\u202f345.5", 12345.5),  # narrow no-break space
        ("1\u2009234\u2009567", 1234567),  # thin spaces
        ("9.528e+03", 9528),
    ],
)
def test_currency_percent_and_grouping_spaces_are_read(cell, value):
    [custom] = _custom(map_rows(parse_mapping(MAPPING), _rows([cell], ["1"])))
    assert custom["budget"] == pytest.approx(value)


def test_grouping_spaces_with_a_decimal_comma():
    custom = _custom(map_rows(parse_mapping(MAPPING), _rows(["12\u00a0345,67", "8,5"], ["1", "2"])))
    assert [c["budget"] for c in custom] == [12345.67, 8.5]


def test_an_unreadable_number_quotes_the_cell_as_written_and_names_an_option_that_exists():
    [(_, good), (_, bad)] = map_rows(parse_mapping(MAPPING), _rows(["€ 6,080", "about €5k"], ["1", "2"]))
    assert good["custom"]["budget"] == 6080
    assert bad.startswith("row 3 (Id a1): Budget: 'about €5k' is not a number")
    assert "the column's `values`" in bad
    # An option the advice names is one the mapping accepts: a value map reads the cell.
    mapped = MAPPING.replace(
        "{column: Budget, type: number}", '{column: Budget, type: number, values: {"about €5k": "5000"}}'
    )
    assert _custom(map_rows(parse_mapping(mapped), _rows(["about €5k"], ["1"])))[0]["budget"] == 5000


def test_decimal_is_refused_on_a_column_that_holds_no_numbers():
    with pytest.raises(
        MappingError, match=r"custom.seg: column 'Seg': decimal applies to type: number or integer"
    ):
        parse_mapping(MAPPING.replace("custom:\n", 'custom:\n  seg: {column: Seg, decimal: ","}\n'))


def test_a_column_without_a_mark_reads_with_trainings_unless_its_cells_plainly_write_the_other():
    from leadgate.features.export_marks import decimal_marks

    mapping = parse_mapping("name: t\ncustom:\n  score: {column: Score, type: number}\n")
    assert decimal_marks(mapping, [{"Score": "1,500"}], {"Score": ","}) == {"Score": ","}  # 1.5, as trained
    assert decimal_marks(mapping, [{"Score": "1,500"}]) == {"Score": "."}  # nothing known: 1500
    assert decimal_marks(mapping, [{"Score": "8048.17"}], {"Score": ","}) == {"Score": "."}


def _score_mapping(decimal: str | None = None):
    own = f', decimal: "{decimal}"' if decimal else ""
    return parse_mapping(f"name: t\ncustom:\n  score: {{column: Score, type: number{own}}}\n")


STRAY = [{"Score": "71.5"}] + [{"Score": f"{n},5"} for n in range(19)]  # one point among twenty marks


def test_scoring_leaves_a_stray_mark_to_its_row_when_the_columns_mark_is_clear():
    from leadgate.features.export_marks import decimal_marks

    # Training reads an export whole and consistently: one stray cell refuses the column.
    with pytest.raises(
        MappingError,
        match=r"1 cell written with a decimal point \(1,234.5\), '71.5'; 19 cells written with a decimal comma",
    ):
        decimal_marks(_score_mapping(), STRAY)
    # Scoring: the mark nineteen in twenty cells write, trained or not; '71.5' is its row's error. A trained
    # mark the file plainly does not write gives way, as it did before.
    for known in (None, {"Score": ","}, {"Score": "."}):
        assert decimal_marks(_score_mapping(), STRAY, known, strays=0.1) == {"Score": ","}
    # A declared mark the few others contradict leaves them to their rows; one most cells contradict is refused.
    assert decimal_marks(_score_mapping(","), STRAY, strays=0.1) == {"Score": ","}
    with pytest.raises(MappingError, match=r"writes numbers with a decimal ','"):
        decimal_marks(_score_mapping("."), STRAY, strays=0.1)


def test_scoring_refuses_a_column_whose_marks_are_no_clear_majority():
    from leadgate.features.export_marks import decimal_marks

    rows = [{"Score": "71.5"}, {"Score": "2.5"}] + [{"Score": f"{n},5"} for n in range(8)]
    for known in (None, {"Score": ","}):
        with pytest.raises(
            MappingError,
            match=r"mixes decimal marks \(2 cells written with a decimal point \(1,234.5\), such as .*; 8 cells",
        ):
            decimal_marks(_score_mapping(), rows, known, strays=0.1)


def test_training_names_the_few_cells_against_a_declared_mark_as_the_fault():
    from leadgate.features.export_marks import decimal_marks

    with pytest.raises(
        MappingError,
        match=r"column 'Score' has 1 cell written with a decimal point \(1,234.5\), '71.5', where the mapping gives it the decimal ',' "
        r"\(19 cells follow it\): correct those cells, or read them with the column's `values` \(rows 2\)",
    ):
        decimal_marks(_score_mapping(","), STRAY)
    # Without a declared mark the few cells that write the other one are named by row too.
    many = [{"Score": f"{n},5"} for n in range(30)]
    for row in (3, 9, 17, 25):
        many[row - 2] = {"Score": "71.5"}
    with pytest.raises(MappingError, match=r"mixes decimal marks .* \(rows 3, 9, 17 and 1 more\)$"):
        decimal_marks(_score_mapping(), many)


@pytest.mark.parametrize(("cell", "number"), [("5.", 5.0), ("-5.", -5.0), ("1.e3", 1000.0)])
def test_a_trailing_decimal_point_still_reads(cell, number):
    from leadgate.features.number_marks import read

    assert read(cell, ".") == number


def test_a_number_field_mapped_without_a_type_reads_its_cells_as_a_number_column():
    mapping = parse_mapping(
        """
name: t
decimal: ","
lead_id: {column: Id}
fields:
  company.annual_revenue: {column: Revenue}
  form.seconds_on_form: {column: Seconds}
  source.cost: {column: Cost, decimal: "."}
"""
    )
    rows = [{"Id": "a", "Revenue": "$ 1.200.000", "Seconds": "26,1", "Cost": "1,250.5"}]
    record = map_rows(mapping, rows)[0][1]
    # Read as the schema's JSON number text, '1.268' would be 1.268 whatever the mapping's `decimal` says.
    assert record["company"] == {"annual_revenue": 1_200_000}
    assert record["form"] == {"seconds_on_form": 26.1} and record["source"] == {"cost": 1250.5}
    with pytest.raises(
        MappingError, match="fields.contact.email: column 'E': decimal applies to type: number"
    ):
        parse_mapping("name: t\nfields:\n  contact.email: {column: E, decimal: ','}\n")
