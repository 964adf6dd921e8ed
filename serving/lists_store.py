"""Maintained lists in the store: entries, an append-only audit of every change, and the lists' revision.

The revision is the newest audit id: it only grows, each change makes a new one, and reading it is one
indexed lookup, so the service checks it on every request and picks a change up without a restart.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, delete, func, insert, select
from sqlalchemy.exc import IntegrityError

from leadgate.decision.lists import LIST_KINDS, MAX_WHY, ListValueError, check_kind, compared, normalize
from leadgate.serving.store_engine import writing
from leadgate.serving.store_models import ListAuditRow, ListEntryRow
from leadgate.serving.stored_times import stored_utc


class ListConflict(ValueError):
    """The change cannot be made as asked: already on the list, or only in the policy file."""


class NotListed(LookupError):
    """The value is not on the store's list of that kind."""


@dataclass(frozen=True)
class ListEntry:
    """One entry of a list, from the store or from the policy file."""

    kind: str
    value: str
    source: str  # store | policy
    added_at: datetime | None = None
    added_by: str | None = None
    why: str | None = None


def lists_version(revision: int) -> str:
    """What decisions record beside the policy version."""
    return f"lists@{revision}"


def check_why(why: str) -> str:
    """The reason for a change, stripped; ListValueError when empty or too long."""
    text = (why or "").strip()
    if not text:
        raise ListValueError("a reason (why) is required for every change to a list")
    if len(text) > MAX_WHY:
        raise ListValueError(f"the reason is over {MAX_WHY} characters")
    return text


def revision(connection: Connection) -> int:
    """The lists' revision: the newest audit id, 0 before any change."""
    return connection.scalar(select(func.max(ListAuditRow.id))) or 0


def snapshot(engine: Engine) -> tuple[int, dict[str, tuple[str, ...]]]:
    """(revision, values by kind) read together."""
    with engine.connect() as connection:
        return snapshot_in(connection)


def snapshot_in(connection: Connection) -> tuple[int, dict[str, tuple[str, ...]]]:
    """(revision, values by kind) as `connection` sees them: in a write, with its own changes."""
    current = revision(connection)
    rows = connection.execute(select(ListEntryRow.kind, ListEntryRow.value).order_by(ListEntryRow.value))
    lists: dict[str, list[str]] = {kind: [] for kind in LIST_KINDS}
    for kind, value in rows:
        lists.setdefault(kind, []).append(value)
    return current, {kind: tuple(values) for kind, values in lists.items()}


def _audit(
    connection: Connection, kind: str, value: str, action: str, who: str, why: str, at: datetime
) -> int:
    row = {"kind": kind, "value": value, "action": action, "who": who, "why": why, "at": at}
    return connection.execute(insert(ListAuditRow), row).inserted_primary_key[0]


def add_entry(
    engine: Engine, *, kind: str, value: str, why: str, who: str, policy=None
) -> tuple[ListEntry, int]:
    """Add a value (normalized) to a list with an audit row; (entry, new revision). Nothing is written on error."""
    with conflicts(kind, value), writing(engine) as connection:
        return add_in(connection, kind=kind, value=value, why=why, who=who, policy=policy)


@contextmanager
def conflicts(kind: str, value: str) -> Iterator[None]:
    """A concurrent add of the same value (the insert's IntegrityError) as the ListConflict a repeat is."""
    try:
        yield
    except IntegrityError:
        raise ListConflict(f"{normalize(kind, value)} is already on {kind}") from None


def add_in(
    connection: Connection, *, kind: str, value: str, why: str, who: str, policy=None
) -> tuple[ListEntry, int]:
    """`add_entry` inside a write transaction (one that also decides the leads the entry bears on)."""
    value, why = normalize(kind, value), check_why(why)
    if policy is not None and value in _file_values(policy, kind):
        raise ListConflict(f"{value} is already on {kind} in the policy file")
    mine = (ListEntryRow.kind == kind) & (ListEntryRow.value == value)
    if connection.scalar(select(ListEntryRow.value).where(mine)) is not None:
        raise ListConflict(f"{value} is already on {kind}")
    at = datetime.now(UTC)
    # A concurrent add of the same value fails this insert (IntegrityError): `conflicts` says it in words.
    connection.execute(
        insert(ListEntryRow), {"kind": kind, "value": value, "added_at": at, "added_by": who, "why": why}
    )
    new = _audit(connection, kind, value, "add", who, why, at)
    return ListEntry(kind, value, "store", at, who, why), new


def remove_entry(engine: Engine, *, kind: str, value: str, why: str, who: str, policy=None) -> int:
    """Take a value off a store list with an audit row; the new revision. Nothing is written on error."""
    with writing(engine) as connection:
        return remove_in(connection, kind=kind, value=value, why=why, who=who, policy=policy)


def remove_in(connection: Connection, *, kind: str, value: str, why: str, who: str, policy=None) -> int:
    """`remove_entry` inside a write transaction; ListConflict, NotListed: nothing was changed."""
    # Looked up as the gates compare it, not as a new entry is checked: an entry stored before today's rules
    # (eu.acme.com, gmail.com) still holds leads, so it must stay removable.
    value, why = compared(kind, value), check_why(why)
    gone = connection.execute(
        delete(ListEntryRow).where(ListEntryRow.kind == kind, ListEntryRow.value == value)
    ).rowcount
    if gone:
        return _audit(connection, kind, value, "remove", who, why, datetime.now(UTC))
    if policy is not None and value in _file_values(policy, kind):
        raise ListConflict(f"{value} is on {kind} in the policy file: change the file to remove it")
    raise NotListed(f"{value} is not on {kind}")


def entries(engine: Engine, kind: str, policy=None) -> list[ListEntry]:
    """A list's entries: the policy file's first (when `policy` is given), then the store's."""
    check_kind(kind)
    found = [ListEntry(kind, value, "policy") for value in (_file_values(policy, kind) if policy else ())]
    query = select(ListEntryRow).where(ListEntryRow.kind == kind).order_by(ListEntryRow.value)
    with engine.connect() as connection:
        for row in connection.execute(query):
            found.append(ListEntry(kind, row.value, "store", stored_utc(row.added_at), row.added_by, row.why))
    return found


def audit(engine: Engine, kind: str, limit: int = 100) -> list[dict]:
    """The newest changes to a list, newest first."""
    check_kind(kind)
    query = (
        select(ListAuditRow).where(ListAuditRow.kind == kind).order_by(ListAuditRow.id.desc()).limit(limit)
    )
    with engine.connect() as connection:
        return [
            {
                "revision": row.id,
                "action": row.action,
                "value": row.value,
                "who": row.who,
                "why": row.why,
                "at": stored_utc(row.at),
            }
            for row in connection.execute(query)
        ]


def _file_values(policy, kind: str) -> tuple[str, ...]:
    field, _ = LIST_KINDS[kind]
    values = getattr(policy.domains, field) or ()
    return tuple(compared(kind, v) for v in values)
