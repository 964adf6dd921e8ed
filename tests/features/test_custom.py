"""Custom fields: declared types, values checked against a model's declaration, columns built from them."""

from __future__ import annotations

import re

import numpy as np
import pytest

from leadgate.decision.policy import load_policy
from leadgate.features.builder import FEATURE_NAMES, FeatureBuilder
from leadgate.features.custom import (
    CustomField,
    custom_problems,
    default_label,
    infer_fields,
    name_problems,
)
from leadgate.features.derived import derive
from leadgate.features.lead_path_cells import typed_custom
from leadgate.features.schema import LeadValidationError, parse_lead
from leadgate.features.table import build_table
from tests.factories import make_lead

FIELDS = (
    CustomField("segment", "category", "Segment"),
    CustomField("budget_allocated", "flag", "Budget allocated"),
    CustomField("calls", "integer", "Calls this campaign", direction="increasing"),
    CustomField("score_elsewhere", "number", "Score from another tool"),
    CustomField("last_webinar", "datetime", "Last webinar"),
)


def _derived(leads):
    return derive(build_table(leads), load_policy().signal_rules)


def test_a_lead_carries_custom_values_of_json_types_and_refuses_others():
    lead = parse_lead(
        {
            "lead_id": "c1",
            "created_at": "2026-01-01",
            "custom": {"segment": "smb", "calls": 3, "budget": True},
        }
    )
    assert lead.custom == {"segment": "smb", "calls": 3, "budget": True}
    for bad, problem in (
        ({"calls": float("inf")}, "finite"),
        ({"calls": [1, 2]}, "got list"),
        ({"notes": "x" * 2001}, "longer than 2000"),
        ({"calls": 10**400}, "number larger than 1e"),
    ):
        with pytest.raises(LeadValidationError, match=problem):
            parse_lead({"lead_id": "c1", "created_at": "2026-01-01", "custom": bad})


def test_values_are_checked_against_the_fields_a_model_declares():
    assert custom_problems({"segment": "smb", "calls": 2, "budget_allocated": False}, FIELDS) == []
    problems = custom_problems(
        {
            "shoe_size": 42,
            "calls": 2.5,
            "budget_allocated": "yes",
            "score_elsewhere": "high",
            "last_webinar": 5,
        },
        FIELDS,
    )
    assert problems[0].startswith("custom.shoe_size: not a custom field of the serving model (it declares:")
    assert "custom.calls: expected a whole number, got 2.5" in problems
    assert "custom.budget_allocated: expected true or false, got 'yes'" in problems
    assert any(p.startswith("custom.score_elsewhere: expected a finite number") for p in problems)
    assert "custom.last_webinar: expected an ISO 8601 timestamp" in problems
    assert custom_problems({"segment": None}, FIELDS) == []  # null is missing, always allowed


def test_a_key_no_field_could_be_named_is_told_the_fields_the_model_declares():
    # The CRM's own field name as the key: the schema takes any key; the model's check names what it takes.
    lead = parse_lead({"lead_id": "c1", "created_at": "2026-01-01", "custom": {"Budget_vorhanden__c": True}})
    assert custom_problems(lead.custom, FIELDS) == [
        "custom.Budget_vorhanden__c: not a custom field of the serving model (it declares: budget_allocated, "
        "calls, last_webinar, score_elsewhere, segment)"
    ]
    assert custom_problems({"Segment": "x"}, FIELDS)[0].endswith("; did you mean segment?")
    # Without a model to declare any: the allowed form, with the name in it.
    assert name_problems({"Budget_vorhanden__c": True, "segment": "x"}) == [
        "custom.Budget_vorhanden__c: not a custom field name (lower-case letters, digits and _, starting with "
        "a letter, such as budget_vorhanden_c)"
    ]


def test_a_category_is_text_a_json_number_or_true_for_one_is_refused_saying_how_to_send_it():
    assert custom_problems({"segment": 5}, FIELDS) == [
        'custom.segment: expected text for a category, got 5: send it as text ("5")'
    ]
    assert custom_problems({"segment": True}, FIELDS) == [
        'custom.segment: expected text for a category, got true: send it as text ("true")'
    ]
    assert custom_problems({"segment": "5"}, FIELDS) == []
    # A history's field inferred a category for its mixed kinds: each value is read as its text.
    assert custom_problems({"segment": 5}, FIELDS, any_category=True) == []


def test_json_types_are_not_coerced_a_number_is_no_flag_and_true_no_integer():
    problems = custom_problems({"budget_allocated": 1, "calls": True, "score_elsewhere": False}, FIELDS)
    assert problems == [
        "custom.budget_allocated: expected true or false, got 1",
        "custom.calls: expected an integer, got true/false",
        "custom.score_elsewhere: expected a number, got true/false",
    ]
    assert custom_problems({"budget_allocated": True, "calls": 3.0, "score_elsewhere": 2}, FIELDS) == []


