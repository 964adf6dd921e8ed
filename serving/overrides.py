"""Sales overrides: a route set by hand, with a reason, that every later re-decision keeps until it is lifted.

The one pipeline always decides as usual; `final_decision` is the single place where an active override
then replaces the route. The stored record keeps both: the override (who, why, when) and the automatic
decision it replaced, with its gates, score and reasons untouched. A suppression that stops all contact
outranks an override: while one is active the override stays in force but is held back (the decision keeps
the suppression's route and public answer and names the override as held back), and it acts again at the
first decision after the suppression is lifted or expires.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, Connection, exists, insert, select, update

from leadgate.decision.public import public_answer
from leadgate.decision.record import DecisionRecord
from leadgate.decision.suppression import phone_stopped
from leadgate.serving.store_models import OverrideRow

OVERRIDE_REASONS = {
    "vip": "a VIP contact: sales works it whatever the score",
    "strategic": "a strategic account",
    "other": "another reason, given in the note",
}


class NoActiveOverride(LookupError):
    """The lead has no override to lift."""


@dataclass(frozen=True)
class OverrideSpec:
    """What sales asks for: the route, why, and who asks."""

    route: str
    reason_code: str
    note: str | None
    by: str


def _iso(moment: datetime) -> str:
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.isoformat()


def active_override(connection: Connection, lead_id: str) -> OverrideRow | None:
    """The lead's override in force (not lifted), or None."""
    query = select(OverrideRow).where(OverrideRow.lead_id == lead_id, OverrideRow.lifted_at.is_(None))
    row = connection.execute(query.order_by(OverrideRow.id.desc()).limit(1)).first()
    return None if row is None else OverrideRow(**row._asdict())


def apply_override(record: DecisionRecord, override: OverrideRow | None) -> DecisionRecord:
    """The automatic decision with the override's route, recording both; the record itself when none.

    While all contact is stopped the override is recorded as held back and the route stays the suppression's.
    """
    if override is None:
        return record
    automatic = {
        "route": record.route,
        "route_source": record.route_source,
        "control": record.control,
        "next_step": record.next_step,
        "public_message": record.public_message,
    }
    shown = {
        "id": override.id,
        "route": override.route,
        "reason_code": override.reason_code,
        "note": override.note,
        "by": override.created_by,
        "at": _iso(override.created_at),
        "automatic": automatic,
        "held_back": record.contact_stopped,
    }
    if record.contact_stopped:
        # Compliance first: no override may send a lead nobody may contact to a call or an email.
        return dataclasses.replace(record, override=shown)
    # The override's public step follows the one route-to-step map; no gate message: no gate decided it.
    # Nor a call while a do-not-call request holds: sales_ready is answered by email.
    no_call = phone_stopped(record.suppressions)
    next_step, message = public_answer(override.route, "override", None, "unknown", no_call)
    return dataclasses.replace(
        record,
        route=override.route,
        route_source="override",
        control="override",
        next_step=next_step,
        public_message=message,
        override=shown,
    )


def in_force(lead_id: ColumnElement) -> ColumnElement[bool]:
    """SQL: the lead has an override in force; read beside the lead, it spares a query when none is."""
    return exists().where(OverrideRow.lead_id == lead_id, OverrideRow.lifted_at.is_(None))


def final_decision(
    connection: Connection, lead_id: str, record: DecisionRecord, overridden: bool = True
) -> DecisionRecord:
    """The decision to store for a lead decided again: the pipeline's, with its active override applied.

    `overridden` False (read with `in_force`) says there is none, so nothing is looked up.
    """
    return apply_override(record, active_override(connection, lead_id) if overridden else None)


def set_override(spec: OverrideSpec, lead_id: str, at: datetime):
    """A store change (for DecisionStore.redecide): lift any override in force, then insert this one."""

    def change(connection: Connection) -> None:
        connection.execute(
            update(OverrideRow)
            .where(OverrideRow.lead_id == lead_id, OverrideRow.lifted_at.is_(None))
            .values(lifted_at=at, lifted_by=spec.by, lift_note="replaced by a newer override")
        )
        connection.execute(
            insert(OverrideRow),
            {
                "lead_id": lead_id,
                "route": spec.route,
                "reason_code": spec.reason_code,
                "note": spec.note,
                "created_by": spec.by,
                "created_at": at,
            },
        )

    return change


def lift_override(lead_id: str, by: str, note: str | None, at: datetime):
    """A store change (for DecisionStore.redecide): lift the override in force; NoActiveOverride if none."""

    def change(connection: Connection) -> None:
        lifted = connection.execute(
            update(OverrideRow)
            .where(OverrideRow.lead_id == lead_id, OverrideRow.lifted_at.is_(None))
            .values(lifted_at=at, lifted_by=by, lift_note=note)
        )
        if lifted.rowcount == 0:
            raise NoActiveOverride(lead_id)

    return change


def overrides_of(connection: Connection, lead_id: str) -> list[dict]:
    """Every override of a lead, oldest first, lifted ones included."""
    rows = connection.execute(
        select(OverrideRow).where(OverrideRow.lead_id == lead_id).order_by(OverrideRow.id)
    ).all()
    return [
        {
            "id": row.id,
            "route": row.route,
            "reason_code": row.reason_code,
            "note": row.note,
            "created_by": row.created_by,
            "created_at": _iso(row.created_at),
            "lifted_at": None if row.lifted_at is None else _iso(row.lifted_at),
            "lifted_by": row.lifted_by,
            "lift_note": row.lift_note,
        }
        for row in rows
    ]
