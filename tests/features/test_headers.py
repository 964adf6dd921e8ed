"""A mapping's column names against an export's header: spaces and Unicode form resolved, misses hinted."""

from __future__ import annotations

import unicodedata

import pytest

from leadgate.features.export_records import map_rows
from leadgate.features.headers import check_header, delimiter_hint, fit_header
from leadgate.features.mapping import MappingError, parse_mapping

MAPPING = """
name: messy
lead_id: {column: ID}
custom:
  budget: {column: Budget, type: number}
  region: {column: Région}
  segment: {column: Segment}
label:
  sql: {column: Stage}
  sql_positive: [SQL]
after_contact: [Owner]
"""
NFD_REGION = unicodedata.normalize("NFD", "Région")


def test_names_differing_only_by_spaces_or_unicode_form_are_read_and_said_once():
    header = ["ID", "Budget ", NFD_REGION, "Segment", "Segment.1", " Owner", "Stage"]
    mapping, notes = fit_header(parse_mapping(MAPPING), header)
    assert notes == [
        "mapping column 'Budget' read from the export's 'Budget ' (spaces around it)",
        f"mapping column 'Région' read from the export's {NFD_REGION!r} (Unicode form, NFC/NFD)",
        "mapping column 'Owner' read from the export's ' Owner' (spaces around it)",
        "the export has 2 columns named 'Segment': the mapping reads the first; the others are 'Segment.1' "
        "(map them by that name)",
    ]
    row = {"ID": "1", "Budget ": "12", NFD_REGION: "Nord", "Segment": "a", "Segment.1": "b", " Owner": "k"}
    [(_, record)] = map_rows(mapping, [{**row, "Stage": "SQL"}])
    assert record["custom"] == {"budget": 12.0, "region": "Nord", "segment": "a"}
    # The after-contact column is known by the export's spelling, so the baselines leave it out too.
    assert " Owner" not in mapping.baseline_columns(header)


@pytest.mark.parametrize("bom", ["\ufeff", "ï»¿"])
def test_a_byte_order_mark_before_the_first_name_is_read_past_and_said(bom):
    # Walk: a DataFrame read with encoding="utf-8" keeps U+FEFF; a BOM before cp1252 text reads as 'ï»¿'.
    header = [f"{bom}ID", "Budget", "Région", "Segment", "Owner", "Stage"]
    mapping, notes = fit_header(parse_mapping(MAPPING), header)
    assert notes == [
        f"mapping column 'ID' read from the export's {bom + 'ID'!r} (a byte-order mark before it)"
    ]
    row = {f"{bom}ID": "7", "Budget": "12", "Région": "Nord", "Segment": "a", "Owner": "k", "Stage": "SQL"}
    [(_, record)] = map_rows(mapping, [row])
    assert record["lead_id"] == "7"


def test_a_missing_column_names_its_near_match():
    with pytest.raises(MappingError) as refused:
        check_header(parse_mapping(MAPPING), ["ID", "budget", "Region", "Segment", "Stage"])
    assert str(refused.value) == (
        "the export has no column(s) ['Budget', 'Région'] that mapping 'messy' reads; "
        "did you mean 'budget' for 'Budget', 'Region' for 'Région'?"
    )


def test_two_columns_that_both_fit_a_name_are_refused_rather_than_guessed():
    with pytest.raises(MappingError, match=r"names 'Budget' \(the export has 'Budget ', ' Budget'\)"):
        check_header(parse_mapping(MAPPING), ["ID", "Budget ", " Budget", "Région", "Segment", "Stage"])


def test_a_header_that_is_not_text_is_compared_as_text():
    mapping = parse_mapping(
        "name: t\nlead_id: {column: Id}\ncustom:\n  score: {column: Score, type: number}\n"
    )
    assert check_header(mapping, ["Id", "Score", 0], outcome=False).name == "t"


def test_a_header_read_as_one_column_says_the_delimiter_it_holds_before_any_missing_name():
    header = ["ID;Budget;Région;Segment;Stage;Owner and a long tail of more names"]
    with pytest.raises(MappingError) as refused:
        check_header(parse_mapping(MAPPING), header)
    assert str(refused.value) == (
        "the header was read as one column 'ID;Budget;Région;Segment;Stage;Owner and…': is the delimiter ';'? "
        "(5 columns mapping 'messy' reads are missing)"
    )
    assert (
        delimiter_hint(["ID\tBudget"])
        == "the header was read as one column 'ID\\tBudget': is the delimiter '\\t'?"
    )
    assert delimiter_hint(["ID"]) is None and delimiter_hint(["ID;Budget", "Region"]) is None


def test_a_missing_column_with_no_near_match_points_at_a_mapping_of_the_export_s_own():
    with pytest.raises(MappingError) as refused:
        check_header(parse_mapping(MAPPING), ["ID", "Budget", "Segment", "Stage"])
    assert str(refused.value) == (
        "the export has no column(s) ['Région'] that mapping 'messy' reads: drop them from a copy of the "
        "mapping, or draft one from this export (leadgate draft-mapping FILE > my_crm.yaml)"
    )
