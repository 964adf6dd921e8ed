"""The export's own columns as a plain data scientist would take them: numbers, dates as ages, categories."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

import numpy as np

from leadgate.features import number_marks
from leadgate.features.date_suggestions import best_date_format
from leadgate.features.dates import moment
from leadgate.features.table import EVENT_TYPES, LeadTable

# A text column with more distinct values than this share of its rows names leads (ids, emails), not kinds.
IDENTIFIER_SHARE = 0.5
IDENTIFIER_MIN_DISTINCT = 50
# A number column numbers the leads (a CRM's auto-number) when its whole numbers are all distinct, nearly every
# row has one, and they rise with creation this closely (rank correlation): a revenue or a size does not.
IDENTIFIER_ORDER = 0.9
NUMERIC_SHARE = 0.95  # a column is numeric when this share of its given values reads as a number
MIN_LEVEL_ROWS = 10  # rarer category levels are pooled, as a one-hot encoder's min_frequency would
MISSING = ["", "nan", "none", "null", "n/a", "na", "-", "--", "select"]
NUMBER_SAMPLE = 200  # values tried as numbers before a whole text column is
DATE_SAMPLE = 200  # values tried as dates before a whole column is: most text columns fail at once
_DAY = 86_400.0
_NUMBERS = ("employees", "annual_revenue", "seconds_on_form", "cost")


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


def lead_frame(table: LeadTable):
    """Leads without an export behind them (JSON history) as flat columns: every field and event count."""
    import pandas as pd

    columns = {name: values for name, values in table.text.items() if name != "lead_id"}
    columns.update({name: table.numbers[name] for name in _NUMBERS})
    columns["age_days"] = table.numbers["scored_days"] - table.numbers["created_days"]
    counts = table.event_counts()
    columns.update({f"events.{name}": counts[:, j] for j, name in enumerate(EVENT_TYPES)})
    frame = pd.DataFrame(columns)
    custom = pd.DataFrame(table.custom, index=frame.index)
    return frame.join(custom.add_prefix("custom.")) if len(custom.columns) else frame


def _given(series) -> np.ndarray:
    """Cells that hold a value: not empty, not NaN, not a placeholder such as 'N/A'."""
    text = series.astype(str).str.strip().str.lower()
    return (series.notna() & ~text.isin(MISSING)).to_numpy()


def _numbers(series, given: np.ndarray, decimal: str | None):
    """The column as floats (NaN where missing or unreadable) and the share of given cells that read.

    Text is read as the mapping reads numbers (features/number_marks.py): currency, percent and grouped
    thousands included. `decimal` None infers the column's mark from its values ('.' where they do not say).
    """
    import pandas as pd

    if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
        values = pd.to_numeric(series, errors="coerce").astype(float).where(given)
        read = int(values.notna().sum())
        return values.to_numpy(dtype=float), (read / given.sum() if given.any() else 0.0)
    text = series.where(given).astype(str).str.strip()
    texts = text[given]
    # Most text columns are words: a sample of which under half reads as numbers settles it without reading
    # every cell; otherwise every cell is read, so a column's type never hangs on which rows come first.
    sample = texts.head(NUMBER_SAMPLE)
    if not len(sample) or sum(
        number_marks.read(t, ".") is not None or number_marks.read(t, ",") is not None for t in sample
    ) < 0.5 * len(sample):
        return np.full(len(series), np.nan), 0.0
    if decimal is None:
        try:
            decimal = number_marks.column_mark(str(series.name), texts, None)
        except ValueError:
            decimal = "."  # marks that contradict each other: read as a plain data scientist would, with '.'
    values = np.full(len(series), np.nan)
    rows = np.flatnonzero(given)
    values[rows] = [np.nan if (v := number_marks.read(t, decimal)) is None else v for t in texts]
    read = int(np.isfinite(values[rows]).sum())
    return values, (read / len(rows) if len(rows) else 0.0)


def _ages(series, given: np.ndarray, created_days: np.ndarray) -> np.ndarray | None:
    """Days from each date to the lead's creation, when the column holds dates; None when it does not."""
    import pandas as pd

    text = series.where(given).dropna().astype(str).str.strip()
    if text.empty or text.str.len().min() < 8:
        return None
    # The format that reads the column, as the mapping's own date checks find it: pandas' "mixed" reads
    # '07.04.2025' month first (walk AE: a leaky date column read so ordered the leads at 0.785, not 0.889).
    sample = list(dict.fromkeys(text.head(DATE_SAMPLE)))
    date_format, read = best_date_format(sample)
    if read >= NUMERIC_SHARE * len(sample):
        cells = series.where(given).astype(str).str.strip()
        with np.errstate(all="ignore"):  # pandas' own parser first: 200,000 cells in a blink
            moments = pd.to_datetime(cells, errors="coerce", utc=True, format=date_format or "ISO8601")
        # The cells it cannot read as that format (a date alone under a format with a clock) as the mapping would.
        unread = given & moments.isna().to_numpy()
        if unread.any():
            seconds = {t: _seconds(t, date_format) for t in dict.fromkeys(cells[unread])}
            moments[unread] = pd.to_datetime(cells[unread].map(seconds), unit="s", utc=True)
    else:  # none of the common formats: whatever pandas makes of it ('Jan 5, 2026')

        def parse(values):
            with np.errstate(all="ignore"):
                return pd.to_datetime(values, errors="coerce", utc=True, format="mixed")

        if parse(text.head(DATE_SAMPLE)).notna().mean() < NUMERIC_SHARE:
            return None
        moments = parse(series.where(given).astype(object))
    if moments[given].notna().mean() < NUMERIC_SHARE:
        return None
    days = (moments - pd.Timestamp(0, tz="UTC")).dt.total_seconds().to_numpy(dtype=float) / _DAY
    return created_days - days


