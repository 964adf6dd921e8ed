"""A person changes an account's status: field by field, audited, and its stored leads decided again.

The gates of each of the account's stored leads read its status, so a change leaves none of them reading a
route the status no longer backs: the status, its audit row and the decisions it causes are stored in one
transaction, or none are, as a suppression's are (serving/suppression_service.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import Connection, Engine, insert, select
from sqlalchemy.exc import IntegrityError

from leadgate.serving.accounts import AccountStatus
from leadgate.serving.metrics import ServiceMetrics
from leadgate.serving.model_holder import ModelHolder
from leadgate.serving.redecide_many import Redecided, change_and_redecide
from leadgate.serving.screening import Screening
from leadgate.serving.store import DecisionStore
from leadgate.serving.store_models import AccountStatusAuditRow, AccountStatusRow, LeadRow
from leadgate.serving.stored_times import stored_utc

FLAGS = ("do_not_engage", "churned_non_payment", "open_escalation")  # what the gates read
FIELDS = (*FLAGS, "note")
_NONE_SET = {**dict.fromkeys(FLAGS, False), "note": None}  # an account with no status stored reads as this
TRIGGER = "account_status"
CHANGES_SHOWN = 100  # the newest changes an account view lists


class Changed(NamedTuple):
    """The status as stored after the change, and how many stored leads were decided again."""

    status: AccountStatus
    decided: int


def apply_change(
    connection: Connection, domain: str, changes: dict, *, who: str, at: datetime
) -> tuple[dict | None, dict]:
    """Write the given fields over the stored status (the others kept); (before, after), before None if new."""
    table = AccountStatusRow.__table__
    # Locked (PostgreSQL), so two changes to one account merge one after the other, never over each other.
    row = connection.execute(select(table).where(table.c.domain == domain).with_for_update()).first()
    before = None if row is None else {name: getattr(row, name) for name in FIELDS}
    after = {**(before or _NONE_SET), **{k: v for k, v in changes.items() if k in FIELDS}}
    values = {**after, "updated_at": at, "updated_by": who}
    if row is None:
        connection.execute(table.insert().values(domain=domain, **values))
    else:
        connection.execute(table.update().where(table.c.domain == domain).values(**values))
    return before, after


def _changed(before: dict | None, after: dict) -> list[str]:
    """The fields a change moved, in FIELDS order (an account with no status before reads as _NONE_SET)."""
    return [name for name in FIELDS if (before or _NONE_SET)[name] != after[name]]


def account_leads(connection: Connection, domain: str) -> list[str]:
    """The account's stored leads, sorted: the order they are locked in."""
    query = select(LeadRow.lead_id).where(LeadRow.account_domain == domain).order_by(LeadRow.lead_id)
    return list(connection.scalars(query))


def change_status(
    *,
    domain: str,
    changes: dict,
    who: str,
    holder: ModelHolder,
    store: DecisionStore,
    screening: Screening,
    metrics: ServiceMetrics | None,
) -> Changed:
    """Change the fields given; when a flag moved, decide the account's stored leads again, all in one
    transaction, with the champion as a suppression would (ChampionUnloaded, nothing stored, while it fails
    to load)."""
    deps = {"holder": holder, "store": store, "screening": screening}
    try:
        changed, redecided = _change_once(domain, changes, who, **deps)
    except IntegrityError:  # a concurrent first write took the insert: this pass merges over it
        changed, redecided = _change_once(domain, changes, who, **deps)
    redecided.observe(metrics, TRIGGER)
    return changed


def _change_once(
    domain: str, changes: dict, who: str, *, holder: ModelHolder, store: DecisionStore, screening: Screening
) -> tuple[Changed, Redecided]:
    made: list[tuple[dict, datetime]] = []

    def change(connection: Connection, now: datetime) -> list[str]:
        before, after = apply_change(connection, domain, changes, who=who, at=now)
        moved = any(name in FLAGS for name in _changed(before, after))
        leads = account_leads(connection, domain) if moved else []  # a note alone changes no decision
        audit = {"domain": domain, "changed_by": who, "changed_at": now, "decided": len(leads)}
        connection.execute(insert(AccountStatusAuditRow), {**audit, "before": before, "after": after})
        made.append((after, now))
        return leads

    deps = {"holder": holder, "store": store, "screening": screening}
    redecided = change_and_redecide(change, trigger=TRIGGER, **deps)
    after, now = made[0]
    return Changed(AccountStatus(**after, updated_at=now, updated_by=who), redecided.decided), redecided


def status_changes(engine: Engine, domain: str, limit: int = CHANGES_SHOWN) -> list[dict]:
    """The account's newest status changes, newest first: who, when, the status before and after."""
    audit = AccountStatusAuditRow.__table__
    query = select(audit).where(audit.c.domain == domain).order_by(audit.c.id.desc()).limit(limit)
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    return [
        {
            "changed_by": row.changed_by,
            "changed_at": stored_utc(row.changed_at),
            "before": row.before,
            "after": row.after,
            "changed": _changed(row.before, row.after),
            "decided": row.decided,
        }
        for row in rows
    ]
