"""The decision store: engine (SQLite WAL or PostgreSQL), migrations, and append-only writes and reads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, func, select, update
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

# The store's entry points, kept importable from here: callers open, migrate and write through the store.
from leadgate.decision.record import DecisionRecord
from leadgate.serving.overrides import final_decision, in_force
from leadgate.serving.store_breaker import is_outage
from leadgate.serving.store_engine import make_engine, migrate, ready, writing  # noqa: F401
from leadgate.serving.store_models import DecisionRow, LeadRow
from leadgate.serving.store_queries import DecisionListing
from leadgate.serving.store_rows import insert_decision, insert_lead, new_review_token

if TYPE_CHECKING:
    from leadgate.serving.rate_limits import EventsCap


class IdempotencyConflict(ValueError):
    """An idempotency key was reused for a different lead."""


class Unstorable(ValueError):
    """The store refused a value of this lead (text it cannot hold, a constraint); nothing of it was written."""


@dataclass(frozen=True)
class Stored:
    """What a write answers with: the stored decision's public fields, and whether this call created it."""

    lead_id: str
    seq: int
    next_step: str
    public_message: str
    created: bool = True
    # Lets the person ask for a human review; None for a lead stored before review tokens existed.
    review_token: str | None = None
    route: str | None = None  # the stored route (an override's, when one is in force); None when read back

    @classmethod
    def of(cls, row: DecisionRow, created: bool, review_token: str | None = None) -> Stored:
        """From a decision read back from the store."""
        return cls(row.lead_id, row.seq, row.next_step, row.public_message, created, review_token)


@dataclass(frozen=True)
class NewLead:
    """A new lead and its first decision, as `DecisionStore.create` takes them."""

    lead: dict
    decision: DecisionRecord
    idempotency_key: str | None
    received_at: datetime


class DecisionStore(DecisionListing):
    """Plain functions over a session factory; every write is one transaction."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False)

    def ping(self) -> bool:
        """True when the database answers within its bound (on SQLite: and its write lock can be had)."""
        return ready(self.engine)

    def find_existing(self, *, lead_id: str, idempotency_key: str | None) -> DecisionRow | None:
        """The first decision of a lead already created under this id (or this key, for this id).

        IdempotencyConflict when the key was used for another lead, whether or not this id is stored too.
        """
        with self.sessions() as session:
            lead = session.get(LeadRow, lead_id)
            # Checked for a stored id as well: otherwise a key reused for another stored lead replays that answer.
            if idempotency_key and (lead is None or lead.idempotency_key != idempotency_key):
                other = session.scalar(select(LeadRow).where(LeadRow.idempotency_key == idempotency_key))
                if other is not None and other.lead_id != lead_id:
                    raise IdempotencyConflict(
                        f"Idempotency-Key was already used for lead {other.lead_id}, not {lead_id}"
                    )
            return None if lead is None else _first_decision(session, lead.lead_id)

    def create(
        self, *, lead: dict, decision: DecisionRecord, idempotency_key: str | None, received_at: datetime
    ) -> Stored:
        """Insert a new lead and its first decision in one transaction; a duplicate returns the stored one."""
        return self._insert_new(NewLead(lead, decision, idempotency_key, received_at))

    def _insert_new(self, entry: NewLead) -> Stored:
        lead_id = entry.lead["lead_id"]
        try:
            with writing(self.engine) as connection:
                token = insert_lead(connection, entry)
                insert_decision(connection, lead_id, 1, "created", entry.decision)
        except IntegrityError as error:
            # The lead id (or the key) was taken, maybe by a concurrent request: answer with what is stored.
            existing = self.find_existing(lead_id=lead_id, idempotency_key=entry.idempotency_key)
            if existing is None:  # not a repeat: a constraint this lead's own values break
                raise Unstorable(_refused(lead_id, error)) from error
            return Stored.of(existing, created=False, review_token=self.review_token(lead_id))
        except (DataError, UnicodeError) as error:
            raise Unstorable(_refused(lead_id, error)) from error
        return _written(lead_id, 1, entry.decision, token)

    def create_many(self, entries: list[NewLead]) -> list[Stored | Exception]:
        """`create` for several new leads in one transaction; if it fails for any reason but an outage, one by one.

        One commit for the lot is what makes concurrent requests cheap on SQLite, whose commits are
        serialized. The answer has one entry per lead: its Stored, or the error its own `create` raised
        (an idempotency conflict, a value the store refused, an outage met on its own); a lead answered with
        an error was not written. An outage of the shared transaction raises, with nothing written.
        """
        if len(entries) <= 1:
            return [self._create_one(entry) for entry in entries]
        try:
            with writing(self.engine) as connection:
                tokens = []
                for entry in entries:
                    tokens.append(insert_lead(connection, entry))
                    insert_decision(connection, entry.lead["lead_id"], 1, "created", entry.decision)
        except Exception as error:
            if is_outage(error):
                raise
            # Rolled back as a whole: now one by one, so a repeat is answered with what is stored and a
            # lead the store refuses fails alone, not its neighbours.
            return [self._create_one(entry) for entry in entries]
        return [
            _written(entry.lead["lead_id"], 1, entry.decision, token)
            for entry, token in zip(entries, tokens, strict=True)
        ]

    def _create_one(self, entry: NewLead) -> Stored | Exception:
        try:
            return self._insert_new(entry)
        except Exception as error:  # noqa: BLE001 - this lead's own answer, raised in its own request
            return error

    def review_token(self, lead_id: str) -> str | None:
        """The lead's review token, or None."""
        with self.sessions() as session:
            return session.scalar(select(LeadRow.review_token).where(LeadRow.lead_id == lead_id))

    def lead(self, lead_id: str) -> dict | None:
        """The stored lead JSON, or None."""
        with self.sessions() as session:
            row = session.get(LeadRow, lead_id)
            return None if row is None else row.lead

    def append_events(
        self,
        *,
        lead_id: str,
        merge: Callable[[dict], dict],
        decide: Callable[[dict], DecisionRecord],
        at: datetime,
        cap: EventsCap | None = None,
    ) -> Stored:
        """Under the lead's write lock: merge new activity into the stored lead, decide, append a decision.

        Reading, merging and writing in one locked transaction means concurrent event posts never
        overwrite each other's activity; the older decisions stay. A lead past its cap of event posts
        raises RateLimited, with nothing written.
        """
        with writing(self.engine) as connection:
            # Writing first takes the lock (a row lock on PostgreSQL, the write lock on SQLite) before the read.
            touched = connection.execute(
                update(LeadRow).where(LeadRow.lead_id == lead_id).values(updated_at=at)
            )
            if touched.rowcount == 0:
                raise KeyError(lead_id)
            if cap is not None:  # counted under the lock: concurrent posts cannot both pass
                cap.enforce(connection, lead_id, at)
            return decide_again(connection, lead_id, decide, "events", merge)

    def redecide(
        self,
        *,
        lead_id: str,
        decide: Callable[[dict], DecisionRecord],
        trigger: str,
        at: datetime,
        change: Callable[[Connection], None] | None = None,
    ) -> Stored:
        """Under the lead's write lock: make `change` (an override set or lifted), decide again, append.

        The change and the decision it causes are one transaction: an override is never stored without
        the decision that applies it, nor lifted without the decision that drops it.
        """
        with writing(self.engine) as connection:
            touched = connection.execute(
                update(LeadRow).where(LeadRow.lead_id == lead_id).values(updated_at=at)
            )
            if touched.rowcount == 0:
                raise KeyError(lead_id)
            if change is not None:
                change(connection)
            return decide_again(connection, lead_id, decide, trigger)

    def history(self, lead_id: str) -> list[DecisionRow]:
        """Every decision of a lead, oldest first."""
        with self.sessions() as session:
            query = select(DecisionRow).where(DecisionRow.lead_id == lead_id).order_by(DecisionRow.seq)
            return list(session.scalars(query))


