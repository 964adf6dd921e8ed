"""Deciding again, in one transaction, every stored lead a change bears on: a suppression made or lifted, an
account's status, a list's entry, an account's bad-fit rejection."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, NamedTuple

from sqlalchemy import Connection, Engine, func, select, update

from leadgate.decision.record import DecisionRecord
from leadgate.serving.overrides import final_decision, in_force
from leadgate.serving.redecide import ChampionUnloaded, Redecider
from leadgate.serving.store import Stored
from leadgate.serving.store_engine import writing
from leadgate.serving.store_models import DecisionRow, LeadRow
from leadgate.serving.store_rows import insert_decisions, new_review_token

if TYPE_CHECKING:
    from leadgate.serving.metrics import ServiceMetrics
    from leadgate.serving.model_holder import ModelHolder
    from leadgate.serving.screening import Screening
    from leadgate.serving.store import DecisionStore

# Leads decided per pipeline call: a few thousand cost ~0.1 ms each there; the IN lists stay far below
# SQLite's 32766 parameters a statement.
CHUNK = 500

# decide(leads as stored, their arrivals, the transaction's connection) -> one record per lead, in order.
DecideMany = Callable[[list[dict], list[datetime], Connection], list[DecisionRecord]]


def redecide_many(
    engine: Engine,
    *,
    change: Callable[[Connection], list[str]],
    decide: DecideMany,
    trigger: str,
    at: datetime,
) -> list[Stored]:
    """One transaction: make `change`, which names the leads it bears on, then lock, decide again and append
    a decision for each, in the order named.

    The leads are decided a chunk at a time in one pipeline call, with a handful of queries a chunk: decided
    one by one, with their own queries each, a few hundred leads outlasted the store's bound on PostgreSQL.
    `decide` is given the transaction's connection, so what it reads sees the change. Either the change
    and every decision it causes are stored, or none of them: no lead shows a route the store no longer
    backs. Leads are named sorted and locked in that order, so two such changes lock shared leads alike.
    """
    with writing(engine, admin=True) as connection:  # rare, and may decide thousands: a longer bound
        named = change(connection)
        written: list[Stored] = []
        for start in range(0, len(named), CHUNK):
            written += _decide_chunk(connection, named[start : start + CHUNK], decide, trigger, at)
        return written


class Redecided(NamedTuple):
    """How many stored leads a change decided again, their records (for the metrics) and what was stored."""

    decided: int
    records: list[DecisionRecord]
    written: list[Stored]

    def observe(self, metrics: ServiceMetrics | None, trigger: str) -> None:
        """Count the decisions on /metrics as intake's are; a CLI process has no metrics to count them in."""
        for record in self.records if metrics is not None else ():
            metrics.observe_decision(record, trigger)


def change_and_redecide(
    change: Callable[[Connection, datetime], list[str]],
    *,
    trigger: str,
    holder: ModelHolder,
    store: DecisionStore,
    screening: Screening,
    now: datetime | None = None,
) -> Redecided:
    """Make `change(connection, now)`, which names the stored leads it bears on, and decide those again with
    the champion, all in one transaction.

    While the champion fails to load, a change that leaves any stored lead to the model raises ChampionUnloaded
    (the Redecider's rule, counting every lead the change named) and is rolled back. A change whose leads a gate
    or suppression decides (a legal hold, an opt-out, a do-not-engage entry: the champion would not be asked)
    goes through, as does one that names none, or any change in a folder with no model registered.
    """
    redecider = Redecider(holder=holder, store=store, screening=screening, now=now or datetime.now(UTC))
    named: list[str] = []

    def change_naming(connection: Connection) -> list[str]:
        named[:] = change(connection, redecider.now)
        return named

    try:
        written = redecide_many(
            store.engine,
            change=change_naming,
            decide=redecider.decide_many,
            trigger=trigger,
            at=redecider.now,
        )
    except ChampionUnloaded as refused:  # refused on one chunk: the change would have decided all it named
        raise ChampionUnloaded(refused.problem, len(named)) from None
    return Redecided(len(written), redecider.decided, written)


def lock_leads(connection: Connection, lead_ids: list[str]) -> None:
    """Lock stored leads in id order (a row lock each on PostgreSQL; SQLite's write lock is held already), so
    two changes that share leads lock them alike."""
    connection.execute(
        select(LeadRow.lead_id)
        .where(LeadRow.lead_id.in_(lead_ids))
        .order_by(LeadRow.lead_id)
        .with_for_update()
    )


def _decide_chunk(
    connection: Connection, lead_ids: list[str], decide: DecideMany, trigger: str, at: datetime
) -> list[Stored]:
    lock_leads(connection, lead_ids)
    # updated_at is left alone: it is the lead's newest activity (arrival, events, a rep's override), what
    # retention counts idle time from, and a list, suppression, account or model change is not the person's.
    rows = connection.execute(
        select(
            LeadRow.lead_id,
            LeadRow.lead,
            LeadRow.received_at,
            LeadRow.review_token,
            in_force(LeadRow.lead_id).label("overridden"),
        ).where(LeadRow.lead_id.in_(lead_ids))
    ).all()
    found = {row.lead_id: row for row in rows}
    kept = [
        found[lead_id] for lead_id in lead_ids if lead_id in found
    ]  # erased since named: nothing to decide
    last = dict(
        connection.execute(
            select(DecisionRow.lead_id, func.max(DecisionRow.seq))
            .where(DecisionRow.lead_id.in_(lead_ids))
            .group_by(DecisionRow.lead_id)
        ).all()
    )
    records = decide([row.lead for row in kept], [row.received_at for row in kept], connection)
    written, decided = [], []
    for row, record in zip(kept, records, strict=True):
        # As decide_again does for one lead: an active override sets the route; a token where none was.
        decision = final_decision(connection, row.lead_id, record, bool(row.overridden))
        token = row.review_token
        if token is None:
            token = new_review_token()
            connection.execute(
                update(LeadRow).where(LeadRow.lead_id == row.lead_id).values(review_token=token)
            )
        seq = (last.get(row.lead_id) or 0) + 1
        decided.append((row.lead_id, seq, trigger, decision))
        written.append(
            Stored(row.lead_id, seq, decision.next_step, decision.public_message, True, token, decision.route)
        )
    insert_decisions(connection, decided)
    return written
