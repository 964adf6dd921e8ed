"""Erasure of a person's data (GDPR Art. 17) and retention: rows go, an anonymised audit row stays.

A lead's personal data lives in its stored JSON (names, email, IP, message, events, custom fields), in every
decision and shadow decision (their records quote the lead's values: "Personal email address
(gmail.com)"), in its outcome's free text, in its idempotency key, and in the review items, overrides and
sales feedback about it (free text the person or a rep wrote). Erasing deletes all of those rows in
one transaction and keeps one `erasures` row: route, gate codes, versions, the hour of the last decision,
the outcome's SQL/won, and an HMAC of the lead id under a secret salt — counts stay possible, the person
is not identifiable, and whoever knows a lead id (and the salt) can still check that it was erased.
Without a salt the row keeps no hash at all: erasure is an obligation and never waits for configuration,
and an unkeyed hash of a guessable id would identify the lead.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, delete, exists, func, insert, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from leadgate.serving.store_engine import truncate_wal, writing
from leadgate.serving.store_models import (
    DecisionGateRow,
    DecisionRow,
    ErasureRow,
    FeedbackRow,
    LeadRow,
    OutcomeRow,
    OverrideRow,
    ReviewRow,
    ShadowDecisionRow,
)
from leadgate.serving.suppression_store import pseudonymise

# Every table holding a lead's data, children first; a test fails when a table with a lead_id is missing.
ERASED_TABLES = (
    "decision_gates",
    "decisions",
    "shadow_decisions",
    "outcomes",
    "reviews",
    "overrides",
    "feedback",
    "leads",
)
# Tables whose rows of an erased person stay, without the person: a suppression must go on stopping contact
# (it is keyed by a salted hash of the address afterwards, or by nothing without a salt).
PSEUDONYMISED_TABLES = ("suppressions",)
CHUNK = 200  # leads erased per transaction: short write turns for the service, IN lists every database takes
REASONS = ("request", "retention")
FLUSH_TRIES, FLUSH_WAIT_SECONDS = 5, 0.2  # the WAL truncation after an erasure: at most ~2 s in all


@dataclass(frozen=True)
class Erased:
    """What an erasure removed; the lead ids are for the caller's answer and are stored nowhere."""

    lead_ids: list[str]
    decisions: int = 0
    shadow_decisions: int = 0
    outcomes: int = 0
    reviews: int = 0  # review items, overrides and feedback rows: all three hold free text about the person
    overrides: int = 0
    feedback: int = 0


def salt_of(settings) -> str | None:
    """The configured erasure salt (LEADGATE_ERASURE_SALT), or None."""
    return None if settings.erasure_salt is None else settings.erasure_salt.get_secret_value()


def lead_hash(salt: str | None, lead_id: str) -> str | None:
    """HMAC-SHA256 of a lead id keyed by the salt, the only trace of the id an audit row keeps; None unsalted."""
    if salt is None:
        return None
    return hmac.new(salt.encode(), lead_id.encode(), hashlib.sha256).hexdigest()


def erase_leads(
    engine: Engine,
    lead_ids: Iterable[str],
    *,
    salt: str | None,
    reason: str = "request",
    idle_before: datetime | None = None,
) -> Erased:
    """Erase these leads and keep an audit row for each; unknown ids are skipped (erasing twice is a no-op).

    With `idle_before`, a lead is erased only if its newest activity is still older than that, checked
    under its lock: a lead that got an event meanwhile stays.
    """
    if reason not in REASONS:
        raise ValueError(f"reason must be one of {REASONS}")
    ids = list(dict.fromkeys(lead_ids))
    parts = []
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        with writing(engine) as connection, _secure_delete(connection):
            parts.append(_erase_chunk(connection, chunk, salt, reason, idle_before))
    erased = [lead_id for part in parts for lead_id in part.lead_ids]
    if erased:
        _flush_wal(engine)
    return Erased(
        erased,
        decisions=sum(p.decisions for p in parts),
        shadow_decisions=sum(p.shadow_decisions for p in parts),
        outcomes=sum(p.outcomes for p in parts),
        reviews=sum(p.reviews for p in parts),
        overrides=sum(p.overrides for p in parts),
        feedback=sum(p.feedback for p in parts),
    )


