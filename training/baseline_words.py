"""The columns each baseline saw, in words: named in full or cut to a terminal cell's few."""

from __future__ import annotations

from leadgate.decision.count_words import plural

SCORECARD_SEEN = "activity counts, email domain, size, country, seniority (fixed points)"
SHOWN_COLUMNS = 4  # a terminal cell names this many of a scorer's columns, then says how many more


def named(names: list[str], limit: int | None = None) -> str:
    """Names joined: every one, or the first `limit` and '+N more' (never '+1 more': that one is named)."""
    if limit is None or len(names) <= limit + 1:
        return ", ".join(names)
    return f"{', '.join(names[:limit])} +{len(names) - limit} more"


def column_words(names: list[str], limit: int | None = None) -> str:
    """'3 columns: Tier, Job, Region', the names cut to `limit` as `named` does."""
    return f"{plural(len(names), 'column')}: {named(names, limit)}" if names else "no column"


def left_out_words(left_out: dict[str, str], limit: int | None = None) -> str:
    """The columns left out, those with the same reason named together: 'A, B (constant or empty); C (…)'."""
    by_reason: dict[str, list[str]] = {}
    for name, why in left_out.items():
        by_reason.setdefault(why, []).append(name)
    return "; ".join(f"{named(names, limit)} ({why})" for why, names in by_reason.items())
