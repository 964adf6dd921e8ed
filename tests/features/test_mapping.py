"""CRM export mappings: value handling, the leakage guard, clear errors, sequence order."""

from __future__ import annotations

import pytest

from leadgate.features.export_records import map_rows
from leadgate.features.headers import check_header
from leadgate.features.mapping import MappingError, parse_mapping
from leadgate.features.schema import parse_lead

BASE = """
name: t
lead_id: {column: Id}
created_at: {column: Created, type: datetime, date_format: "%d.%m.%Y"}
fields:
  contact.job_title: {column: Occupation, values: {Housewife: Homemaker, Nobody: null}}
  company.employees: {column: Size, type: integer}
events:
  - {type: unsubscribe, column: No Email, kind: flag}
  - {type: page_view, column: Visits, max_events: 3}
label:
  sql: {column: Won}
  sql_positive: ["1"]
  rejection_reason: {column: Tags}
after_contact: [Tags]
"""


def _row(**values) -> dict:
    row = {"Id": "a1", "Created": "05.03.2026", "Occupation": "Housewife", "Size": "1,200", "No Email": "Yes"}
    return {**row, "Visits": "7", "Won": "0", "Tags": "Ringing", **values}


def test_values_are_renamed_converted_and_placeholders_read_as_missing():
    mapping = parse_mapping(BASE)
    [(number, record)] = map_rows(mapping, [_row()])
    assert number == 2
    assert record["contact"] == {"job_title": "Homemaker"}
    assert record["company"] == {"employees": 1200}
    assert record["created_at"] == "2026-03-05T00:00:00+00:00"
    assert [e["type"] for e in record["events"]] == ["unsubscribe", "page_view", "page_view", "page_view"]
    # No label.won: the outcome says nothing of won (unknown), rather than "not won".
    assert record["outcome"] == {"sql": False, "rejection_reason": "Ringing"}
    parse_lead({k: v for k, v in record.items() if k != "outcome"})
    [(_, blank)] = map_rows(mapping, [_row(Occupation="Select", Size="", Visits="N/A", **{"No Email": "No"})])
    assert "contact" not in blank and "company" not in blank and "events" not in blank
    [(_, mapped_to_null)] = map_rows(mapping, [_row(Occupation="Nobody")])
    assert "contact" not in mapped_to_null


def test_a_bad_value_names_its_row_and_column_and_the_rest_still_map():
    results = map_rows(
        parse_mapping(BASE), [_row(), _row(Id="a2", Size="many"), _row(Id="a3", Created="yesterday")]
    )
    assert not isinstance(results[0][1], str)
    assert results[1][1].startswith("row 3 (Id a2): Size:")
    assert results[2][1].startswith(
        "row 4 (Id a3): Created: 'yesterday' does not match date_format '%d.%m.%Y'"
    )


def test_columns_known_only_after_sales_contact_are_refused_as_features():
    leaking = BASE.replace(
        "company.employees: {column: Size, type: integer}", "company.industry: {column: Tags}"
    )
    with pytest.raises(
        MappingError, match=r"known only after sales contact.*Tags \(as fields.company.industry\)"
    ):
        parse_mapping(leaking)
    as_event = BASE.replace("column: Visits,", "column: Tags,")
    with pytest.raises(MappingError, match=r"Tags \(as events.page_view\)"):
        parse_mapping(as_event)


def test_invalid_mappings_and_exports_get_clear_errors():
    with pytest.raises(MappingError, match="unknown lead fields"):
        parse_mapping(BASE.replace("contact.job_title:", "contact.shoe_size:"))
    with pytest.raises(MappingError, match="lead_id"):
        parse_mapping("name: t\nlead_id: {values: {}}\ncreated_at: {column: C}\n")
    with pytest.raises(MappingError, match=r"no column\(s\) \['Visits'\]"):
        check_header(parse_mapping(BASE), [k for k in _row() if k != "Visits"])
    # A field mapped twice keeps only the last with plain YAML: here it is the line that says so.
    twice = "name: t\nlead_id: {column: Id}\ncreated_at: {column: C}\nfields:\n  company.name: {column: A}\n"
    with pytest.raises(MappingError) as caught:
        parse_mapping(twice + "  company.name: {column: B}\n", "crm.yaml")
    assert str(caught.value) == (
        "crm.yaml: not valid YAML: line 6, column 3: 'company.name' is written twice (first on line 5)"
    )


