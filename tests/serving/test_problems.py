"""A refused lead's problems as the 422 body lists them: each under the field path it names."""

from __future__ import annotations

import pytest

from leadgate.serving.problems import field_problems, lead_problems


@pytest.mark.parametrize(
    ("line", "field", "problem"),
    [
        (
            "custom.segment: not a custom field of the serving model",
            "custom.segment",
            "not a custom field of the serving model",
        ),
        ("events.0.type: Input should be 'page_view'", "events.0.type", "Input should be 'page_view'"),
        ("lead: scored_at is earlier than created_at", "lead", "scored_at is earlier than created_at"),
        ("something went wrong: no path here", "lead", "something went wrong: no path here"),
        ("no colon at all", "lead", "no colon at all"),
    ],
)
def test_each_problem_is_listed_under_the_field_it_names(line, field, problem):
    assert lead_problems([line]) == [{"field": field, "problem": problem}]


def test_a_json_error_names_its_place_once():
    document = '{"lead_id": "a\x01b"}'
    error = {"type": "json_invalid", "loc": ("body", 14), "ctx": {"error": "Invalid control character at"}}
    [found] = field_problems([error], document)
    assert found["problem"] == "body is not valid JSON: Invalid control character at line 1 column 15"
