"""One export cell as text: DataFrame and Parquet cells read as the CSV would hold them."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from leadgate.features.cells import cell_text, cell_value
from leadgate.features.custom import CustomField
from leadgate.features.lead_path_cells import typed_custom


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (math.nan, ""),
        (3.0, "3"),
        (3.5, "3.5"),
        (12, "12"),
        ("Ja", "Ja"),
        (True, "True"),
        (1e20, "1e+20"),
    ],
)
def test_cells_read_as_the_export_wrote_them(value, text):
    assert cell_text(value) == text


@pytest.mark.parametrize(
    ("value", "read"),
    [
        (pd.NaT, None),
        (pd.NA, None),
        (np.datetime64("NaT"), None),
        (np.float64("nan"), None),
        (pd.Timestamp("2026-11-01 09:00", tz="Europe/Berlin"), "2026-11-01T09:00:00+01:00"),
        (
            pd.Timestamp("2026-11-01 09:00:00.000000009"),
            "2026-11-01T09:00:00",
        ),  # naive: UTC, as JSON reads it
        (np.datetime64("2026-11-01T09:00:00.000000001"), "2026-11-01T09:00:00"),  # not integer nanoseconds
        (pd.Timestamp("2026-11-01").date(), "2026-11-01"),
        (np.int64(3), 3),
    ],
)
def test_a_typed_cell_is_missing_or_the_value_lead_json_would_hold(value, read):
    assert cell_value(value) == read and type(cell_value(value)) is type(read)
    assert cell_text(value) == ("" if read is None else str(read))  # a mapped export's cell reads the same


FIELDS = (
    CustomField("calls", "integer", "Calls"),
    CustomField("budget", "number", "Budget"),
    CustomField("allocated", "flag", "Budget allocated"),
    CustomField("segment", "category", "Segment"),
    CustomField("webinar", "datetime", "Last webinar"),
)


@pytest.mark.parametrize(
    ("name", "text", "value"),
    [
        ("calls", "3", 3),
        ("calls", " 7 ", 7),
        ("calls", "4.0", 4),
        ("budget", "1200.5", 1200.5),
        ("budget", "$1,200.50", 1200.5),
        ("allocated", "true", True),
        ("allocated", "Ja", True),
        ("allocated", "0", False),
        ("segment", "SMB", "SMB"),
        ("segment", "3", "3"),
        ("webinar", "2026-11-01T09:00:00Z", "2026-11-01T09:00:00Z"),
    ],
)
def test_a_lead_path_cell_reads_as_its_custom_field_s_type(name, text, value):
    lead = {"custom": {name: text}}
    assert typed_custom(lead, FIELDS) == []
    assert lead["custom"][name] == value and type(lead["custom"][name]) is type(value)


def test_an_unreadable_cell_is_named_and_left_as_it_was_for_the_row_s_error():
    lead = {"custom": {"calls": "three", "budget": "1.200,50", "allocated": "maybe", "colour": "red"}}
    problems = typed_custom(lead, FIELDS)
    assert problems[0] == "custom.calls: 'three' is not a whole number"
    assert (
        problems[1]
        == "custom.budget: '1.200,50' is not a number (a lead-path file writes decimals with a point)"
    )
    assert problems[2].startswith("custom.allocated: 'maybe' is neither a yes (yes, y, true")
    assert len(problems) == 3  # a field the model does not declare is the model check's to name
    assert lead["custom"] == {"calls": "three", "budget": "1.200,50", "allocated": "maybe", "colour": "red"}
    assert typed_custom({"custom": {"calls": "2.5"}}, FIELDS) == ["custom.calls: '2.5' is not a whole number"]
    # Walk V: a date the schema would refuse too is named beside the other bad cells, not after they are fixed.
    assert typed_custom({"custom": {"calls": "2.5", "webinar": "01/11/2026"}}, FIELDS) == [
        "custom.calls: '2.5' is not a whole number",
        "custom.webinar: expected an ISO 8601 timestamp, got '01/11/2026'",
    ]


def test_a_typed_table_s_number_cell_for_a_category_reads_as_the_csv_s_text():
    # pandas reads a segment column of codes as integers, or floats when a cell is blank: '3', as the CSV wrote.
    lead = {"custom": {"segment": np.int64(3).item()}}
    assert typed_custom(lead, FIELDS) == [] and lead["custom"] == {"segment": "3"}
    lead = {"custom": {"segment": 3.0}}
    assert typed_custom(lead, FIELDS) == [] and lead["custom"] == {"segment": "3"}


def test_typed_values_are_left_to_the_model_s_check():
    lead = {"custom": {"calls": 3, "allocated": True, "budget": None}}
    assert typed_custom(lead, FIELDS) == [] and lead["custom"] == {
        "calls": 3,
        "allocated": True,
        "budget": None,
    }


DATED = """
name: t
lead_id: {column: Id}
created_at: {column: Created, date_format: "%d.%m.%Y"}
custom:
  webinar: {column: Webinar, type: datetime, date_format: excel}
