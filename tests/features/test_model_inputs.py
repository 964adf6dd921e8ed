"""The one table of which lead input feeds each model column (drift, new levels and absent inputs read it)."""

from __future__ import annotations

import pytest

from leadgate.features.builder import FEATURE_NAMES, FeatureBuilder
from leadgate.features.custom import CustomField
from leadgate.features.mapping import TARGETS, parse_mapping
from leadgate.features.model_inputs import INPUT_PATHS, INPUT_WORDS, input_check, input_paths, input_reader
from leadgate.features.schema import EventType
from tests.factories import lead_with_nothing_given, make_lead

# The built-in columns no one input feeds: a comparison of two, a company named by neither, or time and intent.
MIXED = {
    "email_matches_website",
    "company_unidentified",
    "days_since_meaningful",
    "decayed_intent",
    "lead_age_days",
}

_MAPPING = """
name: t
lead_id: {column: Id}
created_at: {column: Created, type: datetime, date_format: "%d.%m.%Y"}
fields:
  source.channel: {column: Lead Source}
custom:
  segment: {column: Segment, type: category}
events:
  - {type: page_view, column: Visits, max_events: 3}
"""


def test_every_model_column_of_the_builder_is_fed_by_one_named_input_or_mixes_several():
    assert set(INPUT_PATHS) <= set(FEATURE_NAMES)
    assert set(FEATURE_NAMES) - set(INPUT_PATHS) == MIXED


def test_every_input_path_is_a_mapping_target_or_an_event_type():
    for path in INPUT_PATHS.values():
        kind, _, rest = path.partition(".")
        assert (kind == "fields" and rest in TARGETS) or (kind == "events" and rest in set(EventType)), path


def test_the_columns_named_in_words_stand_for_distinct_inputs():
    assert set(INPUT_WORDS) <= set(INPUT_PATHS)
    assert len({INPUT_PATHS[column] for column in INPUT_WORDS}) == len(INPUT_WORDS)


def test_a_custom_field_is_its_own_input_and_paths_are_those_a_mapping_names_columns_by():
    builder = FeatureBuilder(custom_fields=(CustomField("segment", "category", "Segment"),))
    paths = input_paths(builder)
    assert paths["custom_segment"] == "custom.segment"
    mapping = parse_mapping(_MAPPING)
    assert set(mapping.feature_columns()) - {"created_at"} == {
        paths["channel"],
        paths["custom_segment"],
        paths["n_page_view"],
    }


@pytest.mark.parametrize("column", sorted(INPUT_PATHS))
def test_every_input_reads_from_a_lead_that_has_it_and_not_from_one_that_lacks_it(column):
    path = INPUT_PATHS[column]
    every_event = [{"type": t.value, "at": "2026-11-01T10:00:00Z"} for t in EventType]
    given = make_lead(source={"campaign": "spring", "cost": 120}, events=every_event)
    bare = lead_with_nothing_given(contact={"email": None}, form={"seconds_on_form": None}, events=[])
    bare = bare.model_copy(update={"source": bare.source.model_copy(update={"cost": None})})
    assert input_check(path)(given) and not input_check(path)(bare)
    if not path.startswith("events."):
        assert input_reader(path)(given) not in (None, "") and input_reader(path)(bare) is None


def test_a_custom_input_is_read_from_the_lead_s_custom_fields():
    lead = make_lead(custom={"segment": "mid-market"})
    assert input_reader("custom.segment")(lead) == "mid-market"
    assert input_reader("custom.region")(lead) is None
    with pytest.raises(ValueError, match="events.demo_request is not"):
        input_reader("events.demo_request")


def test_every_model_column_names_the_input_it_reads_a_custom_field_by_its_label():
    from leadgate.features.builder import FeatureBuilder
    from leadgate.features.custom import CustomField
    from leadgate.features.model_inputs import input_names

    builder = FeatureBuilder(custom_fields=(CustomField("budget", "number", "Budget (USD)"),))
    names = input_names(builder)
    assert set(builder.feature_names) <= set(names)  # none left unnamed
    assert names["custom_budget"] == "Budget (USD)" and names["log10_revenue"] == "company.annual_revenue"
