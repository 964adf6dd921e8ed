"""A category read by its first characters (`prefix: 2`): a postal code's region, learnt where 3,000 codes each
too rare to learn would all be pooled as '(other)'."""

from __future__ import annotations

import numpy as np
import pytest

from leadgate.decision.custom_words import custom_renderer
from leadgate.decision.policy import load_policy
from leadgate.decision.reasons import ReasonBook
from leadgate.features.builder import FeatureBuilder
from leadgate.features.custom import CustomField
from leadgate.features.derived import derive
from leadgate.features.export_records import map_rows
from leadgate.features.mapping import MappingError, parse_mapping
from leadgate.features.table import build_table
from leadgate.training.reason_reference import reason_reference
from tests.factories import make_lead

MAPPING = """
name: plz
custom:
  postal_code: {column: PLZ, prefix: 2, label: Postal code}
label:
  sql: {column: Outcome}
  sql_positive: [SQL]
"""
FIELD = CustomField("postal_code", "category", "Postal code", prefix=2)
# 1,000 postal codes, each once: 80xxx (Munich) and 10xxx (Berlin), leading zeros in 01xxx (Dresden).
CODES = [f"{region}{i:03d}" for i in range(333) for region in ("80", "10", "01")] + ["80331"]


def _derived(codes):
    leads = [make_lead(lead_id=f"p{i}", custom={"postal_code": code}) for i, code in enumerate(codes)]
    return derive(build_table(leads), load_policy().signal_rules)


def test_the_mapping_declares_the_prefix_and_keeps_the_leads_own_value():
    mapping = parse_mapping(MAPPING)
    assert mapping.custom_fields() == (FIELD,)
    [(_, record)] = map_rows(mapping, [{"PLZ": "01067", "Outcome": "SQL"}])
    assert record["custom"] == {"postal_code": "01067"}  # the lead is as written; the model reads '01'
    assert FIELD.to_dict()["prefix"] == 2 and CustomField.from_dict(FIELD.to_dict()) == FIELD
    assert "prefix" not in CustomField("segment", "category", "Segment").to_dict()  # stored as before


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            "{column: PLZ, prefix: 0}",
            r"custom.postal_code.prefix: Input should be greater than or equal to 1",
        ),
        ("{column: PLZ, prefix: two}", r"custom.postal_code.prefix: Input should be a valid integer"),
        (
            "{column: PLZ, type: integer, prefix: 2}",
            r"column 'PLZ': prefix reads a category by its first characters: it applies to type: category, not "
            r"integer; drop prefix",
        ),
        ("{column: PLZ, contains: '80', prefix: 2}", r"not a contains: flag; drop prefix"),
    ],
)
def test_a_prefix_off_a_category_or_not_a_count_of_characters_is_refused(rule, message):
    with pytest.raises(MappingError, match=message):
        parse_mapping(MAPPING.replace("{column: PLZ, prefix: 2, label: Postal code}", rule))
    with pytest.raises(MappingError, match="prefix"):
        parse_mapping(
            MAPPING.replace("custom:\n", "fields:\n  source.campaign: {column: C, prefix: 2}\ncustom:\n")
        )
    with pytest.raises(ValueError, match="prefix reads a category by its first characters"):
        CustomField("calls", "integer", "Calls", prefix=2)


def test_codes_too_rare_to_learn_are_learnt_by_their_region():
    derived = _derived(CODES)
    plain = FeatureBuilder(custom_fields=(CustomField("postal_code", "category", "Postal code"),)).fit(
        derived
    )
    assert plain.vocabularies_["custom_postal_code"] == ["(other)"]  # every code pooled: no signal left
    builder = FeatureBuilder(custom_fields=(FIELD,)).fit(derived)
    assert builder.vocabularies_["custom_postal_code"] == ["(other)", "01", "10", "80"]
    # A new lead's code, never seen in training, still reads as its region: the API reads as the export does.
    new = _derived(["80999", "99999", " 01326 "])
    column = builder.transform(new)[:, builder.feature_names.index("custom_postal_code")]
    assert column.tolist() == [3.0, 0.0, 1.0]


def test_the_reason_quotes_the_leads_value_and_the_region_it_was_read_as():
    derived = _derived(CODES)
    builder = FeatureBuilder(custom_fields=(FIELD,)).fit(derived)
    matrix = builder.transform(derived)
    column = builder.feature_names.index("custom_postal_code")
    render = custom_renderer(FIELD, column)
    assert render(derived, matrix, len(CODES) - 1, False) == "Postal code: 80331 (read as 80)"
    new = _derived(["99999"])
    pooled = render(new, builder.transform(new), 0, False)
    assert pooled == "Postal code: 99999 (read as 99; other: rare or new in training)"
    # The recovery names regions, not postal codes no lead has: '80…'.
    sql = np.array([code.startswith("80") for code in CODES])
    book = ReasonBook.for_builder(builder, reason_reference(builder, matrix, sql))
    recover = book.recoveries[book.families.index("custom_postal_code")]
    assert recover(derived, matrix, 1) == "Postal code: 80… (converted above average in training)"