def test_a_tables_zero_or_one_reads_as_a_flag_as_its_text_does():
    lead = {"custom": {"budget_allocated": 1, "calls": 1, "segment": 0}}
    assert typed_custom(lead, FIELDS) == []
    assert lead["custom"] == {"budget_allocated": True, "calls": 1, "segment": "0"}  # a category: its text
    assert lead["custom"]["budget_allocated"] is True and lead["custom"]["calls"] is not True  # 1 == True
    assert custom_problems(lead["custom"], FIELDS) == []


def test_field_declarations_are_checked_where_they_are_made():
    with pytest.raises(ValueError, match="must be lower-case letters, digits and _, starting with a letter"):
        CustomField("Budget", "flag", "Budget")
    with pytest.raises(ValueError, match=r"\); name it product_interest_c$"):  # the name it could have
        CustomField("Product-Interest__c", "category", "Product interest")
    with pytest.raises(ValueError, match="type 'money'"):
        CustomField("budget", "money", "Budget")
    with pytest.raises(ValueError, match="a category has no direction"):
        CustomField("segment", "category", "Segment", direction="increasing")
    with pytest.raises(ValueError, match="only {label} and {value}"):
        CustomField("calls", "integer", "Calls", reason="{label} rose by {delta}")
    assert CustomField("calls", "integer", "Calls", direction="decreasing").monotone == -1
    assert default_label("budget_allocated") == "Budget allocated"


def test_a_field_s_words_for_a_blank_cell_come_from_the_mapping_and_travel_with_the_model():
    from leadgate.features.mapping import parse_mapping

    mapping = parse_mapping(
        "name: t\nlead_id: {column: Id}\ncreated_at: {column: Created}\ncustom:\n"
        "  demo: {column: Demo Date, type: datetime, label: Demo requested, missing: No demo requested}\n"
    )
    field = mapping.custom_fields()[0]
    assert field.missing == "No demo requested"
    assert CustomField.from_dict(field.to_dict()) == field
    # A field without them is stored as before they existed, so older readers still load it.
    assert "missing" not in CustomField("calls", "integer", "Calls").to_dict()
    with pytest.raises(ValueError, match="missing must be words"):
        CustomField("demo", "datetime", "Demo", missing="  ")


def test_fields_are_inferred_from_history_values_when_no_mapping_declares_them():
    inferred = infer_fields(
        [
            {"segment": "smb", "calls": 1, "ratio": 0.5, "vip": True, "seen": "2026-01-02T10:00:00Z"},
            {"segment": "ent", "calls": 2.5, "ratio": None, "vip": False, "seen": "2026-01-03"},
            {"code": "1999"},
        ]
    )
    kinds = {field.name: field.type for field in inferred}
    assert kinds == {
        "calls": "number",
        "code": "category",
        "ratio": "number",
        "seen": "datetime",
        "segment": "category",
        "vip": "flag",
    }


def test_custom_columns_follow_the_built_in_ones_with_their_types():
    created = "2026-03-01T00:00:00Z"
    customs = (
        [
            {"segment": "smb", "budget_allocated": True, "calls": 4, "last_webinar": "2026-02-19T00:00:00Z"},
            {"segment": "ENT ", "budget_allocated": False, "score_elsewhere": 71.5},
            {"segment": "mid-market"},  # seen once: pooled into (other) with unseen levels
            {},
        ]
        + [{"segment": "smb"}] * 3
        + [{"segment": "ent"}] * 3
    )
    leads = [
        make_lead(lead_id=f"c{i}", created_at=created, scored_at=created, custom=c)
        for i, c in enumerate(customs)
    ]
    builder = FeatureBuilder(min_category_count=2, custom_fields=FIELDS)
    derived = _derived(leads)
    matrix = builder.fit(derived).transform(derived)
    names = builder.feature_names
    assert names[: len(FEATURE_NAMES)] == FEATURE_NAMES
    assert names[len(FEATURE_NAMES) :] == tuple(f"custom_{f.name}" for f in FIELDS)
    column = {name: matrix[:, names.index(f"custom_{name}")] for name in [f.name for f in FIELDS]}
    vocabulary = builder.vocabularies_["custom_segment"]
    assert vocabulary == ["(other)", "ent", "smb"]  # case and spaces do not make a new level
    assert column["segment"][:4].tolist()[:3] == [2.0, 1.0, 0.0] and np.isnan(column["segment"][3])
    assert column["budget_allocated"][:2].tolist() == [1.0, 0.0] and np.isnan(column["budget_allocated"][2])
    assert column["calls"][0] == 4 and np.isnan(column["calls"][1])
    assert column["score_elsewhere"][1] == 71.5
    assert column["last_webinar"][0] == pytest.approx(10.0) and np.isnan(column["last_webinar"][1])
    assert [s.monotone for s in builder.features[len(FEATURE_NAMES) :]] == [0, 0, 1, 0, 0]
    assert [s.categorical for s in builder.features[len(FEATURE_NAMES) :]] == [
        True,
        False,
        False,
        False,
        False,
    ]


