"""Routes from the model's probability bands and the gates that fired."""

from __future__ import annotations

import numpy as np

from leadgate.decision.gates import GateResults
from leadgate.decision.policy import Policy
from leadgate.decision.policy_routing import Thresholds
from leadgate.decision.routes import ROUTE_SEVERITY, ROUTES, Route

BANDS = {
    Route.sales_ready: "high",
    Route.verify: "medium",
    Route.nurture: "low",
    Route.self_service: "very_low",
}

# By plain value and by rank, for whole batches: Route(value) runs Python code for every lead.
_SEVERITY_OF = {route.value: rank for route, rank in ROUTE_SEVERITY.items()}
_ROUTE_OF = np.array(ROUTES, dtype=object)
_BAND_ROUTES = np.array(
    [route.value for route in BANDS], dtype=object
)  # sales_ready, verify, nurture, self_service


def band_routes(p_sql: np.ndarray, thresholds: Thresholds) -> np.ndarray:
    """Model route of each lead from its calibrated probability."""
    # The first band whose threshold the probability reaches (nested wheres: np.select costs ~20 µs a call).
    band = np.where(
        p_sql >= thresholds.sales_ready,
        0,
        np.where(p_sql >= thresholds.verify, 1, np.where(p_sql >= thresholds.nurture, 2, 3)),
    )
    return _BAND_ROUTES[band]


def combine_routes(
    model_route: np.ndarray, model_source: np.ndarray, gates: GateResults, policy: Policy
) -> tuple[np.ndarray, np.ndarray]:
    """Final route: the most severe of the (lifted) model route and every unlifted gate's route."""
    model_severity = np.array([_SEVERITY_OF[r] for r in model_route.tolist()], dtype=np.int64)
    lift_severity = ROUTE_SEVERITY[policy.lift.route]
    # Suppression is reversible: a fresh high-intent signal lifts the model's route up to the lift route.
    lifted = gates.fresh_signal & (model_severity > lift_severity)
    model_severity = np.where(lifted, lift_severity, model_severity)
    severity = np.maximum(model_severity, gates.severity)
    by_gate = gates.gated & (gates.severity >= model_severity)
    source = np.where(
        by_gate, np.where(gates.lift_only, "lift", "gate"), np.where(lifted, "lift", model_source)
    )
    route = _ROUTE_OF[severity]
    return route, source.astype(object)