def leads_with_email(engine: Engine, address: str) -> list[str]:
    """Ids of every stored lead whose contact email is this address, compared case-insensitively."""
    wanted = address.strip().casefold()
    email = LeadRow.lead[("contact", "email")].as_string()
    query = select(LeadRow.lead_id, email).where(email.is_not(None))
    # Compared here, not with SQL lower(): SQLite's lower() folds ASCII letters only.
    with engine.connect() as connection:
        rows = connection.execution_options(yield_per=5_000).execute(query)
        return [lead_id for lead_id, stored in rows if stored.strip().casefold() == wanted]


def idle_leads(engine: Engine, before: datetime) -> list[str]:
    """Ids of leads whose newest activity (arrival, last event, outcome) is older than `before`."""
    query = select(LeadRow.lead_id).where(_idle(engine.dialect.name, before))
    with engine.connect() as connection:
        return list(connection.execution_options(yield_per=10_000).scalars(query))


def count_idle(engine: Engine, before: datetime) -> int:
    """How many leads `erase_idle` would erase now."""
    query = select(func.count()).select_from(LeadRow).where(_idle(engine.dialect.name, before))
    with engine.connect() as connection:
        return connection.scalar(query) or 0


def erase_idle(engine: Engine, *, before: datetime, salt: str | None) -> Erased:
    """Retention: erase every lead idle since before `before`, a chunk at a time, with audit rows."""
    # One scan for the ids (no index on activity: it would cost every event a write), then chunks that
    # re-check idleness under the lock; a short read, so no long-lived snapshot holds the SQLite WAL back.
    return erase_leads(engine, idle_leads(engine, before), salt=salt, reason="retention", idle_before=before)


def erasures_of(engine: Engine, lead_id: str, *, salt: str) -> list[ErasureRow]:
    """The audit rows of a lead id, oldest first: how to tell that a lead was erased, and when."""
    if not salt:
        raise ValueError("audit rows can only be found by lead id with the salt they were hashed with")
    query = select(ErasureRow).where(ErasureRow.lead_hash == lead_hash(salt, lead_id))
    with Session(engine) as session:
        return list(session.scalars(query.order_by(ErasureRow.erased_at)))


def _idle(dialect: str, before: datetime):
    bound = before.astimezone(UTC)
    if dialect == "sqlite":
        bound = bound.replace(tzinfo=None)  # SQLite keeps naive UTC text; compare like with like
    recent_outcome = exists().where(OutcomeRow.lead_id == LeadRow.lead_id, OutcomeRow.recorded_at >= bound)
    return (LeadRow.updated_at < bound) & ~recent_outcome


def _erase_chunk(
    connection: Connection, chunk: list[str], salt: str | None, reason: str, idle_before: datetime | None
) -> Erased:
    # Locking the lead rows first makes concurrent events and outcomes wait, then find no lead.
    query = select(LeadRow.lead_id).where(LeadRow.lead_id.in_(chunk)).with_for_update()
    if idle_before is not None:
        query = query.where(_idle(connection.dialect.name, idle_before))
    ids = list(connection.scalars(query))
    if not ids:
        return Erased([])
    audits = _audit_rows(connection, ids, salt, reason)
    email = LeadRow.lead[("contact", "email")].as_string()
    emails = list(connection.scalars(select(email).where(LeadRow.lead_id.in_(ids), email.is_not(None))))
    pseudonymise(connection, emails, ids, salt)
    of_leads = DecisionRow.lead_id.in_(ids)
    connection.execute(
        delete(DecisionGateRow).where(DecisionGateRow.decision_id.in_(select(DecisionRow.id).where(of_leads)))
    )
    decisions = connection.execute(delete(DecisionRow).where(of_leads)).rowcount
    shadows = connection.execute(delete(ShadowDecisionRow).where(ShadowDecisionRow.lead_id.in_(ids))).rowcount
    outcomes = connection.execute(delete(OutcomeRow).where(OutcomeRow.lead_id.in_(ids))).rowcount
    reviews = connection.execute(delete(ReviewRow).where(ReviewRow.lead_id.in_(ids))).rowcount
    overrides = connection.execute(delete(OverrideRow).where(OverrideRow.lead_id.in_(ids))).rowcount
    feedback = connection.execute(delete(FeedbackRow).where(FeedbackRow.lead_id.in_(ids))).rowcount
    connection.execute(delete(LeadRow).where(LeadRow.lead_id.in_(ids)))
    connection.execute(insert(ErasureRow), audits)
    return Erased(ids, decisions, shadows, outcomes, reviews, overrides, feedback)


