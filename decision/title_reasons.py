"""The words of the title's reason families: the seniority and function the rules read, or that they read none."""

from __future__ import annotations

import numpy as np

from leadgate.features.derived import Derived


def seniority_unread(d: Derived, i: int) -> bool:
    """A given title no seniority rule recognised: its seniority is the default, no fact of the lead."""
    return not d.seniority_read[i] and bool(d.table.text["job_title"][i])


def function_unread(d: Derived, i: int) -> bool:
    """A given title no function rule recognised: its function is the default, no fact of the lead."""
    return not d.function_read[i] and bool(d.table.text["job_title"][i])


def title_unread(d: Derived, i: int) -> bool:
    """A given title no rule recognised at all (Florist, or a language the rules do not know)."""
    return seniority_unread(d, i) and function_unread(d, i)


def _unrecognised(title: str, reading: str) -> str:
    # Both families name a reading the rules missed the same way: the title as given, not a default claimed.
    return f"Job title: {title} ({reading} not recognised by leadgate's title rules)"


def seniority_words(d: Derived, x: np.ndarray, i: int, negative: bool) -> str:
    title = d.table.text["job_title"][i]
    if not title:
        return "Job title not given"
    if seniority_unread(d, i):
        # The model weighed the title itself (and the default rank): no seniority may be claimed of it.
        return _unrecognised(title, "seniority")
    kind = {
        "executive": "Executive / founder",
        "vp": "VP-level role",
        "director": "Director-level role",
        "manager": "Manager-level role",
        "individual": "Individual-contributor role",
        "junior": "Junior role",
        "student": "Student or intern",
    }.get(d.seniority[i], "Role")
    if d.seniority[i] == "student" and not d.is_student[i]:
        # The model ranks an apprentice (Azubi, apprenti) or trainee with students; the words must not call
        # them one, as the student gate does not.
        kind = "Apprentice or trainee"
    return f"{kind} ({title})"


FUNCTION_WORDS = {"it": "IT", "hr": "HR"}  # as people write them: "Job function it" read as the pronoun


def function_words(d: Derived, x: np.ndarray, i: int, negative: bool) -> str:
    title = d.table.text["job_title"][i]
    if not title:
        return "Job function not given"
    if function_unread(d, i):
        # A title whose function no rule reads may well name one, its seniority read or not: "No known job
        # function" counted against good titles the rules did not know yet (walk Y: "Head of RevOps").
        return _unrecognised(title, "job function")
    function = d.function[i]
    return f"Job function {FUNCTION_WORDS.get(function, function)} ({title})"