"""


def test_a_timestamp_cell_is_a_time_already_and_only_text_follows_the_date_format():
    from leadgate.features.export_records import map_rows
    from leadgate.features.mapping import parse_mapping

    frame = pd.DataFrame(
        {
            "Id": ["a", "b", "c"],
            # What pd.to_datetime(..., dayfirst=True) leaves of '01.12.2026': a naive datetime64 column.
            "Created": pd.to_datetime(["01.12.2026", "02.12.2026", "03.12.2026"], dayfirst=True),
            "Webinar": [
                pd.Timestamp("2026-11-30 18:00", tz="Europe/Berlin"),
                pd.Timestamp("2026-11-29").date(),
                "46000.5",  # text in an object column: still read by its date_format
            ],
        }
    )
    rows = [{k: cell_text(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]
    records = [record for _, record in map_rows(parse_mapping(DATED), rows, outcome=False)]
    # Naive is UTC, as a naive text time of a mapped column is (and as JSON reads one).
    assert [r["created_at"] for r in records] == [f"2026-12-0{d}T00:00:00+00:00" for d in (1, 2, 3)]
    assert [r["custom"]["webinar"] for r in records] == [
        "2026-11-30T18:00:00+01:00",
        "2026-11-29T00:00:00+00:00",
        "2025-12-09T12:00:00+00:00",
    ]
    # The same moment as text in another shape is still the row's error, quoted with the format.
    [(_, problem)] = map_rows(parse_mapping(DATED), [{**rows[0], "Created": "2026-12-01T00:00:00"}], False)
    assert problem == "row 2 (Id a): Created: '2026-12-01T00:00:00' does not match date_format '%d.%m.%Y'"


def test_an_unknown_flag_answer_names_the_placeholders_too_which_read_it_as_blank():
    from leadgate.features.export_records import map_rows
    from leadgate.features.mapping import parse_mapping

    mapping = "name: t\nlead_id: {column: Id}\ncustom:\n  budget: {column: Budget, type: flag}\n"
    row = {"Id": "a", "Budget": "k.A."}
    [(_, problem)] = map_rows(parse_mapping(mapping), [row], outcome=False)
    assert problem.startswith("row 2 (Id a): Budget: 'k.A.' is neither a yes (yes, ")
    assert problem.endswith(
        ": add it to the column's true_values or false_values, or, if it means not known ('k.A.', 'n/a'), to "
        "the mapping's placeholders"
    )
    blank = parse_mapping(f'placeholders: ["", "k.A."]\n{mapping}')
    [(_, record)] = map_rows(blank, [row], outcome=False)
    assert "custom" not in record  # missing, not an answer


PLZ = """
name: t
lead_id: {column: Id}
custom:
  postal_code: {column: Postal Code, prefix: 2}
  region: {column: Region}
"""
LOST_ZEROS = (
    "Postal Code: prefix: 2 reads text; the number 2107 has lost any leading zeros: read the column as text "
    "(pd.read_csv(..., dtype=str), or cast the Parquet column to string)"
)


def test_a_number_cell_read_by_its_prefix_is_its_row_s_error_as_its_leading_zeros_are_gone():
    # Walk W: pd.read_csv without dtype=str reads '02107' as 2107, which prefix: 2 silently read as '21'.
    from leadgate.features.export_records import map_rows
    from leadgate.features.mapping import parse_mapping

    frame = pd.DataFrame({"Id": ["a", "b"], "Postal Code": [2107, 41875], "Region": [2107, 41875]})
    rows = [{k: cell_text(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]
    mapping = parse_mapping(PLZ)
    [(_, first), (_, second)] = map_rows(mapping, rows, outcome=False)
    assert first == f"row 2 (Id a): {LOST_ZEROS}"
    assert second.startswith("row 3 (Id b): Postal Code: prefix: 2 reads text; the number 41875 has lost")
    # As text, the code keeps its zero; a category read whole is its cell's text either way.
    frame = pd.DataFrame({"Id": ["a"], "Postal Code": ["02107"], "Region": [2107]})
    rows = [{k: cell_text(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]
    assert map_rows(mapping, rows, outcome=False)[0][1]["custom"] == {
        "postal_code": "02107",
        "region": "2107",
    }
    floats = [{"Id": "c", "Postal Code": cell_text(2107.0), "Region": ""}]  # an int column with a blank
    assert map_rows(mapping, floats, outcome=False)[0][1] == f"row 2 (Id c): {LOST_ZEROS}"


def test_a_lead_path_table_s_number_for_a_category_read_by_its_prefix_is_named():
    field = CustomField("postal_code", "category", "Postal Code", prefix=2)
    lead = {"custom": {"postal_code": np.int64(2107).item()}}
    assert typed_custom(lead, (field,)) == [f"custom.postal_code: {LOST_ZEROS.removeprefix('Postal Code: ')}"]
    lead = {"custom": {"postal_code": cell_text(2107.0)}}  # a reader's text of a typed cell says the same
    assert typed_custom(lead, (field,)) == [f"custom.postal_code: {LOST_ZEROS.removeprefix('Postal Code: ')}"]
    lead = {"custom": {"postal_code": "02107"}}
    assert typed_custom(lead, (field,)) == [] and lead["custom"] == {"postal_code": "02107"}


def test_a_lead_path_amount_in_another_currency_than_the_models_is_named():
    # Walk F6b: a model trained on '€' amounts read a lead-path file's '$ 1,500' as 1500 of its unit.
    trained = {"custom.budget": ["EUR"]}
    lead = {"custom": {"budget": "$ 1,500.00"}}
    assert typed_custom(lead, FIELDS, trained) == [
        "custom.budget: '$ 1,500.00' is an amount in $, but the model was trained on this column's amounts in "
        "EUR: write it in EUR, as training's cells were (a model reads a column as one currency)"
    ]
    assert lead["custom"] == {"budget": "$ 1,500.00"}
    for cell in ("€ 1,500.00", "1500 EUR", "1500"):
        lead = {"custom": {"budget": cell}}
        assert typed_custom(lead, FIELDS, trained) == [] and lead["custom"] == {"budget": 1500.0}
    assert typed_custom({"custom": {"budget": "$ 1,500.00"}}, FIELDS) == []  # no model's currency: as written
