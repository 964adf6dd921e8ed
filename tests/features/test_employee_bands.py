import math

import numpy as np
import pytest

from leadgate.features.employee_bands import bounds, read_band, typical
from leadgate.features.schema import LeadValidationError, parse_lead
from tests.factories import lead_dict


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("51-200", "51-200"),
        ("51 - 200", "51-200"),
        ("51–200", "51-200"),  # an en dash, as spreadsheets autocorrect it
        ("1,001-5,000", "1001-5000"),
        ("1.001-5.000", "1001-5000"),  # German thousands
        ("51-200 employees", "51-200"),  # LinkedIn Lead Gen Forms
        ("10,001+ employees", "10001+"),
        ("10001+", "10001+"),
        ("1000 +", "1000+"),
        ("> 1000", "1001+"),
        ("more than 1000", "1001+"),
        ("10 bis 49 Mitarbeiter", "10-49"),
        ("201-500 Mitarbeitende", "201-500"),
        ("Myself Only", 1),  # LinkedIn's smallest band: one person, a count
        ("50-50", 50),
    ],
)
def test_a_size_band_is_kept_as_its_two_ends(text, kept):
    assert read_band(text) == kept


@pytest.mark.parametrize("text", ["60", "lots", "51/200", "-5", "", "1-2-3", "51-200 users"])
def test_text_that_is_no_band_is_not_read_as_one(text):
    assert read_band(text) is None


def test_a_band_out_of_order_or_too_large_is_refused_saying_which():
    with pytest.raises(ValueError, match="'200-51' ends below where it starts"):
        read_band("200-51")
    with pytest.raises(ValueError, match="past 5,000,000 employees"):
        read_band("1-9000000")


def test_bounds_and_the_models_one_size_for_a_band():
    assert bounds("51-200") == (51, 200) and bounds("10001+") == (10001, math.inf)
    assert bounds(60) == (60, 60) and all(math.isnan(v) for v in bounds(None))
    low, high = np.array([51, 10001, 60, np.nan, 0]), np.array([200, np.inf, 60, np.nan, 10])
    # The middle on a log scale; an open band its start; a count itself; unknown stays unknown.
    assert typical(low, high)[[0, 1, 2, 4]].tolist() == [101, 10001, 60, 3] and np.isnan(
        typical(low, high)[3]
    )


@pytest.mark.parametrize("cells", [True, False])
def test_the_lead_schema_takes_a_band_in_a_cell_and_in_json(cells):
    lead = parse_lead(lead_dict(company={"employees": "1,001-5,000 employees"}), cells=cells)
    assert lead.company.employees == "1001-5000"
    assert lead.model_dump(mode="json")["company"]["employees"] == "1001-5000"
    # What the store keeps reads back the same.
    assert parse_lead(lead.model_dump(mode="json"), stored=True).company.employees == "1001-5000"


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("200-51", "company.employees: the size band '200-51' ends below where it starts"),
        (
            "lots",
            "company.employees: expected a number or a size band like '51-200' or '10001+', got the cell",
        ),
        ("60.5", "company.employees: expected a whole number of employees, got '60.5'"),
        ("-3", "company.employees: expected 0 to 5,000,000 employees, got '-3'"),
    ],
)
def test_a_cell_that_is_neither_count_nor_band_gets_one_clear_line(value, problem):
    with pytest.raises(LeadValidationError) as caught:
        parse_lead(lead_dict(company={"employees": value}), cells=True)
    assert str(caught.value).startswith(problem)


MAPPING = """
name: linkedin
lead_id: {column: Lead ID}
created_at: {column: Submitted At}
fields:
  contact.email: {column: Email}
  company.employees: {column: Company Size%s}
"""


def _mapped(sizes: list[str], column_type: str = "") -> list:
    from leadgate.features.export_records import map_rows
    from leadgate.features.mapping import parse_mapping

    rows = [
        {
            "Lead ID": f"l{i}",
            "Submitted At": "2026-02-03 09:15:00",
            "Email": f"a{i}@acme.com",
            "Company Size": size,
        }
        for i, size in enumerate(sizes)
    ]
    return [record for _, record in map_rows(parse_mapping(MAPPING % column_type, "linkedin"), rows)]


def test_a_lead_forms_size_bands_map_to_company_employees_as_given():
    records = _mapped(["51-200 employees", "10,001+ employees", "Myself Only", "1200"])
    sizes = [parse_lead(r, cells=True).company.employees for r in records]
    assert sizes == ["51-200", "10001+", 1, 1200]


def test_a_band_in_a_column_typed_as_a_number_says_how_to_map_it():
    problem = _mapped(["51-200 employees"], ", type: integer")[0]
    assert problem == (
        "row 2 (Lead ID l0): Company Size: '51-200 employees' is a size band, not a number: map it to "
        "company.employees without a `type` (it reads bands as they are), or as a custom field of type `category`"
    )


def test_a_size_column_without_a_type_reads_point_groups_as_a_count_of_events_does():
    records = _mapped(["1.268", "1,268", "250", "51-200"])
    assert [r["company"]["employees"] for r in records] == [1268, 1268, 250, "51-200"]
    from leadgate.features.export_records import map_rows
    from leadgate.features.mapping import parse_mapping

    # A German export with its decimal comma declared: its point groups thousands, as with `type: integer`.
    german = parse_mapping("decimal: ','\n" + MAPPING % "", "german")
    row = {"Lead ID": "l1", "Submitted At": "2026-02-03", "Email": "a@acme.com", "Company Size": "1.268"}
    assert map_rows(german, [row])[0][1]["company"]["employees"] == 1268
    # A point declared as the decimal mark: a fraction, named by column and id, with the mark to declare.
    english = parse_mapping("decimal: '.'\n" + MAPPING % "", "english")
    assert map_rows(english, [row])[0][1] == (
        "row 2 (Lead ID l1): Company Size: expected a whole number of employees, got '1.268', a fraction with the "
        "decimal mark '.' the mapping reads numbers with: if its point groups thousands, give the column or the "
        "mapping `decimal: ','`"
    )


@pytest.mark.parametrize(
    ("size", "problem"),
    [
        ("60.5", "expected a whole number of employees, got '60.5', a fraction"),
        ("lots", "expected a number or a size band like '51-200' or '10001+', got 'lots'"),
        ("-3", "expected 0 to 5,000,000 employees, got '-3'"),
        ("12%", "expected a number or a size band like '51-200' or '10001+', got '12%'"),
    ],
)
def test_a_size_cell_neither_count_nor_band_is_its_rows_error_naming_the_column_and_id(size, problem):
    assert _mapped([size])[0] == f"row 2 (Lead ID l0): Company Size: {problem}"
