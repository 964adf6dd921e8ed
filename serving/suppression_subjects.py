"""Who a suppression is about: an email address (a person) or an account's domain, and the subjects that bear
on a lead or on a subject asked about."""

from __future__ import annotations

import hashlib
import hmac

from leadgate.decision.lists import ListValueError, nobodys_domain, normalize_domain
from leadgate.features import signals
from leadgate.features.schema_types import unseen_problem

ERASED = "erased:"  # prefix of a subject kept only as a keyed hash after its person was erased


class SuppressionError(ValueError):
    """A suppression asked for that cannot be kept (bad subject, contact, reason, expiry); nothing was written."""


def erased_subject(salt: str | None, subject: str) -> str:
    """What an erased person's suppression keeps: an HMAC of the address under the erasure salt, or nothing."""
    if salt is None:
        return ERASED  # without a salt a hash of a guessable address would identify the person
    return ERASED + hmac.new(salt.encode(), subject.encode(), hashlib.sha256).hexdigest()


def parse_subject(subject: str) -> tuple[str, str]:
    """(kind, subject): an email address (a person) or a bare domain (an account), lower-cased and checked."""
    text = (subject or "").strip().lower()
    # A zero-width space or a bidi mark would make a second subject that prints as the first and never matches it.
    unseen = unseen_problem(text)
    if unseen:
        raise SuppressionError(f"{subject!r} may not hold control or invisible characters ({unseen})")
    if "@" in text:
        local, _, domain = text.rpartition("@")
        if not local or not signals.email_domain(text):
            raise SuppressionError(f"{subject!r} is not an email address")
        try:
            return "email", f"{local}@{normalize_domain(domain)}"
        except ListValueError as error:
            raise SuppressionError(f"{subject!r} is not an email address: {error}") from None
    try:
        domain = normalize_domain(text)
    except ListValueError as error:
        raise SuppressionError(f"subject must be an email address or a bare domain: {error}") from None
    # A domain stands for one account: a free-mail provider's or a public suffix would stop contact with
    # everyone who writes from it (gmail.com: thousands of unrelated people).
    nobody = nobodys_domain(domain)
    if nobody:
        tail = (
            "give the company's own domain"
            if signals.is_public_suffix(domain)
            else "suppress the person's address instead"
        )
        raise SuppressionError(f"{nobody}: {tail}")
    if not signals.registered_domain(domain):
        raise SuppressionError(f"{domain} is not a company domain such as acme.com")
    return "domain", domain


def subjects_of(lead: dict, salt: str | None = None) -> list[str]:
    """The subjects whose suppressions bear on a lead: its email (and that as erased), its account's domains."""
    email = ((lead.get("contact") or {}).get("email") or "").strip().lower()
    found = []
    if email:
        found += [email, erased_subject(salt, email)] if salt else [email]
        domain = signals.registered_domain(signals.email_domain(email))
        if domain:
            found.append(domain)
    website = signals.registered_domain((lead.get("company") or {}).get("website") or "")
    if website:
        found.append(website)
    found.append(f"lead:{lead.get('lead_id')}")  # a lead without an email: its own events' suppressions
    return list(dict.fromkeys(found))


def bearing_on(subject: str) -> list[str]:
    """The subjects whose records bear on one asked about (parsed): a person's own, and their account's domain
    (a legal hold on nordlicht-tools.de stops contact with jon@nordlicht-tools.de too); a domain's own."""
    if "@" not in subject:
        return [subject]
    domain = signals.registered_domain(signals.email_domain(subject))
    return [subject, domain] if domain else [subject]
