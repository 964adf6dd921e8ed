"""Reasons about money say USD of the amount the lead holds: a mapped EUR cell converted by its column's rate."""

from __future__ import annotations

from leadgate.decision.pipeline import DecisionPipeline
from leadgate.features.export_records import map_rows
from leadgate.features.mapping import parse_mapping
from tests.factories import make_lead

MAPPING = """
name: de
lead_id: {column: Lead-ID}
fields:
  company.employees: {column: Mitarbeiter, type: integer}
  company.annual_revenue: {column: Jahresumsatz, type: number, currency: EUR, usd_per_unit: 1.08}
"""


def _german_lead():
    """A lead of a German export: EUR 312,737.06 of revenue (USD 337,756.02) at 1,014 employees."""
    ((_, record),) = map_rows(
        parse_mapping(MAPPING), [{"Lead-ID": "L1", "Mitarbeiter": "1014", "Jahresumsatz": "€ 312.737,06"}]
    )
    return make_lead(company=record["company"])


def test_the_self_description_gate_says_usd_of_the_converted_amount(policy):
    (gate,) = DecisionPipeline(policy).decide_one(_german_lead()).gates
    assert gate.code == "inconsistent_self_description"
    assert "USD 337,756 annual revenue at 1,014 employees" in gate.reason


def test_the_revenue_words_say_usd_not_a_dollar_sign_of_unknown_currency(pipeline):
    decisions = pipeline.decide([_german_lead()])
    renderer = pipeline.book.renderers[pipeline.book.families.index("revenue")]
    words = {renderer(decisions.derived, decisions.matrix, 0, negative) for negative in (True, False)}
    assert words == {"Annual revenue USD 337,756"}
