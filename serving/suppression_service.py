"""Making and lifting a suppression decides again, in the same transaction, every stored lead it bears on.

The API and the CLI both come through here, so a suppression made or lifted from either leaves no stored
lead reading a route its suppressions no longer back.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import NamedTuple

from sqlalchemy import Connection, Engine

from leadgate.decision.suppression import Suppression
from leadgate.serving import suppression_store
from leadgate.serving.erasure import salt_of
from leadgate.serving.metrics import ServiceMetrics
from leadgate.serving.model_holder import ModelHolder
from leadgate.serving.redecide import ChampionUnloaded
from leadgate.serving.redecide_many import change_and_redecide
from leadgate.serving.screening import Screening
from leadgate.serving.store import DecisionStore
from leadgate.settings import Settings


class Changed(NamedTuple):
    """The suppression as stored after the change, and how many stored leads were decided again."""

    suppression: Suppression
    decided: int


def _redecide_bearing(
    make,
    *,
    trigger: str,
    holder: ModelHolder,
    store: DecisionStore,
    screening: Screening,
    metrics: ServiceMetrics | None,
) -> Changed:
    """Run `make(connection) -> Suppression` and re-decide the leads it bears on, all in one transaction."""
    made: list[Suppression] = []

    def change(connection: Connection, _now: datetime) -> list[str]:
        made.append(make(connection))
        return suppression_store.leads_bearing(connection, made[0], screening.salt)

    redecided = change_and_redecide(change, trigger=trigger, holder=holder, store=store, screening=screening)
    redecided.observe(metrics, trigger)
    return Changed(made[0], redecided.decided)


def create_suppression(
    *,
    row: dict,
    holder: ModelHolder,
    store: DecisionStore,
    screening: Screening,
    metrics: ServiceMetrics | None,
) -> Changed:
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
    metrics: ServiceMetrics | None,
) -> Changed:
    """Lift a suppression and decide its leads again; LookupError, AlreadyLifted: nothing changed."""
    return _redecide_bearing(
        lambda connection: suppression_store.lift_in(connection, suppression_id, why=why, who=who),
        trigger="suppression_lifted",
        holder=holder,
        store=store,
        screening=screening,
        metrics=metrics,
    )


def settle_expired(
    *,
    holder: ModelHolder,
    store: DecisionStore,
    screening: Screening,
    metrics: ServiceMetrics | None,
) -> list[Changed]:
    """Decide again the stored leads of every suppression that has expired since its leads were decided.

    An expiry needs no one to act, so the service sweeps for them (and `leadgate suppressions expire` can):
    without it a lead would read silent_reject with nothing suppressed until its next event. The expiries
    due are settled together, in one transaction, whichever worker gets to each first: a lead two of them
    bore on is decided again once. Nothing is settled while the champion fails to load, so an automatic
    sweep never stores gates-only decisions in its place (a lift or a new suppression asked for by someone
    is refused then, by `change_and_redecide`).
    """
    if holder.current().load_failed:
        return []
    now = datetime.now(UTC)
    with store.engine.connect() as connection:
        due = suppression_store.expired_unsettled(connection, now)
    if not due:
        return []
    settled: list[tuple[Suppression, int]] = []

    def change(connection: Connection, now: datetime) -> list[str]:
        bearing: set[str] = set()
        for suppression_id in due:
            suppression = suppression_store.settle_expiry_in(connection, suppression_id, now)
            if suppression is None:  # another worker settled it, or someone lifted it, first
                continue
            leads = suppression_store.leads_bearing(connection, suppression, screening.salt)
            settled.append((suppression, len(leads)))
            bearing.update(leads)
        return sorted(bearing)  # the lock order

    deps = {"holder": holder, "store": store, "screening": screening}
    try:
        redecided = change_and_redecide(change, trigger="suppression_expired", now=now, **deps)
    except ChampionUnloaded:  # the registry went down since the check above: rolled back, tried again later
        return []
    redecided.observe(metrics, "suppression_expired")
    return [Changed(suppression, decided) for suppression, decided in settled]


def outside_the_service(settings: Settings, engine: Engine) -> dict:
    """What the service decides with, for a process that is not one (the CLI): the champion as the service
    loads it (the gates alone without one), the store's lists and suppressions, the same erasure salt.

    No metrics: a command's counters would reach no scrape. No challenger: the service scores none on a
    suppression's re-decisions either.
    """
    holder = ModelHolder(settings)
    holder.refresh()
    return {
        "holder": holder,
        "store": DecisionStore(engine),
        "screening": Screening(engine, salt_of(settings)),
        "metrics": None,
    }
