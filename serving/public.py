"""The polite message for each public message class (leadgate.decision.public picks the class)."""

from __future__ import annotations

MESSAGES = {
    "sales_call": "Thank you! A specialist will contact you within one business day to set up a call.",
    "sales_email": "Thank you! A specialist will write to you by email within one business day.",
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
