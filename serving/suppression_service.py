"""Making and lifting a suppression decides again, in the same transaction, every stored lead it bears on."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection

from leadgate.decision.suppression import Suppression
from leadgate.serving import suppression_store
from leadgate.serving.metrics import ServiceMetrics
from leadgate.serving.model_holder import ModelHolder
from leadgate.serving.redecide import Redecider
from leadgate.serving.screening import Screening
from leadgate.serving.store import DecisionStore


def _redecide_bearing(
    make,
    *,
    trigger: str,
    holder: ModelHolder,
    store: DecisionStore,
    screening: Screening,
    metrics: ServiceMetrics,
) -> Suppression:
    """Run `make(connection) -> Suppression` and re-decide the leads it bears on, all in one transaction."""
    redecider = Redecider(holder=holder, store=store, screening=screening, now=datetime.now(UTC))
    made: list[Suppression] = []

    def change(connection: Connection) -> list[str]:
        made.append(make(connection))
        return suppression_store.leads_bearing(connection, made[0], screening.salt)

    store.redecide_many(change=change, decide=redecider, trigger=trigger, at=redecider.now)
    for record in redecider.decided:
        metrics.observe_decision(record, trigger)
    return made[0]


def create_suppression(
    *, row: dict, holder: ModelHolder, store: DecisionStore, screening: Screening, metrics: ServiceMetrics
) -> Suppression:
    """Store a suppression (a row from `suppression_store.new_row`) and decide its leads again."""
    return _redecide_bearing(
        lambda connection: suppression_store.insert_row(connection, row),
        trigger="suppression",
        holder=holder,
        store=store,
        screening=screening,
        metrics=metrics,
    )


def lift_suppression(
    *,
    suppression_id: int,
    why: str,
    who: str,
    holder: ModelHolder,
    store: DecisionStore,
    screening: Screening,
    metrics: ServiceMetrics,
) -> Suppression:
    """Lift a suppression and decide its leads again; LookupError, AlreadyLifted: nothing changed."""
    return _redecide_bearing(
        lambda connection: suppression_store.lift_in(connection, suppression_id, why=why, who=who),
        trigger="suppression_lifted",
        holder=holder,
        store=store,
        screening=screening,
        metrics=metrics,
    )
