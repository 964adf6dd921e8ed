"""Shadow decisions and sales outcomes in the decision store, and the joined views lifecycle work reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, and_, insert, select, update
from sqlalchemy.exc import IntegrityError

from leadgate.decision.record import DecisionRecord
from leadgate.features.outcome import Outcome
from leadgate.serving.store import writing
from leadgate.serving.store_models import DecisionRow, LeadRow, OutcomeRow, ShadowDecisionRow
from leadgate.serving.stored_times import stored_utc


def record_shadow(engine: Engine, row: dict) -> bool:
    """Store one challenger decision; False when this lead already has one from this model version."""
    try:
        with writing(engine) as connection:
            connection.execute(insert(ShadowDecisionRow), row)
    except IntegrityError:
        return False
    return True


@dataclass(frozen=True)
class OutcomeImport:
    """How many outcomes were written, the lead ids the store does not know (nothing else is lost), and how
    many were recorded already just as sent (nothing written for those)."""

    written: int
    unknown_leads: list[str]
    unchanged: int = 0


def record_outcomes(engine: Engine, outcomes: list[Outcome], source: str) -> OutcomeImport:
    """Insert or update outcomes in one transaction; outcomes of unknown leads are reported, not written."""
    with writing(engine) as connection:
        return record_outcomes_in(connection, outcomes, source)


def record_outcomes_in(
    connection: Connection, outcomes: list[Outcome], source: str, now: datetime | None = None
) -> OutcomeImport:
    """`record_outcomes` inside a write transaction (one that also decides the accounts' leads again, as of
    `now`: an outcome without its own time is recorded at it, so those decisions read it). An outcome stored
    already just as sent is left as it is: sending it again changes nothing."""
    ids = [o.lead_id for o in outcomes]
    now = now or datetime.now(UTC)
    known = set()
    for start in range(0, len(ids), 500):  # keep IN lists within every database's parameter limit
        chunk = ids[start : start + 500]
        known |= set(connection.scalars(select(LeadRow.lead_id).where(LeadRow.lead_id.in_(chunk))))
    existing = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        existing |= {
            row.lead_id: row
            for row in connection.execute(select(OutcomeRow).where(OutcomeRow.lead_id.in_(chunk)))
        }
    written = unchanged = 0
    latest: dict[str, Outcome] = {o.lead_id: o for o in outcomes}  # a repeated id: the last one wins
    for lead_id, outcome in latest.items():
        if lead_id not in known:
            continue
        stored = existing.get(lead_id)
        at, at_given = _known_at(outcome, stored, now)
        if stored is not None and _as_stored(outcome, at) == _as_stored(
            stored, stored_utc(stored.recorded_at)
        ):
            unchanged += 1
            continue
        values = {
            "sql": outcome.sql,
            "won": outcome.won,
            "rejection_reason": outcome.rejection_reason,
            "feedback": outcome.feedback,
            "source": source[:40],
            "recorded_at": at,
            "at_given": at_given,
        }
        if stored is not None:
            connection.execute(update(OutcomeRow).where(OutcomeRow.lead_id == lead_id).values(**values))
        else:
            connection.execute(insert(OutcomeRow), {"lead_id": lead_id, **values})
        written += 1
    unknown = sorted({i for i in ids if i not in known})
    return OutcomeImport(written=written, unknown_leads=unknown, unchanged=unchanged)


def _as_stored(outcome, at: datetime) -> tuple:
    """What an outcome (sent, or a stored row) says: its label, feedback and time; SQLite's 0/1 read as bools."""
    won = None if outcome.won is None else bool(outcome.won)
    return (bool(outcome.sql), won, outcome.rejection_reason, outcome.feedback, at)


def _known_at(outcome: Outcome, stored, now: datetime) -> tuple[datetime, bool | None]:
    """When the outcome became known: its own time, else the stored one's for the same label, else now; and
    whether that time was sent with it (None: kept from a row stored before leadgate noted that)."""
    if outcome.at is not None:
        return outcome.at.astimezone(UTC), True
    # Sent again without its time, the same label keeps the time it became known: else a nightly import of the
    # CRM's every outcome would move each rejection, and the hold it starts, to tonight.
    if stored is not None and _as_stored(outcome, None)[:3] == _as_stored(stored, None)[:3]:
        return stored_utc(stored.recorded_at), stored.at_given
    # Now is when leadgate learnt it, not when sales decided: the hold's words must not say it happened today.
    return now, False


