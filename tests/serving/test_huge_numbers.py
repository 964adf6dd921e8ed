"""JSON integers too large for a float, in every number a lead or a review takes: a 422 naming the field."""

from __future__ import annotations

import json

import pytest

from leadgate.features.schema import LeadValidationError, parse_lead
from tests.factories import lead_dict
from tests.serving.conftest import auth
from tests.serving.test_bad_input import with_raw

HUGE = "1" + "0" * 400  # 10**400: float() of it raises OverflowError, not ValueError

# Every number field of a lead, as (where in the body, the field its 422 names).
NUMBER_FIELDS = [
    ("company.employees", "company.employees"),
    ("company.annual_revenue", "company.annual_revenue"),
    ("form.seconds_on_form", "form.seconds_on_form"),
    ("source.cost", "source.cost"),
]


@pytest.mark.parametrize("sign", ["", "-"])
@pytest.mark.parametrize(("dotted", "field"), NUMBER_FIELDS)
def test_a_huge_integer_in_a_number_field_is_a_422_naming_it(client, store, dotted, field, sign):
    body = with_raw("huge-1", dotted, sign + HUGE)
    headers = {**auth("intake"), "Content-Type": "application/json"}
    response = client.post("/v1/leads", content=body, headers=headers)
    assert response.status_code == 422, response.text
    [problem] = response.json()["detail"]
    assert problem["field"] == field
    assert HUGE not in problem["problem"]  # not 401 digits echoed back
    assert store.lead("huge-1") is None


def test_a_huge_custom_value_and_decision_seq_are_422s(client):
    headers = {**auth("intake"), "Content-Type": "application/json"}
    custom = with_raw("huge-2", "custom", '{"seats": ' + HUGE + "}")
    response = client.post("/v1/leads", content=custom, headers=headers)
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["field"].startswith("custom")
    token = client.post("/v1/leads", json=lead_dict(lead_id="huge-3"), headers=auth("intake")).json()[
        "review_token"
    ]
    review = client.post(
        f"/v1/review/{token}",
        content='{"decision_seq": ' + HUGE + "}",
        headers={"Content-Type": "application/json"},
    )
    assert review.status_code == 422, review.text
    assert review.json()["detail"][0]["field"] == "decision_seq"


def test_employees_far_out_of_range_say_so_in_a_few_characters():
    with pytest.raises(LeadValidationError) as caught:
        parse_lead(json.loads(with_raw("huge-4", "company.employees", HUGE)))
    assert "expected 0 to 5,000,000 employees, got 100000000000… (401 digits)" in str(caught.value)
    # A table cell's text reads as a float: '1e400' is inf, out of range rather than "not a whole number".
    with pytest.raises(LeadValidationError) as caught:
        parse_lead(lead_dict(lead_id="huge-5", company={"employees": "1e400"}), cells=True)
    assert "expected 0 to 5,000,000 employees, got '1e400'" in str(caught.value)
