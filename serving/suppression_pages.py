"""Pages of suppression records, every subject's or one's, by status, contact, kind and source, oldest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, and_, func, or_, select

from leadgate.decision.suppression import Suppression
from leadgate.serving.store_models import SuppressionRow
from leadgate.serving.suppression_store import of_row

WANTED = ("active", "lifted", "expired", "all")


@dataclass(frozen=True)
class Page:
    """One page of records, the records all pages hold, and the offset of the next page (None: the last)."""

    items: list[Suppression]
    total: int
    limit: int
    offset: int

    @property
    def next_offset(self) -> int | None:
        """Where the next page starts, or None when this is the last."""
        after = self.offset + len(self.items)
        return after if after < self.total else None


def _status(wanted: str, now: datetime, naive: bool):
    """The records a status holds now, as `state_now` reads one record: lifted, else expired, else active."""
    bound = now.astimezone(UTC).replace(tzinfo=None) if naive else now  # SQLite keeps naive UTC text
    row = SuppressionRow
    lasting = or_(row.expires_at.is_(None), row.expires_at > bound)
    return {
        "active": and_(row.lifted_at.is_(None), lasting),
        "lifted": row.lifted_at.is_not(None),
        "expired": and_(row.lifted_at.is_(None), row.expires_at <= bound),
    }[wanted]


def suppression_page(
    engine: Engine,
    *,
    status: str = "active",
    contact: str | None = None,
    subject_kind: str | None = None,
    source: str | None = None,
    subjects: list[str] | None = None,
    limit: int = 50,
    offset: int = 0,
    now: datetime | None = None,
) -> Page:
    """Records by status ('all': every one) and the other filters given, oldest first; `subjects`: only these
    subjects' (what `bearing_on` names for a person or an account)."""
    if status not in WANTED:
        raise ValueError(f"status must be one of {', '.join(WANTED)}, not {status!r}")
    row = SuppressionRow
    conditions = []
    if status != "all":
        conditions.append(_status(status, now or datetime.now(UTC), engine.dialect.name == "sqlite"))
    for column, value in ((row.contact, contact), (row.subject_kind, subject_kind), (row.source, source)):
        if value is not None:
            conditions.append(column == value)
    if subjects is not None:
        conditions.append(row.subject.in_(subjects))
    with engine.connect() as connection:
        total = connection.scalar(select(func.count()).select_from(row).where(*conditions)) or 0
        query = select(row).where(*conditions).order_by(row.id).limit(limit).offset(offset)
        items = [of_row(found) for found in connection.execute(query)]
    return Page(items, total, limit, offset)
