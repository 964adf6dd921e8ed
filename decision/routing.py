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


def band_routes(p_sql: np.ndarray, thresholds: Thresholds) -> np.ndarray:
    """Model route of each lead from its calibrated probability."""
    return np.select(
        [p_sql >= thresholds.sales_ready, p_sql >= thresholds.verify, p_sql >= thresholds.nurture],
        [Route.sales_ready.value, Route.verify.value, Route.nurture.value],
        default=Route.self_service.value,
    ).astype(object)


def combine_routes(
    model_route: np.ndarray, model_source: np.ndarray, gates: GateResults, policy: Policy
) -> tuple[np.ndarray, np.ndarray]:
    """Final route: the most severe of the (lifted) model route and every unlifted gate's route."""
    model_severity = np.array([ROUTE_SEVERITY[Route(r)] for r in model_route], dtype=np.int64)
    lift_severity = ROUTE_SEVERITY[policy.lift.route]
    # Suppression is reversible: a fresh high-intent signal lifts the model's route up to the lift route.
    lifted = gates.fresh_signal & (model_severity > lift_severity)
    model_severity = np.where(lifted, lift_severity, model_severity)
    severity = np.maximum(model_severity, gates.severity)
    by_gate = gates.gated & (gates.severity >= model_severity)
    source = np.where(
        by_gate, np.where(gates.lift_only, "lift", "gate"), np.where(lifted, "lift", model_source)
    )
    route = np.array([ROUTES[s] for s in severity], dtype=object)
    return route, source.astype(object)
