"""Company size bands as CRMs and lead forms give them ('51-200', '1,001-5,000 employees', '10,001+')."""

from __future__ import annotations

import math
import re

import numpy as np

MAX_EMPLOYEES = 5_000_000

# A count with thousands grouped by ',', '.', "'", a space or a narrow no-break space: '1,001', '5.000'.
_COUNT = r"\d{1,3}(?:[,.' \u00a0\u202f]\d{3})+|\d+"
# The words a band may end with, as CRM exports and lead forms write them (LinkedIn: '51-200 employees').
_UNIT = r"(?:\s*(?:employees?|emp\.?|people|staff|mitarbeiter(?:innen)?|mitarbeitende|salari[ée]s|empleados|dipendenti|medewerkers))?"
_RANGE = re.compile(rf"({_COUNT})\s*(?:-|–|—|to|bis|à|a)\s*({_COUNT}){_UNIT}", re.IGNORECASE)
_OPEN = re.compile(
    rf"(?:({_COUNT})\s*\+|(?:>=?|≥|over|more than|mehr als|plus de|más de)\s*({_COUNT})){_UNIT}",
    re.IGNORECASE,
)
# LinkedIn's smallest band, and how other forms say the same: one person.
_ONE = re.compile(r"myself only|just me|self[- ]employed|only me|solo", re.IGNORECASE)
# How a band is kept in a lead: '51-200' or '10001+' (no grouping, no words).
CANONICAL = r"^\d+(?:-\d+|\+)$"


def _count(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def read_band(text: str) -> int | str | None:
    """A size band's text as a lead keeps it ('51-200', '10001+'), a one-size band as its count; None if no band.

    Raises ValueError for a band whose ends are out of order or past MAX_EMPLOYEES.
    """
    text = text.strip()
    if _ONE.fullmatch(text):
        return 1
    if match := _RANGE.fullmatch(text):
        low, high = _count(match[1]), _count(match[2])
        if low > high:
            raise ValueError(f"the size band {text[:50]!r} ends below where it starts")
        if high > MAX_EMPLOYEES:
            raise ValueError(f"the size band {text[:50]!r} goes past {MAX_EMPLOYEES:,} employees")
        return low if low == high else f"{low}-{high}"
    if match := _OPEN.fullmatch(text):
        low = _count(match[1] or match[2]) + (0 if match[1] else 1)  # '> 1000' starts at 1,001
        if low > MAX_EMPLOYEES:
            raise ValueError(f"the size band {text[:50]!r} starts past {MAX_EMPLOYEES:,} employees")
        return f"{low}+"
    return None


def bounds(employees: int | str | None) -> tuple[float, float]:
    """(fewest, most) employees a lead's size says: a count is both; '10001+' has no top; unknown is NaN."""
    if employees is None:
        return math.nan, math.nan
    if isinstance(employees, str):
        low, _, high = employees.rstrip("+").partition("-")
        return float(low), float(high) if high else (math.inf if employees.endswith("+") else float(low))
    return float(employees), float(employees)


def typical(low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """One size for each band, for the model: the middle on a log scale ('51-200' → 101); an open band its start."""
    with np.errstate(invalid="ignore"):
        middle = np.sqrt(np.maximum(low, 1) * high)
    return np.where(np.isfinite(high), np.where(low == high, low, np.round(middle)), low)
