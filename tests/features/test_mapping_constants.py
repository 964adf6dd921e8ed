"""Constant fields: a mapping gives a lead field (or a custom field) one `value` for every lead, no column."""

from __future__ import annotations

import pytest

from leadgate.features.builder import FeatureBuilder
from leadgate.features.export_records import map_rows
from leadgate.features.headers import check_header
from leadgate.features.mapping import MappingError, parse_mapping
from leadgate.features.schema import parse_lead
from leadgate.training.exports import history_from_export
from leadgate.training.train import leadgate_seen

# A LinkedIn Lead Gen Forms export: no channel or campaign column, yet every lead came from one paid campaign.
MAPPING = """
name: linkedin_leadgen
lead_id: {column: Lead ID}
created_at: {column: Submitted At}
fields:
  contact.job_title: {column: Job Title}
  company.employees: {column: Company Size}
  source.channel: {value: paid_social}
  source.campaign: {value: "Q4 LinkedIn"}
  source.cost: {value: "38,50", type: number, decimal: ",", currency: EUR, usd_per_unit: 1.08}
custom:
  ad_format: {value: Lead Gen Form}
  sponsored: {value: "Yes", type: flag}
label:
  sql: {column: Lead Status}
  sql_positive: [Qualified]
after_contact: [Lead Status]
"""
HEADER = ["Lead ID", "Submitted At", "Job Title", "Company Size", "Lead Status"]


def _row(number: int, status: str = "Qualified") -> dict:
    cells = [
        f"urn:li:lead:{number}",
        f"2025-10-{1 + number % 28:02d}T09:15:00Z",
        "VP Marketing",
        "51-200",
        status,
    ]
    return dict(zip(HEADER, cells, strict=True))


def test_a_constant_fills_its_field_for_every_lead_read_as_a_cell_of_that_field():
    [(_, record)] = map_rows(parse_mapping(MAPPING), [_row(1)])
    assert record["source"] == {"channel": "paid_social", "campaign": "Q4 LinkedIn", "cost": 41.58}
    assert record["company"] == {"employees": "51-200"}
    assert record["custom"] == {"ad_format": "Lead Gen Form", "sponsored": True}
    parse_lead({k: v for k, v in record.items() if k != "outcome"}, cells=True)


def test_a_constant_is_no_export_column_the_mapping_reads():
    mapping = parse_mapping(MAPPING)
    assert mapping.required_columns() == [
        "Lead ID",
        "Job Title",
        "Company Size",
        "Submitted At",
        "Lead Status",
    ]
    assert "fields.source.channel" not in mapping.feature_columns()
    # The export has no channel column, and none is asked for.
    assert check_header(mapping, HEADER).constants() == mapping.constants()
    # Nor is a constant that happens to spell a column's name that column: neither the label's nor a late one.
    named_like_columns = MAPPING.replace("{value: paid_social}", "{value: Lead Status}")
    assert parse_mapping(named_like_columns).fields["source.channel"].value == "Lead Status"


@pytest.mark.parametrize(
    ("rule", "said"),
    [
        (
            "{value: paid_social, column: Channel}",
            "fields.source.channel: give column (the export column to read) or value (the same for every lead), "
            "not both",
        ),
        ("{type: text}", "fields.source.channel: give column (the export column to read) or value"),
        ('{value: ""}', "fields.source.channel.value: String should have at least 1 character"),
    ],
)
def test_a_field_reads_a_column_or_a_constant_never_both(rule, said):
    with pytest.raises(MappingError) as refused:
        parse_mapping(MAPPING.replace("{value: paid_social}", rule))
    assert f"\n  {said}" in str(refused.value)


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        (
            "company.employees: {column: Company Size}",
            "company.employees: {value: lots}",
            "fields.company.employees: value 'lots': expected a number or a size band like '51-200'",
        ),
        (
            "company.employees: {column: Company Size}",
            "company.employees: {value: '-5', type: integer}",
            "fields.company.employees: value '-5': expected 0 to 5,000,000 employees, got -5",
        ),
        (
            "{value: paid_social}",
            "{value: " + "p" * 120 + "}",
            "fields.source.channel: value 'pppp",
        ),
        (
            '{value: "Yes", type: flag}',
            '{value: "maybe", type: flag}',
            "custom.sponsored: value 'maybe': 'maybe' is neither a yes",
        ),
        (
            ', decimal: ",", currency: EUR, usd_per_unit: 1.08',
            "",
            "fields.source.cost: value '38,50': '38,50' is not a number with the decimal mark '.'",
        ),
    ],
)
def test_a_bad_constant_is_refused_when_the_mapping_loads_naming_its_field(old, new, said):
    with pytest.raises(MappingError) as refused:
        parse_mapping(MAPPING.replace(old, new))
    assert str(refused.value).startswith(f"mapping: invalid mapping:\n  {said}")


def test_a_constant_is_refused_where_it_could_only_mean_a_column():
    for text in (
        MAPPING.replace("lead_id: {column: Lead ID}", "lead_id: {value: x}"),
        MAPPING.replace("sql: {column: Lead Status}", "sql: {value: Qualified}"),
    ):
        with pytest.raises(MappingError, match=r"value: Extra inputs are not permitted"):
            parse_mapping(text)


def test_an_exports_history_has_its_constants_and_training_says_so():
    rows = [_row(number, "Qualified" if number % 3 == 0 else "Unqualified") for number in range(30)]
    mapped = history_from_export(rows, parse_mapping(MAPPING))
    history = mapped.history
    assert {lead.source.channel for lead in history.leads} == {"paid_social"}
    assert {lead.custom["ad_format"] for lead in history.leads} == {"Lead Gen Form"}
    assert history.constants == (
        "source.channel",
        "source.campaign",
        "source.cost",
        "custom.ad_format",
        "custom.sponsored",
    )
    assert history.subset(history.sql).constants == history.constants
    assert (
        "source.channel is 'paid_social' for every lead (the mapping's value, no export column): the same for "
        "all, so the model learns nothing from it in this export"
    ) in mapped.notes
    # What `train` says leadgate learned from (its comparison table's first row).
    said = leadgate_seen(history, FeatureBuilder(custom_fields=history.custom_fields))
    assert said == (
        "2 columns through the mapping: Job Title, Company Size; 5 constants (source.channel, source.campaign, "
        "source.cost, custom.ad_format, custom.sponsored)"
    )
