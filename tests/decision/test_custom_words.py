"""A custom field's value as its reasons quote it."""

from __future__ import annotations

import pytest

from leadgate.decision.custom_words import category_shown
from leadgate.features.custom import CustomField

PLZ = CustomField("postal_code", "category", "Postal code", prefix=2)
SEGMENT = CustomField("segment", "category", "Segment")


@pytest.mark.parametrize(
    ("field", "value", "pooled", "shown"),
    [
        (PLZ, "41875", False, "41875 (read as 41)"),
        (PLZ, " 41875 ", False, "41875 (read as 41)"),  # walk W: 'Postal code:  41875  (read as 41)'
        (PLZ, " 99999", True, "99999 (read as 99; other: rare or new in training)"),
        (PLZ, "8", True, "8 (other: rare or new in training)"),
        (SEGMENT, " Enterprise ", False, "Enterprise"),
    ],
)
def test_a_category_value_is_quoted_as_it_is_read_without_surrounding_spaces(field, value, pooled, shown):
    assert category_shown(field, value, pooled=pooled) == shown


def test_a_note_names_a_prefix_field_s_value_by_its_level_and_others_as_written():
    from leadgate.decision.custom_words import value_named

    assert value_named(" 99999 ", CustomField("plz", "category", "Postal code", prefix=2)) == "99…"
    assert value_named(" LinkedIn Lead Gen ", CustomField("src", "category", "Source")) == "LinkedIn Lead Gen"
    assert value_named("Webinar", None) == "Webinar"  # a built-in column