def test_a_sequence_number_orders_leads_when_the_export_has_no_dates():
    text = BASE.replace(
        'created_at: {column: Created, type: datetime, date_format: "%d.%m.%Y"}',
        'created_at: {column: Number, start: "2020-01-01T00:00:00Z", step_seconds: 60}',
    )
    results = map_rows(parse_mapping(text), [_row(Id="b", Number="20"), _row(Id="a", Number="3")])
    created = {record["lead_id"]: record["created_at"] for _, record in results}
    assert created == {"a": "2020-01-01T00:00:00+00:00", "b": "2020-01-01T00:01:00+00:00"}
    # A start before 1990 would make every row's time a refused zero date: said when the mapping loads.
    with pytest.raises(MappingError, match=r"start 1970-01-01T00:00:00\+00:00 is before 1990-01-01"):
        parse_mapping(text.replace("2020-01-01T00:00:00Z", "1970-01-01T00:00:00Z"))


CUSTOM = """
name: shop
decimal: ","
custom:
  segment: {column: Segment}
  budget: {column: Budget allocated, type: flag, label: Budget allocated}
  calls: {column: Calls, type: integer, direction: increasing, reason: "{label}: {value} so far"}
  spend: {column: Spend, type: number}
label:
  sql: {column: Outcome}
  sql_positive: [Yes]
after_contact: [Owner]
"""


# The same export with its creation dates: datetime custom fields are measured against them.
DATED = CUSTOM.replace(
    'decimal: ","\n', 'decimal: ","\ncreated_at: {column: Created, type: datetime, date_format: "%d.%m.%Y"}\n'
).replace(
    "custom:\n", 'custom:\n  last_visit: {column: Last visit, type: datetime, date_format: "%d.%m.%Y"}\n'
)


def _shop_row(**values) -> dict:
    row = {
        "Segment": "SMB",
        "Budget allocated": "Yes",
        "Calls": "7",
        "Spend": "1.234,5",
        "Last visit": "01.02.2026",
    }
    return {**row, "Created": "05.02.2026", "Outcome": "Yes", "Owner": "kim", **values}


def test_custom_fields_become_typed_lead_values_with_labels_and_directions():
    mapping = parse_mapping(DATED)
    [(_, record)] = map_rows(mapping, [_shop_row()])
    assert record["custom"] == {
        "segment": "SMB",
        "budget": True,
        "calls": 7,
        "spend": 1234.5,
        "last_visit": "2026-02-01T00:00:00+00:00",
    }
    lead = parse_lead({k: v for k, v in record.items() if k != "outcome"})
    assert lead.custom["spend"] == 1234.5
    fields = {field.name: field for field in mapping.custom_fields()}
    assert fields["segment"].type == "category" and fields["segment"].label == "Segment"
    assert fields["budget"].label == "Budget allocated" and fields["calls"].monotone == 1
    assert fields["calls"].reason == "{label}: {value} so far"
    assert mapping.feature_columns()["custom.segment"] == "Segment"


def test_an_export_without_ids_or_dates_is_numbered_and_decided_as_created():
    mapping = parse_mapping(CUSTOM)
    assert mapping.lead_id is None and mapping.created_at is None
    results = map_rows(mapping, [_shop_row(), _shop_row(Segment="Enterprise")])
    assert [(n, r["lead_id"]) for n, r in results] == [(2, "row-2"), (3, "row-3")]
    first, second = (r for _, r in results)
    assert first["created_at"] < second["created_at"]  # row order is the only order there is
    assert first["scored_at"] == first["created_at"]
    header = list(_shop_row())
    # The plain baselines learn from every column but the label and those known only after contact.
    assert mapping.baseline_columns(header) == [
        "Segment",
        "Budget allocated",
        "Calls",
        "Spend",
        "Last visit",
        "Created",
    ]
    # What it leaves out is said with why, in the export's order.
    assert mapping.kept_from_baselines(header) == {
        "Outcome": "the mapping's label",
        "Owner": "after_contact: known only after sales contact",
    }
    dated = parse_mapping(DATED).kept_from_baselines(header)
    assert dated == {"Created": "the mapping's created_at", **mapping.kept_from_baselines(header)}


def test_yaml_yes_no_on_keys_and_values_stay_the_text_the_export_holds():
    text = CUSTOM.replace(
        "  segment: {column: Segment}",
        "  segment: {column: Segment, values: {Yes: kept, No: dropped, On: on}}",
    )
    mapping = parse_mapping(text)
    assert mapping.custom["segment"].values == {"Yes": "kept", "No": "dropped", "On": "on"}
    assert mapping.label.sql_positive == ["Yes"]
    [(_, record)] = map_rows(mapping, [_shop_row(Segment="No")])
    assert record["custom"]["segment"] == "dropped" and record["outcome"]["sql"] is True


def test_custom_fields_obey_the_leakage_guard_and_name_rules():
    with pytest.raises(MappingError, match=r"Owner \(as custom.owner\)"):
        parse_mapping(CUSTOM.replace("custom:\n", "custom:\n  owner: {column: Owner}\n"))
    with pytest.raises(MappingError, match="must be lower-case letters"):
        parse_mapping(CUSTOM.replace("  segment: {column: Segment}", "  Segment: {column: Segment}"))
    with pytest.raises(MappingError, match="a category has no direction"):
        parse_mapping(CUSTOM.replace("{column: Segment}", "{column: Segment, direction: increasing}"))
    [(_, problem)] = map_rows(parse_mapping(CUSTOM), [_shop_row(Calls="many")])
    assert problem.startswith("row 2: Calls:")


