"""What the person who filled the form may see: a next step and a polite message, never the criteria."""

from __future__ import annotations

NEXT_STEP = {
    "sales_ready": "sales_call",
    "verify": "verify",
    "nurture": "nurture",
    "self_service": "self_service",
    "silent_reject": "thank_you",
}
REJECTING = ("self_service", "silent_reject")

MESSAGES = {
    "sales_call": "Thank you! A specialist will contact you within one business day to set up a call.",
    "verify": "Thank you! We are reviewing your request and will get back to you shortly.",
    "nurture": "Thank you! We have sent you a few resources to get started and will follow up.",
    "self_service": "Thank you! You can get started right away with our self-service plans and guides.",
    "smaller_team_alternatives": (
        "Thank you! Our self-service plans are designed for smaller teams; you can start with them today."
    ),
    "check_back_later": (
        "Thank you for your interest. We are not able to serve your organisation yet; "
        "please check back later as we expand."
    ),
    "team_guide": "Thank you! Here is a guide you can share with your team to evaluate solutions like ours.",
    "careers": "Thank you for reaching out. If you are interested in joining us, our careers page lists open roles.",
    "thank_you": "Thank you, your submission has been received.",
}


def public_answer(record: dict) -> tuple[str, str]:
    """(next_step, message class) for a decision record: a gate's class only when a gate kept it from sales."""
    route = record["route"]
    next_step = NEXT_STEP[route]
    if route == "silent_reject":
        return next_step, "thank_you"
    if route in REJECTING and record["route_source"] == "gate" and record["public_message"]:
        return next_step, record["public_message"]
    return next_step, next_step
