"""A person changes a list (API or CLI): the entry, its audit row and the decisions it causes, in one transaction.

A domain's entry bears on the stored leads of that domain (their email's or website's registered domain, as
an account's suppression does), so adding or removing one decides those leads again at once, as making a
suppression or changing an account's status does: a rep who takes an account off do-not-engage sees its
leads routed again, not at some later event. A network's entry applies from the next decision: stored leads
are not kept by network.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import Connection

from leadgate.decision.lists import LIST_KINDS
from leadgate.serving import lists_store
from leadgate.serving.metrics import ServiceMetrics
from leadgate.serving.model_holder import ModelHolder
from leadgate.serving.redecide_many import change_and_redecide
from leadgate.serving.screening import Screening
from leadgate.serving.store import DecisionStore
from leadgate.serving.suppression_store import leads_at_domain

TRIGGER = "lists"


class Changed(NamedTuple):
    """The value as stored, the lists' new revision, and how many stored leads were decided again."""

    value: str
    revision: int
    decided: int


def _bearing(connection: Connection, kind: str, value: str) -> list[str]:
    _, what = LIST_KINDS[kind]
    return leads_at_domain(connection, value) if what == "domain" else []


def add(
    *,
    kind: str,
    value: str,
    why: str,
    who: str,
    policy,
    holder: ModelHolder,
    store: DecisionStore,
    screening: Screening,
    metrics: ServiceMetrics | None,
) -> Changed:
    """Add a value to a list and decide its stored leads again; ListValueError, ListConflict: nothing stored."""
    made: list[tuple[str, int]] = []

    def change(connection: Connection, _now: datetime) -> list[str]:
        # Only the entry's own insert is a conflict: an integrity error while storing the leads' new decisions
        # is something else, and says so.
        with lists_store.conflicts(kind, value):
            entry, revision = lists_store.add_in(
                connection, kind=kind, value=value, why=why, who=who, policy=policy
            )
        made.append((entry.value, revision))
        return _bearing(connection, kind, entry.value)

    redecided = change_and_redecide(change, trigger=TRIGGER, holder=holder, store=store, screening=screening)
    redecided.observe(metrics, TRIGGER)
    return Changed(*made[0], redecided.decided)


def remove(
    *,
    kind: str,
    value: str,
    why: str,
    who: str,
    policy,
    holder: ModelHolder,
    store: DecisionStore,
    screening: Screening,
    metrics: ServiceMetrics | None,
) -> Changed:
    """Take a value off a list and decide its stored leads again; ListValueError, ListConflict, NotListed:
    nothing changed."""
    made: list[tuple[str, int]] = []

    def change(connection: Connection, _now: datetime) -> list[str]:
        revision = lists_store.remove_in(connection, kind=kind, value=value, why=why, who=who, policy=policy)
        normalized = lists_store.compared(kind, value)
        made.append((normalized, revision))
        return _bearing(connection, kind, normalized)

    redecided = change_and_redecide(change, trigger=TRIGGER, holder=holder, store=store, screening=screening)
    redecided.observe(metrics, TRIGGER)
    return Changed(*made[0], redecided.decided)
