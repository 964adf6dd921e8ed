"""Suppressions: a kind of contact stopped for a person or an account, kept as records and lifted, never deleted.

An unsubscribe stops marketing email to that person; a do-not-call request stops phone calls; a spam
complaint (or a request sent through the API) stops all contact. None says anything about the account's fit,
so none is a gate: the decision keeps its route and lists the suppressions in force, except that while phone
calls are stopped the next step is never a call (decision.public), and while all contact is stopped nobody
may call or write, so the route is silent_reject with control "suppression". A high-intent event of the
person (the policy's lift events: demo request, reply, meeting booked) after the suppression lifts a person's
marketing_email or all_contact suppression; a phone one, and an account's, is lifted by its expiry or by
someone; an expired one no longer acts. The rules are here, pure: the pipeline applies them, the store keeps
the records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from leadgate.features.schema import Lead

CONTACTS = {
    "marketing_email": "marketing email to this person or account is stopped; sales may still answer it",
    "phone": "no phone call to this person or account: a do-not-call request; sales may still email",
    "all_contact": "no one may contact this person or account: no sales call, no email",
}
SUBJECT_KINDS = ("email", "domain")
# The events that create a suppression of the person who sent them, and what each stops.
FROM_EVENTS = {"unsubscribe": "marketing_email", "do_not_call": "phone", "spam_complaint": "all_contact"}
# Contacts no event of the person lifts, only the suppression's expiry or someone lifting it. A do-not-call
# request binds until the person agrees to be called again (TCPA rules and the FTC's Telemarketing Sales Rule:
# a seller-specific request outlasts a later inquiry or business relationship; a registry listing is the
# same): a demo request or a booked meeting asks for contact, not for phone calls, and the company must be
# able to show that agreement, which a person lifting the suppression records (who, why).
NOT_LIFTED_BY_EVENTS = frozenset({"phone"})
# The contacts whose active suppression means no one may phone the person: the next step is never a call.
NO_CALL_CONTACTS = frozenset({"phone", "all_contact"})
# How a record's reason names its event, where the event's name would not read ("do not call received").
_SAID = {"do_not_call": "do-not-call request"}
# Where a record came from: a lead's own event (one of FROM_EVENTS), or a person through the API or the CLI.
SOURCES = (*(f"event:{event}" for event in FROM_EVENTS), "api", "cli")
STATUSES = ("active", "lifted", "expired")


@dataclass(frozen=True, slots=True)
class Suppression:
    """One suppression record: who or what, which contact is stopped, why, since when, and until what."""

    subject_kind: str  # email | domain
    subject: str
    contact: str  # a key of CONTACTS
    reason: str
    source: str  # event:unsubscribe | event:do_not_call | event:spam_complaint | api | cli
    created_at: datetime
    expires_at: datetime | None = None
    id: int | None = None  # the store's id; None: read from this lead's own events, not (yet) stored
    lifted_at: datetime | None = None
    lifted_by: str | None = None
    lift_reason: str | None = None
    created_by: str | None = None  # an API key's name, the CLI's --who, or "event" (the lead's own)

    def key(self) -> tuple:
        """What makes two records the same suppression: the same subject, contact, source and time."""
        return (self.subject_kind, self.subject, self.contact, self.source, _utc(self.created_at))


@dataclass(frozen=True, slots=True)
class SuppressionState:
    """A suppression as one decision saw it: active, lifted (and by what) or expired."""

    suppression: Suppression
    status: str  # one of STATUSES
    lifted_at: datetime | None = None
    lifted_by: str | None = None
    lift_reason: str | None = None

    @property
    def active(self) -> bool:
        """The suppression stops its contact in this decision."""
        return self.status == "active"

    @property
    def lifted_now(self) -> bool:
        """Lifted by this decision's lead (a fresh event), not yet recorded as lifted in the store."""
        return self.status == "lifted" and self.suppression.lifted_at is None

    def to_json(self) -> dict:
        """JSON-safe dict, as decision records keep it."""
        s = self.suppression
        return {
            "id": s.id,
            "subject_kind": s.subject_kind,
            "subject": s.subject,
            "contact": s.contact,
            "reason": s.reason,
            "source": s.source,
            "created_by": s.created_by,
            "created_at": _utc(s.created_at).isoformat(),
            "expires_at": _utc(s.expires_at).isoformat() if s.expires_at else None,
            "status": self.status,
            "lifted_at": _utc(self.lifted_at).isoformat() if self.lifted_at else None,
            "lifted_by": self.lifted_by,
            "lift_reason": self.lift_reason,
        }


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def subject_of(lead: Lead) -> tuple[str, str]:
    """(subject kind, subject) a lead's own suppressing event (FROM_EVENTS) suppresses: its email, lower-cased."""
    email = (lead.contact.email or "").strip().lower()
    return ("email", email) if email else ("email", f"lead:{lead.lead_id}")


