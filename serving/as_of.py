"""When each lead of a batch is decided: now, as it stood when it was created, or at one given moment."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Literal

from leadgate.features.lead_times import FUTURE_SLACK
from leadgate.serving.lead_rows import Row

# A lead created longer ago than this and decided now has its events and dates aged to today: worth a word.
OLD_AFTER = timedelta(days=30)
CREATED = "created"


class AsOf:
    """Pins each row's decision time; a lead that carries its own `scored_at` keeps it.

    `when`: None decides now; "created" decides each lead as of its creation (as back-tests do); a datetime
    decides every lead as of that moment, or as of its creation when it was created later.
    """

    def __init__(self, when: datetime | str | None = None):
        # Text reads as `--as-of` does ('now', 'created', an ISO date); a datetime without a zone is UTC.
        if isinstance(when, str):
            when = parse_as_of(when, "now=")
        elif isinstance(when, datetime):
            when = _checked(when if when.tzinfo else when.replace(tzinfo=UTC))
        elif when is not None:
            raise ValueError(f"as of {when!r}: give 'now', 'created', a datetime or an ISO date")
        self.when = when
        self.old = 0  # leads decided now that were created more than OLD_AFTER ago
        self._old_before = datetime.now(UTC) - OLD_AFTER

    def pin(self, row: Row) -> Row:
        """The row with its lead's decision time set (rows in error and leads with a `scored_at` unchanged)."""
        lead = row.lead
        if lead is None or lead.scored_at is not None:
            return row
        if self.when is None:
            self.old += lead.created_at < self._old_before
            return row
        moment = lead.created_at if self.when == CREATED else max(self.when, lead.created_at)
        return Row(row.number, lead.as_of(moment), row.lead_id, None)

    def rows(self, rows: Iterable[Row]) -> Iterator[Row]:
        """Each row pinned, as the rows are read."""
        return (self.pin(row) for row in rows)


def old_leads_message(old: int, option: str = "--as-of created") -> str:
    """Deciding an old lead now ages its events and dates to today: right for a lead still open, not for
    re-scoring history; said to whoever decided them (`option`: how to decide each as it stood instead)."""
    were = "lead was" if old == 1 else "leads were"
    return (
        f"{old:,} {were} created more than {OLD_AFTER.days} days ago and decided as of now (their activity and "
        f"dates aged to today); to decide each as it stood when created, use {option}"
    )


def parse_as_of(text: str, option: str = "--as-of") -> datetime | Literal["created"] | None:
    """`--as-of` in words: 'now', 'created', or an ISO 8601 date or moment (UTC when no zone is given)."""
    word = text.strip().lower()
    if word == "now":
        return None
    if word == CREATED:
        return CREATED
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"{option} {text!r}: give 'now', 'created' (each lead as it stood when created) or a date like "
            "2026-06-30 or 2026-06-30T18:00:00Z"
        ) from None
    return _checked(moment if moment.tzinfo else moment.replace(tzinfo=UTC))


def _checked(moment: datetime) -> datetime:
    """A decision time no later than a day after now: a lead cannot be decided as of a moment still to come."""
    now = datetime.now(UTC)
    if moment > now + FUTURE_SLACK:
        raise ValueError(
            f"as of {moment.isoformat()}: more than a day after now ({now.isoformat(timespec='seconds')}); a "
            "lead is decided as of a moment that has come"
        )
    return moment