def test_a_multi_select_column_becomes_one_flag_per_value_declared_with_contains():
    text = CUSTOM.replace(
        "custom:\n",
        "custom:\n  wants_api: {column: Products, contains: API, label: Interested in the API}\n"
        "  wants_sso: {column: Products, type: flag, contains: sso, separator: '|'}\n",
    )
    mapping = parse_mapping(text)
    cells = ["Analytics; api ;Reporting", "Analytics", "", "SSO|API", "API|SSO"]
    records = [r for _, r in map_rows(mapping, [_shop_row(Products=cell) for cell in cells])]
    assert [r["custom"].get("wants_api") for r in records] == [True, False, None, False, False]
    assert [r["custom"].get("wants_sso") for r in records] == [False, False, None, True, True]
    fields = {field.name: field for field in mapping.custom_fields()}
    assert fields["wants_api"].type == "flag" and fields["wants_api"].label == "Interested in the API"
    assert mapping.baseline_columns(list(_shop_row(Products=""))).count("Products") == 1


@pytest.mark.parametrize(
    "rule, message",
    [
        ("{column: Products, type: category, contains: API}", "contains makes a flag"),
        ("{column: Products, separator: '|'}", "separator applies with contains"),
        ("{column: Products, contains: 'A;B'}", "holds the separator ';'"),
        ("{column: Products, contains: ''}", "at least 1 character"),
    ],
)
def test_contains_is_refused_where_it_cannot_mean_one_listed_value(rule, message):
    with pytest.raises(MappingError, match=message):
        parse_mapping(CUSTOM.replace("custom:\n", f"custom:\n  products: {rule}\n"))


def test_flags_match_in_any_case_and_an_unknown_answer_is_the_rows_error():
    mapping = parse_mapping(
        CUSTOM.replace("type: flag, label: Budget allocated", "type: flag, true_values: [Ja]")
    )
    values = [
        r["custom"]["budget"]
        for _, r in map_rows(
            mapping, [_shop_row(**{"Budget allocated": v}) for v in ("ja", "JA", "Nein", "no")]
        )
    ]
    assert values == [True, True, False, False]
    [(_, problem)] = map_rows(mapping, [_shop_row(**{"Budget allocated": "Vielleicht"})])
    assert "Budget allocated: 'Vielleicht' is neither a yes (Ja) nor a no (no, n, false" in problem
    assert "true_values or false_values" in problem


def test_new_leads_are_mapped_without_their_outcome_columns():
    mapping = parse_mapping(CUSTOM)
    header = [c for c in _shop_row() if c != "Outcome"]
    with pytest.raises(MappingError, match=r"no column\(s\) \['Outcome'\]"):
        check_header(mapping, header)
    check_header(mapping, header, outcome=False)
    [(_, record)] = map_rows(
        mapping, [{k: v for k, v in _shop_row().items() if k != "Outcome"}], outcome=False
    )
    assert "outcome" not in record and record["custom"]["segment"] == "SMB"


def test_an_after_contact_column_spelled_unlike_the_export_is_refused():
    mapping = parse_mapping(CUSTOM.replace("after_contact: [Owner]", "after_contact: [owner , Lead status]"))
    with pytest.raises(
        MappingError, match=r"after_contact names 'owner' \(the export has 'Owner'\), 'Lead status'"
    ):
        check_header(mapping, [*_shop_row(), "Lead Status"])
    # A column the export does not have at all is no typo: shipped mappings list every CRM's late columns.
    check_header(
        parse_mapping(CUSTOM.replace("after_contact: [Owner]", "after_contact: [Owner, Deal]")),
        list(_shop_row()),
    )


def test_mapping_errors_speak_of_the_mapping():
    with pytest.raises(MappingError) as refused:
        parse_mapping(CUSTOM.replace("  segment: {column: Segment}", "  Segment: {column: Segment}"))
    assert "\n  mapping: custom field name 'Segment' must be lower-case letters" in str(refused.value)
    # Walk AA: the fitting name stood bare after the pattern (`…{0,62}$): segment`).
    assert str(refused.value).endswith("{0,62}$); name it segment")
    assert "lead:" not in str(refused.value) and "Value error" not in str(refused.value)


