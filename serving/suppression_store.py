"""Suppression records in the store: created from events or by hand, lifted with who and why, never deleted."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from leadgate.decision.suppression import CONTACTS, Suppression
from leadgate.serving.store_engine import writing
from leadgate.serving.store_models import LeadRow, SuppressionRow
from leadgate.serving.stored_times import stored_utc
from leadgate.serving.suppression_subjects import (
    ERASED,
    SuppressionError,
    erased_subject,
    parse_subject,
    subjects_of,
)

MAX_TEXT = 500


class AlreadyLifted(ValueError):
    """The suppression was lifted before: a lift is recorded once."""


def _text(value: str, name: str) -> str:
    text = (value or "").strip()
    if not text:
        raise SuppressionError(f"a {name} is required")
    if len(text) > MAX_TEXT:
        raise SuppressionError(f"the {name} is over {MAX_TEXT} characters")
    return text


def of_row(row: SuppressionRow) -> Suppression:
    """The pipeline's view of a stored record."""
    return Suppression(
        subject_kind=row.subject_kind,
        subject=row.subject,
        contact=row.contact,
        reason=row.reason,
        source=row.source,
        created_at=stored_utc(row.created_at),
        expires_at=stored_utc(row.expires_at),
        id=row.id,
        lifted_at=stored_utc(row.lifted_at),
        lifted_by=row.lifted_by,
        lift_reason=row.lift_reason,
        created_by=row.created_by,
    )


def create(
    engine: Engine,
    *,
    subject: str,
    contact: str,
    reason: str,
    who: str,
    source: str = "api",
    expires_at: datetime | None = None,
) -> Suppression:
    """Record a suppression asked for by a person (API or CLI)."""
    row = new_row(
        subject=subject, contact=contact, reason=reason, who=who, source=source, expires_at=expires_at
    )
    with writing(engine) as connection:
        return insert_row(connection, row)


def new_row(
    *, subject: str, contact: str, reason: str, who: str, source: str, expires_at: datetime | None
) -> dict:
    """The checked row of a suppression asked for by a person; SuppressionError, nothing written, if not."""
    kind, subject = parse_subject(subject)
    if contact not in CONTACTS:
        raise SuppressionError(f"contact must be one of {', '.join(CONTACTS)}, not {contact!r}")
    now = datetime.now(UTC)
    expires_at = stored_utc(expires_at)
    if expires_at is not None and expires_at <= now:
        raise SuppressionError("expires_at is in the past: the suppression would never act")
    return {
        "subject_kind": kind,
        "subject": subject,
        "contact": contact,
        "reason": _text(reason, "reason"),
        "source": source,
        "created_by": _text(who, "creator"),
        "created_at": now,
        "expires_at": expires_at,
    }


def insert_row(connection: Connection, row: dict) -> Suppression:
    """Insert a row made by `new_row`, in the caller's transaction."""
    new_id = connection.execute(insert(SuppressionRow), row).inserted_primary_key[0]
    keys = ("subject_kind", "subject", "contact", "reason", "source", "created_at", "expires_at")
    return Suppression(*(row[k] for k in keys), new_id, created_by=row["created_by"])


def lift(engine: Engine, suppression_id: int, *, why: str, who: str) -> Suppression:
    """Record that a suppression no longer acts, by whom and why; the record stays."""
    with writing(engine) as connection:
        return lift_in(connection, suppression_id, why=why, who=who)


def lift_in(connection: Connection, suppression_id: int, *, why: str, who: str) -> Suppression:
    """`lift` in the caller's transaction: LookupError, AlreadyLifted or SuppressionError, nothing changed."""
    why, who = _text(why, "reason (why)"), _text(who, "lifter")
    row = connection.execute(select(SuppressionRow).where(SuppressionRow.id == suppression_id)).first()
    if row is None:
        raise LookupError(f"no suppression {suppression_id}")
    if row.lifted_at is not None:
        raise AlreadyLifted(
            f"suppression {suppression_id} was lifted on {stored_utc(row.lifted_at):%Y-%m-%d %H:%M} UTC"
        )
    connection.execute(
        update(SuppressionRow)
        .where(SuppressionRow.id == suppression_id)
        .values(lifted_at=datetime.now(UTC), lifted_by=who, lift_reason=why)
    )
    return of_row(connection.execute(select(SuppressionRow).where(SuppressionRow.id == suppression_id)).one())


def expired_unsettled(connection: Connection, now: datetime) -> list[int]:
    """Ids of the suppressions that expired by `now`, unlifted, whose leads were not decided again since."""
    query = select(SuppressionRow.id).where(
        SuppressionRow.expires_at <= now,
        SuppressionRow.lifted_at.is_(None),
        SuppressionRow.expiry_settled_at.is_(None),
    )
    return [row_id for (row_id,) in connection.execute(query.order_by(SuppressionRow.id))]


def settle_expiry_in(connection: Connection, suppression_id: int, now: datetime) -> Suppression | None:
    """Mark an expired suppression's leads as decided again, in the caller's transaction; None when another
    process settled (or someone lifted) it first."""
    done = connection.execute(
        update(SuppressionRow)
        .where(
            SuppressionRow.id == suppression_id,
            SuppressionRow.expires_at <= now,
            SuppressionRow.lifted_at.is_(None),
            SuppressionRow.expiry_settled_at.is_(None),
        )
        .values(expiry_settled_at=now)
    )
    if done.rowcount != 1:
        return None
    return of_row(connection.execute(select(SuppressionRow).where(SuppressionRow.id == suppression_id)).one())


