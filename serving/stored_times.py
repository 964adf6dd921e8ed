"""Times read back from the decision store: aware, and in UTC on every store."""

from __future__ import annotations

from datetime import UTC, datetime


def stored_utc(moment: datetime | None) -> datetime | None:
    """A stored time in UTC: SQLite hands back naive UTC, PostgreSQL an aware time in its session's zone."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
