"""Account roll-up: a company's contacts (grouped by registered domain), their latest decisions, its status.

An account's route is its best contact's: one student or junior contact never disqualifies the account.
Only account-level signals apply to every contact: do-not-engage (the policy's list or the account's
status) rejects the account; churn for non-payment or an open escalation caps it at verify, as their gates
cap each new contact. Its score is the chance that at least one of its live contacts becomes an SQL,
1 - prod(1 - P(SQL)) over contacts whose latest decision does not reject them (contacts taken as
independent, so colleagues who convert together make it an upper estimate).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, func, select

from leadgate.decision.lists import nobodys_domain
from leadgate.decision.policy import Policy
from leadgate.decision.record import DecisionRecord
from leadgate.decision.routes import ROUTE_SEVERITY, Route
from leadgate.decision.suppression import stopped_in
from leadgate.features import signals, titles
from leadgate.features.schema_types import unseen_problem
from leadgate.serving.store_models import AccountStatusRow, DecisionRow, LeadRow
from leadgate.serving.stored_times import stored_utc


class NotAnAccount(ValueError):
    """The text names no company domain an account could have."""


class AccountNotFound(LookupError):
    """No contact and no status is stored for this account."""


def account_of(domain: str) -> str:
    """The registered domain an account is known by ('www.Acme.co.uk' -> 'acme.co.uk'), or NotAnAccount."""
    text = domain.strip().removeprefix("@")
    # A NUL or another control character is in no domain: PostgreSQL cannot even compare text holding a NUL.
    if any(ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in text):
        hidden = unseen_problem(text)
        raise NotAnAccount(f"{domain[:64]!r} is not a company domain such as acme.com: it holds {hidden}")
    base = signals.registered_domain(text)
    nobody = nobodys_domain(base or text.lower().rstrip("."))
    if nobody:
        raise NotAnAccount(f"{nobody}: its contacts are not grouped")
    if not base:
        raise NotAnAccount(f"{domain!r} is not a company domain such as acme.com")
    return base


@dataclass(frozen=True)
class AccountStatus:
    """What is known of an account beyond its leads."""

    do_not_engage: bool = False
    churned_non_payment: bool = False
    open_escalation: bool = False
    note: str | None = None
    updated_at: datetime | None = None
    updated_by: str | None = None  # the API key's name; none for a status set before it was recorded

    def to_json(self) -> dict:
        """JSON-safe dict."""
        return {**self.__dict__}


def read_status(engine: Engine, domain: str) -> AccountStatus | None:
    """The account's stored status, or None."""
    with engine.connect() as connection:
        row = connection.execute(select(AccountStatusRow).where(AccountStatusRow.domain == domain)).first()
    if row is None:
        return None
    return AccountStatus(
        row.do_not_engage,
        row.churned_non_payment,
        row.open_escalation,
        row.note,
        stored_utc(row.updated_at),
        row.updated_by,
    )


@dataclass(frozen=True)
class Contact:
    """One contact of an account with its latest decision."""

    lead_id: str
    email: str | None
    job_title: str | None
    seniority: str
    route: str
    p_sql: float | None
    band: str | None
    gates: list[str]
    decided_at: datetime
    # Who picks the contact to call reads these too: a do-not-call contact is sales_ready, but sales_email.
    next_step: str
    suppressed: list[str]


def account_contacts(engine: Engine, domain: str, limit: int) -> tuple[list[Contact], list[tuple], int]:
    """Newest `limit` contacts with their latest decision; (route, p_sql, lead_id) of all; the total."""
    newest = (
        select(DecisionRow.lead_id, func.max(DecisionRow.seq).label("seq"))
        .join(LeadRow, LeadRow.lead_id == DecisionRow.lead_id)
        .where(LeadRow.account_domain == domain)  # the index on account_domain finds them
        .group_by(DecisionRow.lead_id)
        .subquery()
    )
    latest = DecisionRow.__table__.join(
        newest, (DecisionRow.lead_id == newest.c.lead_id) & (DecisionRow.seq == newest.c.seq)
    )
    everyone = select(DecisionRow.route, DecisionRow.p_sql, DecisionRow.lead_id).select_from(latest)
    page = (
        select(LeadRow.lead, DecisionRow.route, DecisionRow.p_sql, DecisionRow.band, DecisionRow.record)
        .select_from(latest.join(LeadRow, LeadRow.lead_id == DecisionRow.lead_id))
        .order_by(DecisionRow.decided_at.desc(), DecisionRow.id.desc())
        .limit(limit)
    )
    with engine.connect() as connection:
        summary = [tuple(row) for row in connection.execute(everyone)]
        rows = connection.execute(page).all()
    contacts = []
    for lead, route, p_sql, band, record_json in rows:
        record = DecisionRecord.from_json(record_json)
        contact = lead.get("contact") or {}
        contacts.append(
            Contact(
                lead_id=lead["lead_id"],
                email=contact.get("email"),
                job_title=contact.get("job_title"),
                seniority=titles.parse_title(contact.get("job_title") or "")[0],
                route=route,
                p_sql=p_sql,
                band=band,
                gates=[gate.code for gate in record.gates if not gate.lifted],
                decided_at=stored_utc(datetime.fromisoformat(record.decided_at)),
                next_step=record.next_step,
                suppressed=stopped_in(record.suppressions),
            )
        )
    return contacts, summary, len(summary)


def account_route(
    summary: list[tuple], status: AccountStatus | None, listed: bool
) -> tuple[str, str, str | None, float | None]:
    """(route, basis, best contact, score) of an account from its contacts' latest (route, p_sql, lead_id)."""
    best = min(summary, key=lambda r: (ROUTE_SEVERITY[Route(r[0])], -(r[1] or 0.0)), default=None)
    live = [p for route, p, _ in summary if p is not None and not Route(route).rejecting]
    score = None
    if live:
        missing = 1.0
        for p in live:
            missing *= 1.0 - p
        score = round(1.0 - missing, 6)
    route, basis = (best[0], "best_contact") if best else (Route.nurture.value, "no_contacts")
    if listed or (status is not None and status.do_not_engage):
        return Route.silent_reject.value, "do_not_engage", best[2] if best else None, score
    held = status is not None and (status.churned_non_payment or status.open_escalation)
    # At verify too: its contacts are decided again when the status changes, so their own routes carry the cap.
    if held and ROUTE_SEVERITY[Route(route)] <= ROUTE_SEVERITY[Route.verify]:
        basis = "churned_non_payment" if status.churned_non_payment else "open_escalation"
        route = Route.verify.value
    return route, basis, best[2] if best else None, score


def account_view(*, engine: Engine, policy: Policy, domain: str, limit: int) -> dict:
    """The account's route, score, status and contacts with their latest decisions."""
    domain = account_of(domain)
    status = read_status(engine, domain)
    contacts, summary, total = account_contacts(engine, domain, limit)
    if not summary and status is None:
        raise AccountNotFound(domain)
    listed = domain in policy.listed["do_not_engage"]  # compared as the gate compares them
    route, basis, best, score = account_route(summary, status, listed)
    return {
        "domain": domain,
        "route": route,
        "route_basis": basis,
        "best_contact": best,
        "score": score,
        "on_do_not_engage_list": listed,
        "status": status.to_json() if status else None,
        "contacts_total": total,
        "contacts": [contact.__dict__ for contact in contacts],
    }
