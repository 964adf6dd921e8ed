"""What a route means is written once: severity, rejecting, reaching sales, and why a lead was rejected."""

from __future__ import annotations

import pytest

from leadgate.decision.record import FiredGate
from leadgate.decision.routes import (
    MODEL_REJECTION,
    REJECTING_ROUTES,
    ROUTES,
    SALES_ROUTES,
    Route,
    rejection_reasons,
)


def test_routes_in_order_of_severity_and_what_each_means():
    assert ROUTES == ("sales_ready", "verify", "nurture", "self_service", "silent_reject")
    assert [Route(r).severity for r in ROUTES] == [0, 1, 2, 3, 4]
    assert REJECTING_ROUTES == ("self_service", "silent_reject")
    assert SALES_ROUTES == ("sales_ready", "verify")
    assert not Route.nurture.rejecting and not Route.nurture.reaches_sales


def _gate(code: str, route: str, lifted: bool = False) -> FiredGate:
    return FiredGate(code, "bad_faith", "eligibility", route, "why", "thank_you", lifted)


@pytest.mark.parametrize(
    ("route", "gates", "reasons"),
    [
        ("verify", [_gate("personal_email", "verify")], []),
        ("self_service", [_gate("below_size_floor", "self_service")], ["below_size_floor"]),
        ("silent_reject", [_gate("a", "silent_reject"), _gate("b", "verify")], ["a"]),
        ("self_service", [_gate("lifted_one", "self_service", lifted=True)], [MODEL_REJECTION]),
        ("self_service", [], [MODEL_REJECTION]),
    ],
)
def test_rejection_reasons_are_the_unlifted_rejecting_gates_else_the_model(route, gates, reasons):
    assert rejection_reasons(route, gates) == reasons
