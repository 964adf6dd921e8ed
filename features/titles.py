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
        # A vice president is no president: "Vice President Sales" is a VP of sales.
        r"\b(ceo|cto|cfo|coo|cio|cmo|cro|chief|founder|co-?founder|owner|(?<!vice )(?<!vice-)president|partner|"
        r"managing director)\b",
    ),
    ("vp", r"\b(vp|svp|evp|vice[- ]president|head of)\b"),
    # The abbreviations CRM titles carry (walk AC: "Mgr, CRM" read as no seniority).
    ("director", r"\b(director|dir)\b"),
    ("manager", r"\b(manager|mgr|lead|principal|supervisor)\b"),
    ("junior", r"\b(junior|jr\.?|assistant|asst|associate|entry)\b"),
    (
        "individual",
        r"\b(engineer|developer|analyst|specialist|consultant|coordinator|representative|administrator|"
        r"scientist|designer|accountant|officer|architect|researcher|editor|reporter|journalist)\b",
    ),
)
_FUNCTION_RULES = (
    (
        "executive",
        r"\b(ceo|chief executive|founder|co-?founder|owner|(?<!vice )(?<!vice-)president|managing director|"
        r"general manager)\b",
    ),
    ("media", r"\b(journalist|reporter|editor|writer|press|media)\b"),
    ("research", r"\b(research|researcher|professor|scientist|phd|lecturer|academic|postdoc)\b"),
    ("engineering", r"\b(engineer|engineering|developer|software|cto|architect|devops)\b"),
    ("it", r"\b(it|cio|systems|infrastructure|security|network|administrator)\b"),
    ("sales", r"\b(sales|account executive|business development|bdr|sdr|cro|revenue)\b"),
    ("marketing", r"\b(marketing|mktg|cmo|growth|brand|demand gen|content)\b"),
    ("operations", r"\b(operations|coo|ops|supply|logistics|procurement)\b"),
    ("finance", r"\b(finance|cfo|accountant|accounting|controller|financial)\b"),
    ("hr", r"\b(hr|human resources|recruiter|talent|people)\b"),
)
# Common B2B titles the rules above miss, asked only where no rule above nor of another language read anything:
# a title those read keeps its reading ("Chief Revenue Officer" executive, "Data Engineer" engineering, "IT
# Operations Manager" IT), and so do models trained on it.
_MORE_SENIORITY_RULES = (
    # Quota-carrying sales roles (an account executive is no executive) and a marketer, as an engineer reads.
    ("individual", r"\b(account executive|ae|sdr|bdr|rep|marketer)\b"),
)
_MORE_FUNCTION_RULES = (
    (
        "marketing",
        # "demand gen" above ends at a word boundary, which "demand generation" has not there.
        r"\b(demand gen\w*|lead gen\w*|lifecycle|crm|seo|ppc|abm|martech|mops|communications)\b",
    ),
    # Revenue operations run the sales pipeline and its tools for the CRO: the rules above already read
    # "Revenue Operations" and "Sales Operations" as sales (sales comes before operations), so RevOps is too.
    ("sales", r"\b(rev-?ops|rev ops|salesops|ae|account manage(r|ment))\b"),
    ("research", r"\b(data science)\b"),  # as "Data Scientist" reads above
    # Data, BI and analytics teams run the company's warehouse and reporting tools, mostly under the CIO or
    # CTO: IT, not research, which holds academia (professors, PhDs, postdocs) and market research. Only named
    # data and BI roles: a bare "data" is also a data protection officer (legal) or a data entry clerk, and a
    # bare "bi" is "Bi-lingual Customer Support".
    (
        "it",
        r"\b(data (analyst|analytics|warehous\w*|platform|governance|quality|team|officer)|of data$|analytics|"
        r"bi (analyst|developer|engineer|manager|lead|specialist|consultant|architect|team)|of bi$|"
        r"business intelligence)\b",
    ),
)
_JOB_SEEKER = re.compile(
    r"\b(job ?seeker|looking for (a )?(job|work|opportunit\w*)|seeking (employment|opportunit\w*)|"
    r"unemployed|open to work|career change|between jobs)\b"
)
_STUDENT = re.compile(r"\b(student|intern|internship|undergrad\w*|phd candidate|graduate student|thesis)\b")
_COMPILED_SENIORITY = tuple((name, re.compile(rule)) for name, rule in _SENIORITY_RULES)
_COMPILED_FUNCTION = tuple((name, re.compile(rule)) for name, rule in _FUNCTION_RULES)
_COMPILED_MORE_SENIORITY = tuple((name, re.compile(rule)) for name, rule in _MORE_SENIORITY_RULES)
_COMPILED_MORE_FUNCTION = tuple((name, re.compile(rule)) for name, rule in _MORE_FUNCTION_RULES)