def test_outcome_columns_and_dates_without_a_creation_time_are_refused():
    with pytest.raises(
        MappingError, match=r"outcome column\(s\) \['Owner'\] of the label are also used as features"
    ):
        parse_mapping(
            CUSTOM.replace("after_contact: [Owner]", "")
            .replace("  sql_positive: [Yes]", "  sql_positive: [Yes]\n  rejection_reason: {column: Owner}")
            .replace("custom:\n", "custom:\n  owner: {column: Owner}\n")
        )
    with pytest.raises(
        MappingError, match=r"custom datetime field\(s\) \['last_visit'\] .* without created_at"
    ):
        parse_mapping("\n".join(line for line in DATED.splitlines() if not line.startswith("created_at")))


def test_impossible_numbers_are_the_rows_error_not_a_crash():
    mapping = parse_mapping(BASE)
    [(_, huge)] = map_rows(mapping, [_row(Visits="1e400")])
    assert huge.startswith("row 2 (Id a1): Visits: expected a count")
    [(_, fraction)] = map_rows(mapping, [_row(Size="2.7")])
    assert "Size: expected a whole number, got '2.7'" in fraction


RATE_MAP = """
name: sf
fields:
  company.annual_revenue: {column: Annual Revenue, type: number%s}
"""


def test_a_money_column_may_convert_several_currencies_and_names_no_default_one():
    rule = parse_mapping(RATE_MAP % ", usd_per_unit: {eur: 1.08, USD: 1}").fields["company.annual_revenue"]
    # No `currency`: an unmarked cell is its row's error, never read as USD.
    assert (rule.usd_per_unit, rule.currency) == ({"EUR": 1.08, "USD": 1.0}, None)
    rule = parse_mapping(RATE_MAP % ", usd_per_unit: {EUR: 1.08, USD: 1}, currency: eur").fields[
        "company.annual_revenue"
    ]
    assert rule.currency == "EUR"


@pytest.mark.parametrize(
    ("option", "problem"),
    [
        (", usd_per_unit: {EUR: 1.08, USD: 2}", "usd_per_unit gives USD 2: one USD is 1 USD (USD: 1)"),
        (
            ", usd_per_unit: {EUR: 1.08, USD: 1}, currency: CHF",
            "currency CHF (the currency of unmarked cells) is not among the currencies usd_per_unit converts "
            "(EUR and USD): add its rate, or name one of those",
        ),
        (", usd_per_unit: {}", "usd_per_unit lists no currency: give its rate per currency (EUR: 1.08)"),
        (", usd_per_unit: {EUO: 1.08}", "usd_per_unit: 'EUO' is not an ISO 4217 currency code"),
        (
            ", usd_per_unit: {EUR: 0}",
            "fields.company.annual_revenue.usd_per_unit.EUR: Input should be greater than 0",
        ),
        (
            ", usd_per_unit: {EUR: '1,08'}",
            "fields.company.annual_revenue.usd_per_unit.EUR: Input should be a valid number",
        ),
        (
            ', decimal: {EUR: ","}',
            "a decimal mark per currency applies to a money column converting several (usd_per_unit: {EUR: 1.08, "
            'USD: 1}); give the column one mark (decimal: "," or ".")',
        ),
        (
            ', usd_per_unit: {EUR: 1.08}, decimal: {EUR: ",", GBP: "."}',
            "decimal gives a mark for GBP, which usd_per_unit does not convert (EUR): add its rate, or drop its mark",
        ),
        (
            ', usd_per_unit: {EUR: 1.08}, decimal: {EUR: ";"}',
            "annual_revenue.decimal.EUR: Input should be '.' or ','",
        ),
    ],
)
def test_a_map_of_rates_is_checked_when_the_mapping_loads(option, problem):
    with pytest.raises(MappingError) as caught:
        parse_mapping(RATE_MAP % option)
    assert problem in str(caught.value)


@pytest.mark.parametrize(
    ("option", "said"),
    [
        (
            ", currency: EUR, usd_per_unit: abc",
            "usd_per_unit: Input should be a valid number, unable to parse",
        ),
        (', decimal: ";"', "decimal: Input should be '.' or ','"),
    ],
)
def test_a_single_rate_or_mark_is_still_said_as_one_option(option, said):
    with pytest.raises(MappingError) as caught:
        parse_mapping(RATE_MAP % option)
    # One line, with no union branch ('constrained-float', 'dict[…]') the mapping never wrote.
    lines = str(caught.value).splitlines()
    assert len(lines) == 2 and lines[1].startswith(f"  fields.company.annual_revenue.{said}")


@pytest.mark.parametrize(
    "yaml",
    [
        "custom:\n  budget: {column: B, type: number, usd_per_unit: {EUR: 1.08, USD: 1}}",
        "fields:\n  form.seconds_on_form: {column: S, type: number, usd_per_unit: {EUR: 1.08}}",
    ],
)
def test_only_a_money_field_takes_a_map_of_rates(yaml):
    with pytest.raises(MappingError, match="usd_per_unit"):
        parse_mapping(f"name: t\n{yaml}\n")
