"""The export's own columns as a plain data scientist would take them: numbers, dates as ages, categories."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from leadgate.features.schema import Company, Contact, Form, Lead, Source
from leadgate.features.table import EVENT_TYPES

# A text column with more distinct values than this share of its rows names leads (ids, emails), not kinds.
IDENTIFIER_SHARE = 0.5
IDENTIFIER_MIN_DISTINCT = 50
NUMERIC_SHARE = 0.95  # a column is numeric when this share of its given values reads as a number
MIN_LEVEL_ROWS = 10  # rarer category levels are pooled, as a one-hot encoder's min_frequency would
MISSING = {"", "nan", "none", "null", "n/a", "na", "-", "--", "select"}
_SECTIONS = (("contact", Contact), ("company", Company), ("form", Form), ("source", Source))
_DAY = 86_400.0


@dataclass
class ColumnFrame:
    """Baseline inputs: numeric and categorical columns, and each column left out with the reason."""

    frame: object  # pandas.DataFrame
    numeric: list[str]
    categorical: list[str]
    dropped: dict[str, str] = field(default_factory=dict)

    @property
    def used(self) -> list[str]:
        """Every column a baseline learns from."""
        return self.numeric + self.categorical


def lead_columns(leads: list[Lead]) -> list[dict]:
    """Leads without an export behind them (JSON history) as flat columns: every field and event count."""
    rows = []
    for lead in leads:
        row: dict = {}
        for section, model in _SECTIONS:
            values = getattr(lead, section)
            for name in model.model_fields:
                row[f"{section}.{name}"] = getattr(values, name)
        counts = dict.fromkeys(EVENT_TYPES, 0)
        for event in lead.events:
            if lead.scored_at is None or event.at <= lead.scored_at:
                counts[event.type.value] += 1
        row.update({f"events.{name}": count for name, count in counts.items()})
        row.update({f"custom.{name}": value for name, value in lead.custom.items()})
        rows.append(row)
    return rows


def _given(value) -> bool:
    return value is not None and str(value).strip().lower() not in MISSING


def _number(value, decimal: str = ".") -> float:
    if isinstance(value, bool | int | float):
        return float(value)
    text = str(value).strip().replace(" ", "")
    if decimal == ",":  # "1.234,56" as the mapping reads it
        return float(text.replace(".", "").replace(",", "."))
    try:
        return float(text)
    except ValueError:
        pass
    # Without a declared mark: one comma and no point is a decimal comma ("3,5"), else thousands ("1,234.5").
    if text.count(",") == 1 and "." not in text:
        return float(text.replace(",", "."))
    return float(text.replace(",", ""))


def _numbers(values: list, decimal: str = ".") -> tuple[np.ndarray, float]:
    """The values as floats (NaN where missing or unreadable) and the share of given values that read."""
    out = np.full(len(values), np.nan)
    given = read = 0
    for i, value in enumerate(values):
        if not _given(value):
            continue
        given += 1
        try:
            out[i] = _number(value, decimal)
            read += 1
        except ValueError:
            pass
    return out, (read / given if given else 0.0)


def _ages(values: list, created_days: np.ndarray) -> np.ndarray | None:
    """Days from each date to the lead's creation, when the column holds dates; None when it does not."""
    import pandas as pd

    text = pd.Series([str(v) if _given(v) else None for v in values], dtype=object)
    given = text.notna()
    if not given.any() or text[given].str.len().min() < 8:
        return None
    with np.errstate(all="ignore"):
        moments = pd.to_datetime(text, errors="coerce", utc=True, format="mixed")
    if moments[given].notna().mean() < NUMERIC_SHARE:
        return None
    days = (moments - pd.Timestamp(0, tz="UTC")).dt.total_seconds().to_numpy(dtype=float) / _DAY
    return created_days - days


def column_frame(
    rows: list[dict], created_days: np.ndarray, train: np.ndarray, decimal: str = "."
) -> ColumnFrame:
    """Every column of the rows, typed from its values; rare levels pooled by the training rows' counts."""
    import pandas as pd

    names = list(dict.fromkeys(name for row in rows for name in row))
    columns, numeric, categorical, dropped = {}, [], [], {}
    for name in names:
        values = [row.get(name) for row in rows]
        given = [v for v in values if _given(v)]
        distinct = len({str(v).strip().lower() for v in given})
        if distinct <= 1:
            dropped[name] = "constant or empty"
            continue
        numbers, share = _numbers(values, decimal)
        ages = None if share >= NUMERIC_SHARE else _ages(values, created_days)
        if share >= NUMERIC_SHARE or ages is not None:
            columns[name] = numbers if ages is None else ages
            numeric.append(name)
        elif distinct > max(IDENTIFIER_MIN_DISTINCT, IDENTIFIER_SHARE * len(given)):
            dropped[name] = f"identifier-like: {distinct:,} distinct values"
        else:
            columns[name] = _categories(values, train)
            categorical.append(name)
    frame = pd.DataFrame(columns, index=pd.RangeIndex(len(rows)))
    return ColumnFrame(frame, numeric, categorical, dropped)


def _categories(values: list, train: np.ndarray):
    import pandas as pd

    text = [str(v).strip().lower() if _given(v) else None for v in values]
    counts = pd.Series([t for t, k in zip(text, train, strict=True) if k and t is not None]).value_counts()
    common = set(counts[counts >= MIN_LEVEL_ROWS].index)
    pooled = [None if t is None else t if t in common else "(other)" for t in text]
    return pd.Categorical(pooled, categories=sorted(common) + ["(other)"])