def decide_again(
    connection: Connection,
    lead_id: str,
    decide: Callable[[dict], DecisionRecord],
    trigger: str,
    merge: Callable[[dict], dict] | None = None,
) -> Stored:
    """Decide the locked lead (merged first, if asked), apply its active override, append the decision.

    Every re-decision of one stored lead comes through here, under the lead's lock in the caller's transaction;
    a suppression's many leads take the same steps a chunk at a time (serving/redecide_many.py).
    """
    stored, token, overridden = connection.execute(
        select(LeadRow.lead, LeadRow.review_token, in_force(LeadRow.lead_id)).where(
            LeadRow.lead_id == lead_id
        )
    ).one()
    lead = stored if merge is None else merge(stored)
    # Every re-decision passes here: the one pipeline decides, then an active override sets the route.
    decision = final_decision(connection, lead_id, decide(lead), bool(overridden))
    changes: dict = {} if merge is None else {"lead": lead}
    if token is None:  # stored before review tokens existed: it gets one the first time it is decided again
        changes["review_token"] = token = new_review_token()
    if changes:
        connection.execute(update(LeadRow).where(LeadRow.lead_id == lead_id).values(**changes))
    last = connection.scalar(select(func.max(DecisionRow.seq)).where(DecisionRow.lead_id == lead_id))
    seq = (last or 0) + 1
    insert_decision(connection, lead_id, seq, trigger, decision)
    return _written(lead_id, seq, decision, token)


def _first_decision(session: Session, lead_id: str) -> DecisionRow | None:
    query = select(DecisionRow).where(DecisionRow.lead_id == lead_id).order_by(DecisionRow.seq).limit(1)
    return session.scalar(query)


def _refused(lead_id: str, error: Exception) -> str:
    # The database's words name the value, never another lead; the statement and its parameters stay out.
    reason = str(getattr(error, "orig", None) or error).splitlines()[0][:200]
    return f"the decision store refused lead {lead_id!r}: {reason}"


def _written(lead_id: str, seq: int, decision: DecisionRecord, token: str | None) -> Stored:
    # Not an ORM row: building one cost more than the answer needs.
    return Stored(lead_id, seq, decision.next_step, decision.public_message, True, token, decision.route)
