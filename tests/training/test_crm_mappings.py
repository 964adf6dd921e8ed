"""The CRM mappings shipped with leadgate, read by name, on their sample exports."""

from __future__ import annotations

from pathlib import Path

import pytest

from leadgate.features.export_records import map_rows
from leadgate.features.headers import check_header
from leadgate.features.mapping import MappingError
from leadgate.features.schema import parse_lead
from leadgate.training.crm_mappings import load_mapping, shipped_mappings

DATA = Path(__file__).resolve().parents[1] / "data"


def test_an_unknown_mapping_name_gets_a_clear_error():
    with pytest.raises(MappingError, match="no such mapping"):
        load_mapping("nope")


@pytest.mark.parametrize(
    ("given", "meant"),
    [("salesforse", "salesforce"), ("HubSpot", "hubspot"), ("x_education.yml", "x_education")],
)
def test_a_mistyped_shipped_mapping_name_gets_a_did_you_mean(given, meant):
    with pytest.raises(MappingError) as refused:
        load_mapping(given)
    assert "not a shipped one (" in str(refused.value)
    assert str(refused.value).endswith(f"): did you mean {meant!r}?")


def test_a_name_near_no_shipped_mapping_gets_no_guess():
    with pytest.raises(MappingError) as refused:
        load_mapping("my_export.yaml")
    assert "did you mean" not in str(refused.value)


@pytest.mark.parametrize(
    ("name", "sample"),
    [("hubspot", "hubspot_contacts_sample.csv"), ("salesforce", "salesforce_leads_sample.csv")],
)
def test_shipped_crm_mappings_read_their_samples(name, sample):
    import csv

    assert {"hubspot", "salesforce", "x_education"} <= set(shipped_mappings())
    mapping = load_mapping(name)
    with (DATA / sample).open() as handle:
        rows = list(csv.DictReader(handle))
    check_header(mapping, list(rows[0]))
    results = map_rows(mapping, rows)
    records = [r for _, r in results if not isinstance(r, str)]
    assert len(records) == len(rows)
    leads = [parse_lead({k: v for k, v in r.items() if k != "outcome"}) for r in records]
    assert sum(lead.company.employees is not None for lead in leads) > len(leads) / 2
    assert 0.05 < sum(r["outcome"]["sql"] for r in records) / len(records) < 0.5
    assert any(r["outcome"]["won"] for r in records)
    assert any(r["outcome"]["rejection_reason"] for r in records)
