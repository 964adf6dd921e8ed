"""The lists gates read (competitors, employees, do-not-engage, previously rejected): kinds and valid values.

A list's entries come from the policy file and from the store, where they are maintained by API and CLI;
the effective list is both. Values are normalized here, once, so "ACME.com." and "acme.com" are one entry,
and a domain is the registered domain the gates compare (a website's, an account's), so "www.acme.com" is too.
"""

from __future__ import annotations

import contextlib
import ipaddress
import re

from leadgate.features.signals import classify_domain, is_public_suffix, registered_domain

# List kind -> the field of the policy's `domains` it adds to, and what a value is.
LIST_KINDS: dict[str, tuple[str, str]] = {
    "competitor_domains": ("competitors", "domain"),
    "competitor_networks": ("competitor_networks", "network"),
    "employee_domains": ("own", "domain"),
    "do_not_engage": ("do_not_engage", "domain"),
    "previously_rejected": ("previously_rejected", "domain"),
}
MAX_WHY = 500
_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
_DOMAIN = re.compile(rf"^(?:{_LABEL}\.)+[a-z][a-z0-9-]{{0,62}}$")


class ListValueError(ValueError):
    """A list kind or value that cannot be kept; the message says why in words."""


class SubdomainError(ListValueError):
    """A subdomain (other than www.) given for a list: the gates would match only addresses at exactly it."""


def check_kind(kind: str) -> str:
    """The kind itself, or ListValueError naming the known kinds."""
    if kind not in LIST_KINDS:
        raise ListValueError(f"unknown list kind {kind!r}; known: {', '.join(LIST_KINDS)}")
    return kind


def normalize_domain(value: str) -> str:
    """A bare domain, lower-cased, IDNA-encoded, without a trailing dot; ListValueError when it is not one."""
    text = value.strip().lower().rstrip(".")
    if not text:
        raise ListValueError("a domain is required")
    if "://" in text or "/" in text or "@" in text or " " in text:
        raise ListValueError(f"{value!r} is not a bare domain: give it like acme.com (no scheme, path or @)")
    try:
        text = text.encode("idna").decode("ascii")
    except UnicodeError:
        raise ListValueError(f"{value!r} is not a valid domain name") from None
    if len(text) > 253 or not _DOMAIN.match(text):
        raise ListValueError(f"{value!r} is not a valid domain name (labels of letters, digits and hyphens)")
    return text


def nobodys_domain(domain: str) -> str | None:
    """Why a bare domain names no one's account, or None: a public suffix (co.uk) or a free-mail or
    disposable email domain (gmail.com) is where unrelated people write from, not one company."""
    if is_public_suffix(domain):
        return f"{domain} is a public suffix, no one's account"
    kind = classify_domain(domain, frozenset(), frozenset())
    if kind in ("free", "disposable"):
        return f"{domain} is a {kind} email domain, nobody's account"
    return None


def account_domain(value: str) -> str:
    """A new domain list entry (`list_domain`), refused when it names no one's account (`nobodys_domain`)."""
    domain = list_domain(value)
    nobody = nobodys_domain(domain)
    if nobody:
        # The gates match a lead's email domain too: one such entry would hold everyone who writes from it.
        raise ListValueError(
            f"{nobody}: it would hold every lead writing from it; list the company's own domain"
        )
    return domain


def list_domain(value: str) -> str:
    """A list's domain as the gates compare it: bare (`normalize_domain`) and, as accounts are known, by its
    registered domain (`signals.registered_domain`): "WWW.Acme.com." -> "acme.com".

    A lead's website and its account are compared by their registered domain, so "www.acme.com" on a list
    would never match one: www. is taken off, since it always names the company's own site. Any other
    subdomain is refused with the registered domain to give instead: taking "eu.acme.com" to all of Acme
    could block more than was meant, and kept as given it would match only email addresses at exactly it.
    A domain whose suffix the public-suffix list does not know (acme.internal) is kept as given.
    """
    text = normalize_domain(value)
    base = registered_domain(text)
    if not base or base == text:
        return text
    if text == f"www.{base}":
        return base
    raise SubdomainError(
        f"{value!r} is a subdomain: the gates compare a lead's website and account by the registered domain, "
        f"so it would match only addresses @{text}; did you mean {base}?"
    )