def outcome_of(connection: Connection, lead_id: str) -> dict | None:
    """The lead's recorded outcome as sales reads it, or None when none is recorded."""
    row = connection.execute(select(OutcomeRow).where(OutcomeRow.lead_id == lead_id)).first()
    if row is None:
        return None
    return {
        "sql": bool(row.sql),
        "won": None if row.won is None else bool(row.won),
        "rejection_reason": row.rejection_reason,
        "feedback": row.feedback,
        "source": row.source,
        "recorded_at": stored_utc(row.recorded_at),
        "at_given": None if row.at_given is None else bool(row.at_given),
    }


@dataclass(frozen=True)
class ShadowPair:
    """One lead scored by the champion (its first, live decision) and in shadow by the challenger."""

    lead_id: str
    received_at: datetime
    champion_version: str | None
    champion_route: str
    champion_p_sql: float | None
    challenger_route: str | None
    challenger_p_sql: float | None
    challenger_error: str | None
    sql: bool | None
    won: bool | None
    rejection_reason: str | None


def shadow_pairs(engine: Engine, challenger_version: str) -> list[ShadowPair]:
    """Every lead the challenger scored in shadow, beside the champion's live decision and the outcome."""
    query = (
        select(
            LeadRow.lead_id,
            LeadRow.received_at,
            DecisionRow.model_version,
            DecisionRow.route,
            DecisionRow.p_sql,
            ShadowDecisionRow.route,
            ShadowDecisionRow.p_sql,
            ShadowDecisionRow.error,
            OutcomeRow.sql,
            OutcomeRow.won,
            OutcomeRow.rejection_reason,
        )
        .join(ShadowDecisionRow, ShadowDecisionRow.lead_id == LeadRow.lead_id)
        .join(DecisionRow, and_(DecisionRow.lead_id == LeadRow.lead_id, DecisionRow.seq == 1))
        .outerjoin(OutcomeRow, OutcomeRow.lead_id == LeadRow.lead_id)
        .where(ShadowDecisionRow.model_version == challenger_version)
        .order_by(LeadRow.received_at, LeadRow.lead_id)  # ties in one order on every store
    )
    with engine.connect() as connection:
        return [ShadowPair(r[0], stored_utc(r[1]), *r[2:]) for r in connection.execute(query)]


@dataclass(frozen=True)
class StoredOutcome:
    """A stored lead as it was first decided, with its outcome."""

    lead: dict
    received_at: datetime
    sql: bool
    won: bool | None  # None: unknown (no won label recorded), never "not won"
    rejection_reason: str | None


def leads_with_outcomes(engine: Engine) -> list[StoredOutcome]:
    """Stored leads whose outcome is known, oldest first."""
    query = (
        select(LeadRow.lead, LeadRow.received_at, OutcomeRow.sql, OutcomeRow.won, OutcomeRow.rejection_reason)
        .join(OutcomeRow, OutcomeRow.lead_id == LeadRow.lead_id)
        .order_by(LeadRow.received_at, LeadRow.lead_id)  # ties in one order on every store
    )
    with engine.connect() as connection:
        return [
            StoredOutcome(r[0], stored_utc(r[1]), bool(r[2]), None if r[3] is None else bool(r[3]), r[4])
            for r in connection.execute(query)
        ]


@dataclass(frozen=True)
class LiveDecision:
    """A lead's first (arrival) decision with the lead as stored."""

    lead: dict
    received_at: datetime
    route: str
    route_source: str
    p_sql: float | None
    model_version: str | None
    record: DecisionRecord


def first_decisions(
    engine: Engine, since: datetime | None = None, until: datetime | None = None
) -> list[LiveDecision]:
    """Arrival decisions of leads received in [since, until), oldest first."""
    query = (
        select(
            LeadRow.lead,
            LeadRow.received_at,
            DecisionRow.route,
            DecisionRow.route_source,
            DecisionRow.p_sql,
            DecisionRow.model_version,
            DecisionRow.record,
        )
        .join(DecisionRow, and_(DecisionRow.lead_id == LeadRow.lead_id, DecisionRow.seq == 1))
        .order_by(LeadRow.received_at, LeadRow.lead_id)  # ties in one order on every store
    )
    naive = engine.dialect.name == "sqlite"  # SQLite keeps naive UTC text; compare like with like
    for bound, keep in ((since, LeadRow.received_at.__ge__), (until, LeadRow.received_at.__lt__)):
        if bound is not None:
            bound = bound.astimezone(UTC)
            query = query.where(keep(bound.replace(tzinfo=None) if naive else bound))
    with engine.connect() as connection:
        return [
            LiveDecision(r[0], stored_utc(r[1]), *r[2:-1], DecisionRecord.from_json(r[-1]))
            for r in connection.execute(query)
        ]