def from_events(lead: Lead, now: datetime) -> list[Suppression]:
    """The suppressions a lead's own suppressing events (FROM_EVENTS) create (activity up to `now`)."""
    kind, subject = subject_of(lead)
    made = []
    for event in lead.events:
        contact = FROM_EVENTS.get(event.type.value)
        if contact is None or _utc(event.at) > now:
            continue
        made.append(
            Suppression(
                subject_kind=kind,
                subject=subject,
                contact=contact,
                reason=f"{_SAID.get(event.type.value, event.type.value.replace('_', ' '))} received",
                source=f"event:{event.type.value}",
                created_at=_utc(event.at),
                created_by="event",  # as the store records it
            )
        )
    return made


def states(
    lead: Lead,
    given: list[Suppression],
    now: datetime,
    lift_events: tuple[str, ...],
) -> list[SuppressionState]:
    """Every suppression bearing on a lead (the store's `given` and its own events'), each with its status now.

    A person's suppression (not a phone one: NOT_LIFTED_BY_EVENTS) is lifted by a lift event of this lead
    later than the suppression (and not after `now`); the earliest such event is named as what lifted it. No
    window applies: the live service records a lift when the event arrives and keeps it, so a later
    decision, live or in a back-test, must see it lifted too.
    """
    now = _utc(now)
    known = {s.key() for s in given}
    candidates = list(given) + [s for s in from_events(lead, now) if s.key() not in known]
    if not candidates:
        return []
    lifts = sorted(
        (_utc(e.at), e.type.value) for e in lead.events if e.type.value in lift_events and _utc(e.at) <= now
    )
    result = []
    for s in sorted(candidates, key=lambda s: _utc(s.created_at)):
        if s.lifted_at is not None:
            result.append(SuppressionState(s, "lifted", s.lifted_at, s.lifted_by, s.lift_reason))
            continue
        if s.expires_at is not None and _utc(s.expires_at) <= now:
            result.append(SuppressionState(s, "expired"))
            continue
        # Only a person's own event lifts a person's suppression; an account's (a legal hold, a request of
        # the company) is lifted by its expiry or by someone, never by one employee's demo request.
        own = s.subject_kind == "email" and s.contact not in NOT_LIFTED_BY_EVENTS
        lift = next(((at, kind) for at, kind in lifts if own and at > _utc(s.created_at)), None)
        if lift is None:
            result.append(SuppressionState(s, "active"))
            continue
        at, kind = lift
        reason = f"{kind.replace('_', ' ')} at {at.isoformat()} after the suppression"
        result.append(SuppressionState(s, "lifted", now, f"event:{kind}", reason))
    return result


def stopped_contacts(found: list[SuppressionState]) -> list[str]:
    """The kinds of contact the active suppressions stop, in CONTACTS order."""
    active = {s.suppression.contact for s in found if s.active}
    return [contact for contact in CONTACTS if contact in active]


def stopped_in(suppressions: list[dict]) -> list[str]:
    """`stopped_contacts` of suppressions as records keep them (`SuppressionState.to_json`)."""
    active = {s["contact"] for s in suppressions if s["status"] == "active"}
    return [contact for contact in CONTACTS if contact in active]


def phone_stopped(suppressions: list[dict]) -> bool:
    """No one may phone the lead: an active phone or all_contact suppression (records as decisions keep them)."""
    return any(s["status"] == "active" and s["contact"] in NO_CALL_CONTACTS for s in suppressions)


def state_now(suppression: Suppression, now: datetime) -> SuppressionState:
    """A stored record's status now, from what the store recorded (lifted, expiry), without any lead."""
    if suppression.lifted_at is not None:
        lift = (suppression.lifted_at, suppression.lifted_by, suppression.lift_reason)
        return SuppressionState(suppression, "lifted", *lift)
    if suppression.expires_at is not None and _utc(suppression.expires_at) <= _utc(now):
        return SuppressionState(suppression, "expired")
    return SuppressionState(suppression, "active")