def _audit_rows(connection: Connection, ids: list[str], salt: str | None, reason: str) -> list[dict]:
    """One anonymised row per lead, from its latest decision and its outcome."""
    columns = (
        DecisionRow.id,
        DecisionRow.lead_id,
        DecisionRow.seq,
        DecisionRow.route,
        DecisionRow.route_source,
        DecisionRow.band,
        DecisionRow.model_version,
        DecisionRow.policy_version,
        DecisionRow.decided_at,
    )
    latest: dict[str, tuple] = {}
    counts: dict[str, int] = dict.fromkeys(ids, 0)
    for row in connection.execute(select(*columns).where(DecisionRow.lead_id.in_(ids))):
        counts[row.lead_id] += 1
        if row.lead_id not in latest or row.seq > latest[row.lead_id].seq:
            latest[row.lead_id] = row
    gates: dict[int, list[str]] = {}
    latest_ids = [row.id for row in latest.values()]
    gate_query = select(DecisionGateRow.decision_id, DecisionGateRow.code).where(
        DecisionGateRow.decision_id.in_(latest_ids)
    )
    for decision_id, code in connection.execute(gate_query.order_by(DecisionGateRow.code)):
        gates.setdefault(decision_id, []).append(code)
    outcome_query = select(OutcomeRow.lead_id, OutcomeRow.sql, OutcomeRow.won).where(
        OutcomeRow.lead_id.in_(ids)
    )
    outcomes = {lead_id: (sql, won) for lead_id, sql, won in connection.execute(outcome_query)}
    now = datetime.now(UTC)
    rows = []
    for lead_id in ids:
        decision = latest.get(lead_id)
        sql, won = outcomes.get(lead_id, (None, None))
        rows.append(
            {
                "lead_hash": lead_hash(salt, lead_id),
                "reason": reason,
                "route": decision.route if decision else None,
                "route_source": decision.route_source if decision else None,
                "band": decision.band if decision else None,
                "gates": gates.get(decision.id, []) if decision else [],
                "model_version": decision.model_version if decision else None,
                "policy_version": decision.policy_version if decision else None,
                "decisions": counts[lead_id],
                "decided_at": _hour(decision.decided_at) if decision else None,
                "sql": sql,
                "won": won,
                "erased_at": now,
            }
        )
    return rows


def _hour(moment: datetime) -> datetime:
    # To the hour: exact enough to count by day, too coarse to join with access logs holding the IP.
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.replace(minute=0, second=0, microsecond=0)


@contextmanager
def _secure_delete(connection: Connection) -> Iterator[None]:
    """On SQLite, deleted rows are overwritten with zeros instead of lingering in free space."""
    if connection.dialect.name != "sqlite":
        yield  # PostgreSQL: dead rows are reclaimed by (auto)vacuum
        return
    before = connection.exec_driver_sql("PRAGMA secure_delete").scalar()
    connection.exec_driver_sql("PRAGMA secure_delete=ON")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA secure_delete={int(before)}")


def _flush_wal(engine: Engine) -> None:
    """On SQLite, try to empty the write-ahead log, which still holds the pages as they were before."""
    # A reader in the way (or a busy machine) can spoil one TRUNCATE checkpoint: try a few times, briefly
    # each (writers wait meanwhile), then leave it to the background checkpoints.
    for _ in range(FLUSH_TRIES):
        try:
            done = truncate_wal(engine, FLUSH_WAIT_SECONDS)
        except OperationalError:
            done = (1, 0, 0)
        if done is None or done[0] == 0:
            return
        time.sleep(FLUSH_WAIT_SECONDS)
