"""Job titles read as seniority, function, student and job seeker: English rules, then other languages."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from leadgate.features import title_words

_CACHE = 65_536  # leads repeat titles: parsing one is cheap, but every lead has one

SENIORITIES = ("unknown", "student", "junior", "individual", "manager", "director", "vp", "executive")
FUNCTIONS = (
    "unknown",
    "executive",
    "engineering",
    "it",
    "sales",
    "marketing",
    "operations",
    "finance",
    "hr",
    "research",
    "media",
    "other",
)

_SENIORITY_RULES = (
    (
        "student",
        r"\b(student|intern|internship|trainee|apprentice|phd candidate|undergrad|graduate student)\b",
    ),
    (
        "executive",
        r"\b(ceo|cto|cfo|coo|cio|cmo|cro|chief|founder|co-?founder|owner|president|partner|managing director)\b",
    ),
    ("vp", r"\b(vp|svp|evp|vice president|head of)\b"),
    ("director", r"\b(director)\b"),
    ("manager", r"\b(manager|lead|principal|supervisor)\b"),
    ("junior", r"\b(junior|jr\.?|assistant|associate|entry)\b"),
    (
        "individual",
        r"\b(engineer|developer|analyst|specialist|consultant|coordinator|representative|administrator|"
        r"scientist|designer|accountant|officer|architect|researcher|editor|reporter|journalist)\b",
    ),
)
_FUNCTION_RULES = (
    (
        "executive",
        r"\b(ceo|chief executive|founder|co-?founder|owner|president|managing director|general manager)\b",
    ),
    ("media", r"\b(journalist|reporter|editor|writer|press|media)\b"),
    ("research", r"\b(research|researcher|professor|scientist|phd|lecturer|academic|postdoc)\b"),
    ("engineering", r"\b(engineer|engineering|developer|software|cto|architect|devops)\b"),
    ("it", r"\b(it|cio|systems|infrastructure|security|network|administrator)\b"),
    ("sales", r"\b(sales|account executive|business development|bdr|sdr|cro|revenue)\b"),
    ("marketing", r"\b(marketing|cmo|growth|brand|demand gen|content)\b"),
    ("operations", r"\b(operations|coo|ops|supply|logistics|procurement)\b"),
    ("finance", r"\b(finance|cfo|accountant|accounting|controller|financial)\b"),
    ("hr", r"\b(hr|human resources|recruiter|talent|people)\b"),
)
_JOB_SEEKER = re.compile(
    r"\b(job ?seeker|looking for (a )?(job|work|opportunit\w*)|seeking (employment|opportunit\w*)|"
    r"unemployed|open to work|career change|between jobs)\b"
)
_STUDENT = re.compile(r"\b(student|intern|internship|undergrad\w*|phd candidate|graduate student|thesis)\b")
_COMPILED_SENIORITY = tuple((name, re.compile(rule)) for name, rule in _SENIORITY_RULES)
_COMPILED_FUNCTION = tuple((name, re.compile(rule)) for name, rule in _FUNCTION_RULES)


class TitleReading(NamedTuple):
    """What a job title says; `*_read` is False where no rule recognised it and the value is the default."""

    seniority: str
    function: str
    is_student: bool
    is_job_seeker: bool
    seniority_read: bool = True
    function_read: bool = True


_NO_TITLE = TitleReading("unknown", "unknown", False, False)


@lru_cache(maxsize=_CACHE)
def parse_title(title: str) -> TitleReading:
    """(seniority, function, is_student, is_job_seeker, …) parsed from a job title, English rules first."""
    text = title.strip().lower()
    if not text:
        return _NO_TITLE
    seniority = next((name for name, rule in _COMPILED_SENIORITY if rule.search(text)), None)
    function = next((name for name, rule in _COMPILED_FUNCTION if rule.search(text)), None)
    is_student = bool(_STUDENT.search(text))
    # Other languages only fill what the English rules found nothing of: their readings never change.
    if seniority is None or function is None:
        folded = title_words.fold(text)
        if seniority is None and (found := title_words.seniority(folded)) is not None:
            seniority, is_student = found[0], is_student or found[1]
        if function is None:
            function = title_words.function(folded)
    return TitleReading(
        seniority or "individual",
        function or "other",
        is_student,
        bool(_JOB_SEEKER.search(text)),
        seniority is not None,
        function is not None,
    )