def column_frame(
    frame,
    created_days: np.ndarray,
    train: np.ndarray,
    decimal: str | dict[str, str] = ".",
    read: Collection[str] = (),
) -> ColumnFrame:
    """Every column of `frame`, typed from its values; rare levels pooled by the training rows' counts.

    `decimal` is the export's decimal mark, or each column's (a column not named: inferred from its values); a
    column with a mark per currency holds the amounts the mapping converted, written with a point.
    `read`: the columns leadgate itself reads, kept whatever their values (a mapped number is no row id).
    """
    import pandas as pd

    frame = frame.reset_index(drop=True)
    columns, numeric, categorical, dropped = {}, [], [], {}
    for name in frame.columns:
        series = frame[name]
        given = _given(series)
        folded = series[given].astype(str).str.strip().str.lower()
        distinct = int(folded.nunique())
        if distinct == 1 and 0 < given.sum() < len(series):
            # One value or blank ("Meeting booked: X"): whether it is filled is the column's information.
            columns[name] = given.astype(float)
            numeric.append(name)
            continue
        if distinct <= 1:
            dropped[name] = "constant or empty"
            continue
        mark = decimal.get(name) if isinstance(decimal, dict) else decimal
        if isinstance(
            mark, dict
        ):  # a mark per currency: the column holds its USD amounts (exports._own_cell)
            mark = "."
        numbers, share = _numbers(series, given, mark)
        ages = None if share >= NUMERIC_SHARE else _ages(series, given, created_days)
        if (
            ages is None
            and share >= NUMERIC_SHARE
            and name not in read
            and _numbers_leads(numbers, folded, given, created_days)
        ):
            # Not "identifier-like": an unmapped epoch creation time is such a number too, and no id.
            dropped[name] = f"{distinct:,} distinct whole numbers, one per lead rising with creation"
        elif share >= NUMERIC_SHARE or ages is not None:
            columns[name] = numbers if ages is None else ages
            numeric.append(name)
        elif distinct > max(IDENTIFIER_MIN_DISTINCT, IDENTIFIER_SHARE * int(given.sum())):
            dropped[name] = f"identifier-like: {distinct:,} distinct values"
        else:
            columns[name] = _categories(series, given, train)
            categorical.append(name)
    return ColumnFrame(pd.DataFrame(columns, index=frame.index), numeric, categorical, dropped)


def _numbers_leads(numbers: np.ndarray, folded, given: np.ndarray, created_days: np.ndarray) -> bool:
    """Whether a number column is a per-lead auto-number: whole, distinct, nearly always filled, rising with creation."""
    import pandas as pd

    # The text rule's "more distinct values than kinds" would catch every measured number, so a number counts
    # as an id only when it is also one per row in creation order (an id mapped as the lead id or the sequence
    # never reaches the baselines).
    filled = np.isfinite(numbers)
    values = numbers[filled]
    if len(values) <= IDENTIFIER_MIN_DISTINCT or len(values) < NUMERIC_SHARE * len(numbers):
        return False
    # Distinct as written (`folded`: the filled cells' text): 19-digit CRM ids share a float64 past 2**53.
    texts = folded[filled[given]]
    if not np.all(values == np.round(values)) or texts.nunique() < len(values):
        return False
    order = pd.Series(values).rank().corr(pd.Series(created_days[filled]).rank())
    return bool(order >= IDENTIFIER_ORDER)


def _seconds(text: str, date_format: str | None) -> float:
    """Unix seconds of a date cell read with the column's format (NaN when this cell does not read)."""
    try:
        return moment(text, date_format).timestamp()
    except ValueError:
        return float("nan")


def _categories(series, given: np.ndarray, train: np.ndarray):
    import pandas as pd

    text = series.astype(str).str.strip().str.lower().where(given)
    counts = text[train & given].value_counts()
    common = sorted(counts[counts >= MIN_LEVEL_ROWS].index)
    pooled = text.where(text.isin(common) | ~given, "(other)")
    return pd.Categorical(pooled, categories=[*common, "(other)"])
