"""Intent windows: how many days an event of each type counts as current intent before it is history."""

from __future__ import annotations

from collections.abc import Mapping

from leadgate.features.derived import MEANINGFUL_EVENTS
from leadgate.features.table import window_days

# The event types a window applies to: those that show buying intent. Opens, page views, cancellations and
# opt-outs are counted whatever their age (an unsubscribe does not expire).
INTENT_EVENTS: tuple[str, ...] = tuple(MEANINGFUL_EVENTS)

__all__ = ["INTENT_EVENTS", "Windows", "check_windows", "window_days", "windows_key"]

Windows = tuple[tuple[str, float], ...]


def windows_key(windows: Mapping[str, float] | None) -> Windows:
    """Windows as a sorted, hashable tuple of (event type, days); () for none."""
    return tuple(sorted((event, float(days)) for event, days in (windows or {}).items()))


def check_windows(windows: Mapping[str, float]) -> None:
    """Raise ValueError unless every window is a positive number of days for an intent event type."""
    unknown = sorted(set(windows) - set(INTENT_EVENTS))
    if unknown:
        raise ValueError(
            f"intent windows for event types without intent: {unknown}; allowed: {INTENT_EVENTS}"
        )
    bad = sorted(event for event, days in windows.items() if not float(days) > 0)
    if bad:
        raise ValueError(f"intent windows must be positive numbers of days: {bad}")