def compared_domain(value: str) -> str:
    """A listed domain as leads' domains are compared: `list_domain`'s form, or for a subdomain (which only a
    policy stored with an older model can hold) the bare form it always matched as."""
    try:
        return list_domain(value)
    except SubdomainError:
        return normalize_domain(value)


def domain_set(values) -> frozenset[str]:
    """A policy's listed domains as leads' domains are compared (`compared_domain`): the file keeps them as
    written, so its version holds; one that is no domain matches nothing."""
    found = set()
    for value in values or ():
        try:
            found.add(compared_domain(value))
        except ListValueError:
            continue  # only a policy stored with an older model can hold one
    return frozenset(found)


def normalize_network(value: str) -> str:
    """A CIDR network in canonical form (a single address becomes /32 or /128); ListValueError otherwise."""
    text = value.strip()
    try:
        return str(ipaddress.ip_network(text, strict=True))
    except ValueError as error:
        hint = ""
        with contextlib.suppress(ValueError):
            hint = f": did you mean {ipaddress.ip_network(text, strict=False)}?"
        raise ListValueError(f"{value!r} is not a CIDR network ({error}){hint}") from None


# The broadest network a list takes, by IP version. One company's addresses are at most a few IPv4 /16s; the
# very largest single holders have a /8 (17.0.0.0/8). In IPv6 a registry gives a site a /48 and a provider a
# /32, the largest providers a /19 or /20, and each registry itself holds /12s: a /16 is already more than any
# one company's. Broader ranges span many unrelated companies (0.0.0.0/0 and ::/0 are every address), so one
# entry would send every lead writing from them to silent_reject as a competitor. A provider's range (a /8 of
# home connections) passes this bound and still holds its customers: a company's own ranges are what to list.
BROADEST_PREFIX = {4: 8, 6: 16}


def nobodys_network(network: ipaddress.IPv4Network | ipaddress.IPv6Network) -> str | None:
    """Why a network is broader than any one company's (shorter than BROADEST_PREFIX), or None."""
    if network.prefixlen >= BROADEST_PREFIX[network.version]:
        return None
    share = "every" if network.prefixlen == 0 else f"1/{2**network.prefixlen:,} of all"
    addresses = "addresses" if network.prefixlen else "address"
    return f"{network} is {share} IPv{network.version} {addresses}, no one company's"


def company_network(value: str) -> str:
    """A new network list entry (`normalize_network`), refused when broader than one company's."""
    network = normalize_network(value)
    nobody = nobodys_network(ipaddress.ip_network(network))
    if nobody:
        broadest = " or ".join(f"IPv{v} /{n}" for v, n in BROADEST_PREFIX.items())
        raise ListValueError(
            f"{nobody}: it would hold every lead writing from it; list the company's own ranges "
            f"(none broader than {broadest})"
        )
    return network


def normalize(kind: str, value: str) -> str:
    """A new list value in the form it is stored and compared in; ListValueError when it cannot be kept."""
    _, what = LIST_KINDS[check_kind(kind)]
    return company_network(value) if what == "network" else account_domain(value)


def compared(kind: str, value: str) -> str:
    """A value already listed (the policy file's, the store's) as the gates compare it."""
    _, what = LIST_KINDS[check_kind(kind)]
    return normalize_network(value) if what == "network" else compared_domain(value)


def merged_domains(domains, lists: dict[str, tuple[str, ...]]) -> dict:
    """The policy's `domains` as JSON with the store's entries of each kind added (file entries first, no repeats)."""
    merged = domains.model_dump(mode="json")
    for kind, values in lists.items():
        field, _ = LIST_KINDS[check_kind(kind)]
        current = list(merged.get(field) or [])
        known = {v.lower() for v in current}
        current += [v for v in values if v.lower() not in known]
        merged[field] = current
    return merged
