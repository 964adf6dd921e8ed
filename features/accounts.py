"""Which account (registered company domain) a contact belongs to, and the keys a submission is counted by."""

from __future__ import annotations

from dataclasses import dataclass

from leadgate.features import signals

# Email domains that name the organisation itself; free, disposable, missing or invalid ones name nobody's.
_ORGANISATION_EMAIL_CLASSES = frozenset({"corporate", "academic", "competitor", "own"})
_NO_LISTS: frozenset[str] = frozenset()
MAX_DOMAIN_LENGTH = 253


def account_domain(email: str | None, website: str | None) -> str:
    """The contact's account: its email's registered domain if corporate, else its website's; '' for none.

    A free-email contact without a website belongs to no account: gmail.com is nobody's company.
    """
    domain = signals.email_domain(email)
    # The policy's lists only tell own and competitor domains apart, both organisations: not needed here.
    if (
        domain
        and signals.is_valid_email(email)
        and signals.classify_domain(domain, _NO_LISTS, _NO_LISTS) in _ORGANISATION_EMAIL_CLASSES
    ):
        base = signals.registered_domain(domain)
        if base:
            return _dns_name(base)
    return _dns_name(signals.registered_domain(website)) if website else ""


def _dns_name(domain: str) -> str:
    # A website of 500 characters is valid text but no domain: no DNS name is longer than 253.
    return domain if len(domain) <= MAX_DOMAIN_LENGTH else ""


def normalized_email(email: str | None) -> str:
    """The address as submissions are counted by: trimmed and case-folded, '' for none."""
    return email.strip().casefold() if email else ""


@dataclass(frozen=True)
class ContactKeys:
    """What a stored lead is grouped and counted by; '' where the lead gives none."""

    account_domain: str
    email: str
    ip: str

    @classmethod
    def of(cls, lead: dict) -> ContactKeys:
        """The keys of a lead as stored (its JSON dict)."""
        contact = lead.get("contact") or {}
        company = lead.get("company") or {}
        source = lead.get("source") or {}
        return cls(
            account_domain=account_domain(contact.get("email"), company.get("website")),
            email=normalized_email(contact.get("email")),
            ip=(source.get("ip") or "").strip().lower(),
        )