def test_a_builder_round_trips_its_custom_fields_and_vocabularies():
    leads = [make_lead(lead_id=f"c{i}", custom={"segment": "smb" if i % 2 else "ent"}) for i in range(6)]
    derived = _derived(leads)
    builder = FeatureBuilder(min_category_count=2, custom_fields=FIELDS).fit(derived)
    again = FeatureBuilder.from_dict(builder.to_dict())
    assert again.custom_fields == FIELDS
    np.testing.assert_array_equal(again.transform(derived), builder.transform(derived))


def test_a_category_s_levels_are_named_as_the_export_spells_them_most_often():
    spelled = ["Demo request", "Demo request", "demo request", "NEWSLETTER", "Newsletter", "newsletter"] * 3
    leads = [make_lead(lead_id=f"c{i}", custom={"segment": s}) for i, s in enumerate(spelled)]
    derived = _derived(leads)
    builder = FeatureBuilder(min_category_count=2, custom_fields=FIELDS).fit(derived)
    feature = FIELDS[0].feature
    assert builder.vocabularies_[feature] == ["(other)", "demo request", "newsletter"]
    # The most frequent spelling; a tie goes to the first seen.
    assert builder.level_names(feature) == ["(other)", "Demo request", "NEWSLETTER"]
    assert FeatureBuilder.from_dict(builder.to_dict()).level_names(feature) == builder.level_names(feature)
    saved = builder.to_dict()
    del saved["spellings"]  # as bundles written before spellings
    assert FeatureBuilder.from_dict(saved).level_names(feature) == ["(other)", "demo request", "newsletter"]


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (10**16, "number larger than 1e+15, got 10000000000000000"),
        (1e16, "number larger than 1e+15, got 1e+16"),  # the same number written with an exponent
        (1e20, "number larger than 1e+15, got 1e+20"),
        (-1e20, "number smaller than -1e+15, got -1e+20"),
        (-(10**16), "number smaller than -1e+15, got -10000000000000000"),
    ],
)
def test_a_custom_number_beyond_1e15_is_refused_however_it_is_written(value, problem):
    # Walk: 1e20 for an integer field got 201 and the reason "Trial signups: 100,000,000,000,000,000,000".
    with pytest.raises(LeadValidationError, match=re.escape(f"custom.calls: {problem}")):
        parse_lead({"lead_id": "c1", "created_at": "2026-01-01", "custom": {"calls": value}})
    for spec in FIELDS[2:4]:  # the integer and the number field, checked against the model's declaration
        assert custom_problems({spec.name: value}, FIELDS) == [f"custom.{spec.name}: {problem}"]


def test_a_custom_number_up_to_1e15_is_taken():
    for value in (10**15, 1e15, -1e15, 123456789.5):
        lead = parse_lead({"lead_id": "c1", "created_at": "2026-01-01", "custom": {"score_elsewhere": value}})
        assert lead.custom == {"score_elsewhere": value}
        assert custom_problems(lead.custom, FIELDS) == []


def test_a_stored_lead_keeps_a_custom_number_taken_before_the_bound():
    # 1e20 was accepted before floats were bounded: read back from the store, the lead is still decided again.
    stored = {"lead_id": "c1", "created_at": "2026-01-01", "custom": {"calls": 1e20}}
    assert parse_lead(stored, stored=True).custom == {"calls": 1e20}


def test_a_category_keeps_every_level_with_enough_leads_even_eighty_of_them():
    # Walk AA: 80 resellers of ~70 leads each; only the 40 most common were learned, 45% of leads pooled.
    leads = [make_lead(lead_id=f"c{i}", custom={"segment": f"partner {i % 80}"}) for i in range(80 * 20)]
    derived = _derived(leads)
    builder = FeatureBuilder(custom_fields=FIELDS).fit(derived)
    feature = FIELDS[0].feature
    assert builder.min_category_count == 20 and len(builder.vocabularies_[feature]) == 1 + 80
    codes = builder.transform(derived)[:, builder.feature_names.index(feature)]
    assert (codes > 0).all()  # none pooled as "(other)"
