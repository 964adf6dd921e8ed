"""Deciding again, in one transaction, every stored lead a change bears on (a suppression made or lifted)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Connection, Engine, update

from leadgate.decision.record import DecisionRecord
from leadgate.serving.store import Stored, decide_again
from leadgate.serving.store_engine import writing
from leadgate.serving.store_models import LeadRow


def redecide_many(
    engine: Engine,
    *,
    change: Callable[[Connection], list[str]],
    decide: Callable[[dict, Connection], DecisionRecord],
    trigger: str,
    at: datetime,
) -> list[Stored]:
    """One transaction: make `change`, which names the leads it bears on, then lock, decide again and append
    a decision for each, in the order named.

    `decide` is given the transaction's connection, so what it reads sees the change. Either the change
    and every decision it causes are stored, or none of them: no lead shows a route the store no longer
    backs. Leads are named sorted, so two such changes lock shared leads in the same order.
    """
    with writing(engine) as connection:
        written = []
        for lead_id in change(connection):
            touched = connection.execute(
                update(LeadRow).where(LeadRow.lead_id == lead_id).values(updated_at=at)
            )
            if touched.rowcount == 0:  # erased since it was named: nothing left to decide
                continue
            written.append(decide_again(connection, lead_id, lambda lead: decide(lead, connection), trigger))
        return written