# A title's first phrase ends at a preposition or a separator: "Head | of Student Recruitment",
# "Assistant | to the CEO", "Referentin | der Geschäftsführung", "Marketing Intern | at Acme".
_PHRASE_END = re.compile(
    r"\s+(?:of|to|for|at|in|with|on|der|des|de|du|di|del|della|van|von|fuer|fur)\s+|\s*[,;(/|:]\s*|\s+[-–—]\s+"
)
# Heads of staff roles, whose study words say whom they look after: "Student Success Manager", "Director of
# Student Affairs", "Intern Program Manager" (not "lead" or "president": a student lead or student body
# president is a student).
_STAFF_HEAD = re.compile(
    r"(?:manager|director|head|vp|recruiter|coordinator|officer|advisor|adviser|counsell?or|administrator|"
    rf"supervisor|dean|{title_words.STAFF_HEADS})"
)
# Heads of those who assist or advise someone: "Executive Assistant to the CFO" is no executive.
_SUPPORT_HEAD = re.compile(rf"(?:assistant|secretary|aide|{title_words.SUPPORT_HEADS})")


def _may_assist(text: str) -> bool:
    # Letters every support head has: most titles have none, and plain substring tests cost a tenth of a
    # search for the words (a quarter of what reading a whole title took before).
    return (
        "assist" in text
        or "asist" in text
        or "secret" in text
        or "sekret" in text
        or ("segret" in text or "aide" in text or "referent" in text)
    )


# A past role says nothing of the lead's present one: "Former CEO" and "Ex-Geschäftsführer" are read as no
# title words at all, not as the executive they were (nor as a job seeker unless the title says so).
_PAST_ROLE = re.compile(r"(?:former|ex|retired|ehemalige[rn]?|ehem|ancienne?|antigu[oa])\b")


def first_phrase(folded: str) -> str:
    """A folded title's first phrase, whose last word is its head: "head", "student success manager"."""
    return _PHRASE_END.split(folded, maxsplit=1)[0].strip()


def head_word(folded: str) -> str:
    """The head word of a folded title: the last of its first phrase ("manager" of "Student Success Manager")."""
    words = first_phrase(folded).split()
    return words[-1] if words else ""


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
    is_job_seeker = bool(_JOB_SEEKER.search(text))
    if _PAST_ROLE.match(text):
        return TitleReading("individual", "other", False, is_job_seeker, False, False)
    reading, executive = text, True
    if _may_assist(text):
        folded = title_words.fold(text)
        phrase = first_phrase(folded)
        if phrase != folded and _SUPPORT_HEAD.fullmatch(head_word(folded)):
            # An assistant is read by their own phrase and works in the function of whom they assist, never
            # the executive one: "Executive Assistant to the CFO" is a junior finance role.
            reading, executive = phrase, False
    seniority = next((name for name, rule in _COMPILED_SENIORITY if rule.search(reading)), None)
    functions = _COMPILED_FUNCTION if executive else _COMPILED_FUNCTION[1:]  # the executive rule is first
    function = next((name for name, rule in functions if rule.search(text)), None)
    is_student = bool(_STUDENT.search(text))
    staff = False
    if seniority == "student" or is_student:
        staff = bool(_STAFF_HEAD.fullmatch(head_word(title_words.fold(text))))
        if staff:  # "Student Success Manager": the study word names whom the role looks after
            seniority = next(
                (n for n, rule in _COMPILED_SENIORITY if n != "student" and rule.search(reading)), None
            )
            is_student = False
    # Other languages only fill what the English rules found nothing of.
    if seniority is None or function is None:
        folded = title_words.fold(reading)
        if seniority is None and (found := title_words.seniority(folded, staff)) is not None:
            if found[0] == "student" and _STAFF_HEAD.fullmatch(head_word(folded)):  # "Tuteur de stagiaire"
                found = title_words.seniority(folded, staff=True) or (None, False)
            seniority, is_student = found[0], is_student or found[1]
        if function is None:
            function = title_words.function(title_words.fold(text), executive)
    # Then the later English words, last so that no title read before reads otherwise (see their rules).
    if seniority is None:
        seniority = next((name for name, rule in _COMPILED_MORE_SENIORITY if rule.search(reading)), None)
    if function is None:
        function = next((name for name, rule in _COMPILED_MORE_FUNCTION if rule.search(text)), None)
    return TitleReading(
        seniority or "individual",
        function or "other",
        is_student,
        is_job_seeker,
        seniority is not None,
        function is not None,
    )
