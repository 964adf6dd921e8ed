"""Deciding again, with the champion, the stored leads whose latest decision was made without a model.

While no model serves (the registry down at start, a champion that fails to load), new leads are decided by
the gates alone: an ungated one goes to `routing.no_model_route` (verify) unscored, and a cap holds that the
model's band would have outranked. Once a champion serves, nothing else would decide them again; this does,
through the one way stored leads are decided again (`change_and_redecide`: the pipeline, the store's lists,
suppressions and facts, the override in force, a decision appended with trigger `model_loaded`).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, select

from leadgate.decision.count_words import plural
from leadgate.serving.redecide_many import CHUNK, change_and_redecide, lock_leads
from leadgate.serving.store_models import DecisionRow
from leadgate.serving.store_queries import is_latest

if TYPE_CHECKING:
    from leadgate.serving.metrics import ServiceMetrics
    from leadgate.serving.model_holder import Current, ModelHolder
    from leadgate.serving.screening import Screening
    from leadgate.serving.store import DecisionStore

TRIGGER = "model_loaded"


class NoModel(Exception):
    """No champion serves, so nothing can be decided with it; nothing was decided again."""

    def __init__(self, problem: str | None):
        self.problem = problem
        super().__init__(f"no champion serves ({problem})")


@dataclass
class ModelLessRun:
    """What one run decided again: how many leads, by which model, and their routes before and after."""

    model_version: str | None
    routes: Counter[tuple[str, str]] = field(default_factory=Counter)

    @property
    def decided(self) -> int:
        """Stored leads decided again."""
        return sum(self.routes.values())

    def describe(self) -> str:
        """One line: how many were decided again, by what, and how their routes moved."""
        said = f"{plural(self.decided, 'stored lead')} decided without a model decided again"
        if not self.decided:
            return said
        moves = ", ".join(
            f"{before} unchanged {n}" if before == after else f"{before} → {after} {n}"
            for (before, after), n in sorted(self.routes.items(), key=lambda item: (-item[1], item[0]))
        )
        return f"{said}, by champion {self.model_version}: {moves}"


def model_less_routes(engine: Engine) -> dict[str, str]:
    """Lead id → stored route of every lead whose latest decision was made without a model, in id order."""
    # One pass over the decisions outside any write turn: a WAL reader blocks no writer.
    query = (
        select(DecisionRow.lead_id, DecisionRow.route)
        .where(DecisionRow.model_missing.is_(True), is_latest(DecisionRow))
        .order_by(DecisionRow.lead_id)
    )
    with engine.connect() as connection:
        return dict(connection.execute(query).all())


def redecide_model_less(
    *,
    holder: ModelHolder,
    store: DecisionStore,
    screening: Screening,
    metrics: ServiceMetrics | None = None,
    batch: int = CHUNK,
    pace: Callable[[float], bool] | None = None,
) -> ModelLessRun:
    """Decide again, with the champion serving now, every stored lead whose latest decision was made without a
    model; NoModel when none serves.

    Each batch of leads is one transaction that locks them in id order and then reads again which of them
    are still undecided by a model, so a worker or a command doing the same meanwhile never decides a lead
    twice: a second run decides 0. `pace(seconds the batch took)` runs between batches; False stops the run.
    """
    current = holder.current()
    if current.loaded is None:
        raise NoModel(current.problem)
    pinned = _Pinned(current)  # one model for the whole run, whatever the poll loads meanwhile
    run = ModelLessRun(current.model_version)
    pending = list(model_less_routes(store.engine))
    for start in range(0, len(pending), batch):
        began = time.monotonic()
        before: dict[str, str] = {}
        change = _still_model_less(pending[start : start + batch], before)
        redecided = change_and_redecide(
            change, trigger=TRIGGER, holder=pinned, store=store, screening=screening
        )
        redecided.observe(metrics, TRIGGER)
        run.routes.update((before[w.lead_id], w.route) for w in redecided.written)
        if pace is not None and start + batch < len(pending) and not pace(time.monotonic() - began):
            break
    return run


def _still_model_less(lead_ids: list[str], before: dict[str, str]):
    """A change for change_and_redecide: lock the leads, then name those still last decided without a model."""

    def change(connection: Connection, _now) -> list[str]:
        lock_leads(connection, lead_ids)
        # A statement after the locks: on PostgreSQL it sees what another worker committed while we waited.
        still = connection.execute(
            select(DecisionRow.lead_id, DecisionRow.route).where(
                DecisionRow.lead_id.in_(lead_ids),
                DecisionRow.model_missing.is_(True),
                is_latest(DecisionRow),
            )
        ).all()
        before.update(dict(still))
        return sorted(before)

    return change


class _Pinned:
    """A holder that always answers the same snapshot."""

    def __init__(self, current: Current):
        self._current = current

    def current(self) -> Current:
        """The snapshot the run started with."""
        return self._current
