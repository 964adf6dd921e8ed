"""Gate reasons as sales reads them: a lead's value is quoted without characters that reorder the line."""

from __future__ import annotations

from leadgate.features.schema import parse_lead
from tests.factories import lead_dict


def test_a_quoted_value_carries_no_bidi_control(pipeline):
    decision = pipeline.decide_one(parse_lead(lead_dict(contact={"email": "\u202eevil\u2066x"})))
    [reason] = [gate.reason for gate in decision.gates if "Email address" in gate.reason]
    assert "evilx" in reason and not any(ch in reason for ch in "\u202e\u2066")
