"""What a route means, defined once: its severity, whether it rejects or reaches sales, why it rejected."""

from __future__ import annotations

from enum import StrEnum


class Route(StrEnum):
    """Where a lead goes, least severe first."""

    sales_ready = "sales_ready"
    verify = "verify"
    nurture = "nurture"
    self_service = "self_service"
    silent_reject = "silent_reject"

    @property
    def severity(self) -> int:
        """Rank from 0 (sales_ready) up: the final route is the most severe that any rule imposes."""
        return ROUTE_SEVERITY[self]

    @property
    def rejecting(self) -> bool:
        """Kept from sales altogether: the self-service page or a silent reject."""
        return self.severity >= ROUTE_SEVERITY[Route.self_service]

    @property
    def reaches_sales(self) -> bool:
        """A rep works the lead: sales_ready, or verify (a sales-assisted check)."""
        return self.severity <= ROUTE_SEVERITY[Route.verify]


ROUTE_SEVERITY = {route: rank for rank, route in enumerate(Route)}
ROUTES: tuple[str, ...] = tuple(route.value for route in Route)
REJECTING_ROUTES: tuple[str, ...] = tuple(route.value for route in Route if route.rejecting)
SALES_ROUTES: tuple[str, ...] = tuple(route.value for route in Route if route.reaches_sales)
# The reason counted when no gate rejected the lead: its calibrated score fell in a rejecting band.
MODEL_REJECTION = "model_low_p_sql"


def rejection_reasons(route: str, gates: list) -> list[str]:
    """Why a decision kept its lead from sales: the codes of its unlifted rejecting gates, else the model's score."""
    if not Route(route).rejecting:
        return []
    codes = [gate.code for gate in gates if Route(gate.route).rejecting and not gate.lifted]
    return codes or [MODEL_REJECTION]
