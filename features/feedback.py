"""Sales feedback on a lead it was sent: the standardized reasons, and which label each verdict gives training.

A label says whether the lead turned into what the model predicts, a sales-qualified lead. An `accepted`
verdict is sales qualifying the lead by hand, so it counts as an SQL. A rejection counts as "not an SQL"
only when its reason says something about the lead: its fit (geography, size, role, a competitor, a
student), its contact data, or its need. `timing` (a good lead, not now) and `duplicate` (the same
person already in the CRM) say nothing about whether such a lead converts: they give no label, so the
model is not taught that a good profile is a bad one. A recorded outcome always wins over feedback.
"""

from __future__ import annotations

VERDICTS = ("accepted", "rejected")

# code -> (words, label when rejected: False = not an SQL, None = no label)
REJECTION_REASONS: dict[str, tuple[str, bool | None]] = {
    "wrong_geography": ("outside the regions we serve", False),
    "invalid_contact": ("the contact data is fake or unreachable", False),
    "no_relevant_role": ("nobody with a buying role", False),
    "no_active_need": ("no current need for the product", False),
    "duplicate": ("already in the CRM as another lead", None),
    "competitor": ("a competitor", False),
    "company_too_small": ("too small for the product", False),
    "student_research": ("a student or researcher", False),
    "timing": ("a fit, but not now", None),
}


def feedback_problem(verdict: str, reason: str | None) -> str | None:
    """Why a verdict and reason do not go together, in words; None when they do."""
    if verdict not in VERDICTS:
        return f"verdict must be one of {', '.join(VERDICTS)}"
    if reason is not None and reason not in REJECTION_REASONS:
        return f"reason {reason!r} is not one of {', '.join(REJECTION_REASONS)}"
    if verdict == "rejected" and reason is None:
        return "a rejection needs a reason: one of " + ", ".join(REJECTION_REASONS)
    if verdict == "accepted" and reason is not None:
        return "an accepted lead takes no rejection reason"
    return None


def feedback_label(verdict: str, reason: str | None) -> bool | None:
    """The SQL label a verdict gives training: True (accepted), False (rejected for fit or need), None."""
    if verdict == "accepted":
        return True
    return REJECTION_REASONS[reason][1] if reason in REJECTION_REASONS else None
