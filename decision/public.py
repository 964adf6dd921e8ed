"""What the person who filled the form may be told: a next step and a message class, never the criteria."""

from __future__ import annotations

from leadgate.decision.routes import Route

NEXT_STEP = {
    "sales_ready": "sales_call",
    "verify": "verify",
    "nurture": "nurture",
    "self_service": "self_service",
    "silent_reject": "thank_you",
}
# The steps that are a phone call, and what each is instead while the person may not be phoned (an active
# phone suppression): sales still takes the lead, by email. The route, which says the fit, stays.
NO_CALL = {"sales_call": "sales_email"}


def public_answer(
    route: str, route_source: str, gate_message: str | None, seniority: str, no_call: bool = False
) -> tuple[str, str]:
    """(next_step, message class): a gate's class only when a gate kept the lead from sales; never a call when
    `no_call` (a do-not-call request in force)."""
    next_step = NEXT_STEP[route]
    if no_call:
        next_step = NO_CALL.get(next_step, next_step)
    if route == "silent_reject":
        return next_step, "thank_you"
    rejecting = Route(route).rejecting
    if rejecting and route_source == "gate" and gate_message:
        return next_step, gate_message
    if rejecting and seniority in ("junior", "student"):
        # A junior contact is pointed to a guide to share with the team that would buy.
        return next_step, "team_guide"
    return next_step, next_step