def leads_bearing(connection: Connection, suppression: Suppression, salt: str | None = None) -> list[str]:
    """Ids of the stored leads this suppression bears on (as `subjects_of` says), sorted: the lock order."""
    subject = suppression.subject
    if subject.startswith(ERASED):
        return []  # its person was erased: no lead of theirs is stored
    if subject.startswith("lead:"):
        condition = LeadRow.lead_id == subject.removeprefix("lead:")
    elif suppression.subject_kind == "email":
        condition = LeadRow.email == subject
    else:
        return leads_at_domain(connection, subject)
    rows = connection.execute(select(LeadRow.lead_id, LeadRow.lead).where(condition)).all()
    # The query only narrows: `subjects_of`, what the pipeline is given, decides (LIKE matches a bit more).
    return sorted(lead_id for lead_id, lead in rows if subject in subjects_of(lead, salt))


def leads_at_domain(connection: Connection, domain: str) -> list[str]:
    """Ids of the stored leads whose email's or website's registered domain is `domain`, sorted: the lock
    order. An account's suppression bears on these, and so does a list's entry of the domain."""
    # The indexed account first; an email on a subdomain and a website of the account are found too.
    website = LeadRow.lead[("company", "website")].as_string()
    condition = or_(
        LeadRow.account_domain == domain,
        LeadRow.email.like(f"%@{domain}"),
        LeadRow.email.like(f"%.{domain}"),
        website.like(f"%{domain}%"),
    )
    rows = connection.execute(select(LeadRow.lead_id, LeadRow.lead).where(condition)).all()
    # The query only narrows: `subjects_of`, what the pipeline is given, decides (LIKE matches a bit more).
    return sorted(lead_id for lead_id, lead in rows if domain in subjects_of(lead))


def find(engine: Engine, suppression_id: int) -> Suppression:
    """One record by id."""
    with engine.connect() as connection:
        row = connection.execute(select(SuppressionRow).where(SuppressionRow.id == suppression_id)).first()
    if row is None:
        raise LookupError(f"no suppression {suppression_id}")
    return of_row(row)


def for_subjects(engine: Engine | Connection, subjects: list[str]) -> list[Suppression]:
    """Every record (active or past) of these subjects, oldest first."""
    if not subjects:
        return []
    query = select(SuppressionRow).where(SuppressionRow.subject.in_(subjects)).order_by(SuppressionRow.id)
    if isinstance(engine, Connection):
        return [of_row(row) for row in engine.execute(query)]
    with engine.connect() as connection:
        return [of_row(row) for row in connection.execute(query)]


def for_leads(
    engine: Engine | Connection, leads: list[dict], salt: str | None = None
) -> list[list[Suppression]]:
    """Per lead, the records bearing on it, read in one query for the batch."""
    per_lead = [subjects_of(lead, salt) for lead in leads]
    found = for_subjects(engine, sorted({s for subjects in per_lead for s in subjects}))
    by_subject: dict[str, list[Suppression]] = {}
    for suppression in found:
        by_subject.setdefault(suppression.subject, []).append(suppression)
    return [[s for subject in subjects for s in by_subject.get(subject, ())] for subjects in per_lead]


def persist(engine: Engine, lead_id: str, seen: list[dict]) -> None:
    """Store what a decision found: suppressions its lead's own events created, and lifts by its events.

    Idempotent: a record already stored (same subject, contact, source and time) is not stored twice, a
    lift already recorded is kept as it was.
    """
    new = [s for s in seen if s["id"] is None]
    lifts = [s for s in seen if s["id"] is not None and s["status"] == "lifted" and s["lifted_by"]]
    if not new and not lifts:
        return
    with writing(engine) as connection:
        for s in lifts:
            connection.execute(
                update(SuppressionRow)
                .where(SuppressionRow.id == s["id"], SuppressionRow.lifted_at.is_(None))
                .values(
                    lifted_at=datetime.fromisoformat(s["lifted_at"]),
                    lifted_by=s["lifted_by"],
                    lift_reason=s["lift_reason"],
                )
            )
    for s in new:
        row = {
            "subject_kind": s["subject_kind"],
            "subject": s["subject"],
            "contact": s["contact"],
            "reason": s["reason"],
            "source": s["source"],
            "lead_id": lead_id,
            "created_by": "event",
            "created_at": datetime.fromisoformat(s["created_at"]),
            "expires_at": None,
            "lifted_at": datetime.fromisoformat(s["lifted_at"]) if s["lifted_at"] else None,
            "lifted_by": s["lifted_by"],
            "lift_reason": s["lift_reason"],
        }
        try:
            with writing(engine) as connection:
                connection.execute(insert(SuppressionRow), row)
        except IntegrityError:
            continue  # stored already, by an earlier decision or a concurrent one


def pseudonymise(connection, emails: list[str], lead_ids: list[str], salt: str | None) -> int:
    """Erasure: an erased person's suppressions stay in force, keyed by a salted hash of the address only."""
    emails = [e.strip().lower() for e in emails if e]
    subjects = emails + [f"lead:{lead_id}" for lead_id in lead_ids]
    condition = or_(SuppressionRow.subject.in_(subjects), SuppressionRow.lead_id.in_(lead_ids))
    rows = connection.execute(select(SuppressionRow.id, SuppressionRow.subject).where(condition)).all()
    for row_id, subject in rows:
        if subject.startswith(ERASED) or not (subject.startswith("lead:") or "@" in subject):
            kept = subject  # erased already, or an account's domain: no person's data
        elif salt is None:
            kept = f"{ERASED}#{row_id}"  # kept for the record, matching no one
        else:
            kept = erased_subject(salt, subject)
        connection.execute(
            update(SuppressionRow).where(SuppressionRow.id == row_id).values(subject=kept, lead_id=None)
        )
    return len(rows)
