"""Reference statistics stored with a model: how often training leads converted, by each feature's value range.

A reason is listed *against* a lead only when the lead's value lies in a range where leads converted clearly
less often than leads overall; SHAP alone cannot say so, it measures against the average lead and can make a
favourable value negative through interactions. Training computes these statistics (training/reason_reference.py);
the decision side only reads them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# One-sided 80% Wilson bound: a range counts as converting below (above) average only past noise. A stricter
# bound (95%) left real small-market effects (an industry of 60-170 training leads) unlisted on a 12k history.
Z = 0.84
# Ranges are judged so only in a column whose ranges differ at all (`clearly_apart`): the expected share of
# columns found to differ that only chance made so (Benjamini-Hochberg across the columns tested).
FALSE_DISCOVERY = 0.1
# Ranges with fewer training leads than this say nothing either way.
MIN_SUPPORT = 30
# A comparison with converting leads ("half of the leads that became SQLs had 6 or more") needs this many SQLs behind its median.
MIN_SQLS = 30
# Share of a family's pull that must come from values in below-average ranges for it to be listed Against.
MAJORITY = 0.5
# Up to this many leads, ranges are looked up in one padded grid (leads x columns x edges), else column by column.
FEW_LEADS = 64


def wilson_bounds(sqls: np.ndarray, leads: np.ndarray, z: float = Z) -> tuple[np.ndarray, np.ndarray]:
    """(lower, upper) Wilson score bounds of SQL rates; (0, 1) where a range has no leads."""
    sqls, leads = np.asarray(sqls, dtype=float), np.asarray(leads, dtype=float)
    n = np.maximum(leads, 1.0)
    rate = sqls / n
    denominator = 1 + z * z / n
    centre = (rate + z * z / (2 * n)) / denominator
    half = z * np.sqrt(rate * (1 - rate) / n + z * z / (4 * n * n)) / denominator
    empty = leads == 0
    return np.where(empty, 0.0, centre - half), np.where(empty, 1.0, centre + half)


@dataclass(frozen=True)
class FeatureReference:
    """One model column's value ranges on the training split: edges, leads and SQLs per range, SQL median."""

    name: str
    edges: tuple[float, ...]  # range k is edges[k-1] <= value < edges[k]; the last range holds missing values
    leads: tuple[int, ...]  # len(edges) + 2 counts: len(edges) + 1 value ranges, then missing
    sqls: tuple[int, ...]
    sql_median: float | None = None  # the converting leads' median value (counts and custom numbers only)
    sql_count: int = 0  # converting leads behind that median

    def __post_init__(self) -> None:
        # The edges as an array once: converting the tuple on every call cost more than the search itself.
        object.__setattr__(self, "_edges", np.asarray(self.edges, dtype=float))

    def ranges(self, values: np.ndarray) -> np.ndarray:
        """Index of each value's range (the last index for missing values)."""
        index = np.searchsorted(self._edges, values, side="right")
        return np.where(np.isnan(values), len(self.leads) - 1, index)

    def varied(self) -> bool:
        """Whether the training leads fell in more than one range: the column was no constant."""
        return sum(count > 0 for count in self.leads) > 1

    def to_dict(self) -> dict:
        """JSON-safe form."""
        return {
            "name": self.name,
            "edges": list(self.edges),
            "leads": list(self.leads),
            "sqls": list(self.sqls),
            "sql_median": self.sql_median,
            "sql_count": self.sql_count,
        }

    @classmethod
    def from_dict(cls, data: dict) -> FeatureReference:
        """Rebuild from `to_dict`."""
        return cls(
            data["name"],
            tuple(data["edges"]),
            tuple(data["leads"]),
            tuple(data["sqls"]),
            data.get("sql_median"),
            int(data.get("sql_count", 0)),
        )


def _discoveries(p_values: np.ndarray, rate: float = FALSE_DISCOVERY) -> np.ndarray:
    """Benjamini-Hochberg: which of these p-values are discoveries at this false discovery rate."""
    if not len(p_values):
        return np.zeros(0, dtype=bool)
    ordered = np.sort(p_values)
    passing = np.flatnonzero(ordered <= rate * np.arange(1, len(ordered) + 1) / len(ordered))
    return p_values <= ordered[passing[-1]] if len(passing) else np.zeros(len(p_values), dtype=bool)


def _column_p_value(sqls: np.ndarray, leads: np.ndarray) -> float:
    """Chi-square test that a column's ranges (MIN_SUPPORT leads or more) all convert at one rate; NaN when
    there is nothing to test (fewer than two such ranges, or no SQL or no other lead in them)."""
    from scipy.special import chdtrc

    tested = leads >= MIN_SUPPORT
    k, n = sqls[tested].astype(float), leads[tested].astype(float)
    rate = k.sum() / n.sum() if len(n) else 0.0
    if len(n) < 2 or not 0 < rate < 1:
        return float("nan")
    return float(chdtrc(len(n) - 1, ((k - n * rate) ** 2 / (n * rate * (1 - rate))).sum()))


def clearly_apart(
    features: tuple[FeatureReference, ...], overall_rate: float
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Per column, (below, above): ranges of MIN_SUPPORT leads or more converting clearly below (above) the
    overall rate, in the columns whose ranges differ beyond chance.

    Two stages, as in Fisher's protected comparisons. With ~10 ranges a column and ~20 columns, judging every
    range on its own found ranges "below average" by chance on a few dozen SQLs (walk: 0 SQLs in 54 leads of
    138-203 employees, where 3.3 were expected, read as a reason against leads in the policy's own target
    range, in a column whose ranges convert alike: chi-square p 0.24). So a column's ranges are judged only when
    the column differs at all: its chi-square test over its ranges (which counts how many ranges it has), with
    Benjamini-Hochberg across the columns (which counts how many columns were tested). Within such a column each
    range keeps its one-sided 80% Wilson test, so columns that carry signal keep every range they had: on the
    50k demo history 109 of 114 below-average ranges stay (one column, country, fails), on X Education all 29.
    Benjamini-Hochberg over the ranges themselves was tried: it also dropped real low-fit industries whose
    ranges reach only p ~0.2 on the tests' 12k history (industry reasons found for 62% of injected factors,
    against 88%).
    """
    below, above = [], []
    p_values = np.array([_column_p_value(np.asarray(f.sqls), np.asarray(f.leads)) for f in features])
    tested = ~np.isnan(p_values)  # a column with one range is no test, and counts in no family of tests
    differing = np.zeros(len(features), dtype=bool)
    differing[tested] = _discoveries(p_values[tested])
    for feature, differs in zip(features, differing, strict=True):
        lower, upper = wilson_bounds(feature.sqls, feature.leads)
        judged = (np.asarray(feature.leads) >= MIN_SUPPORT) & differs
        below.append(judged & (upper < overall_rate))
        above.append(judged & (lower > overall_rate))
    return below, above


@dataclass(frozen=True)
class ReasonReference:
    """Per model column, SQL rates by value range on the training split, against the overall rate."""

    overall_rate: float
    leads: int
    features: tuple[FeatureReference, ...]  # in the model's column order

    def __post_init__(self) -> None:
        # Per column, which ranges convert clearly below / above average: looked up per batch, never per lead.
        below, above = clearly_apart(self.features, self.overall_rate)
        object.__setattr__(self, "_below", below)
        object.__setattr__(self, "_above", above)
        # The same lookup as one padded grid, for a few leads at a time (the API's one lead): a numpy call per
        # column cost ~0.25 ms a lead. Edges are padded with +inf, ranges with False.
        widest = max((len(f.edges) for f in self.features), default=0)
        grid = np.full((len(self.features), widest), np.inf)
        below_grid = np.zeros((len(self.features), widest + 2), dtype=bool)
        above_grid = np.zeros((len(self.features), widest + 2), dtype=bool)
        for j, feature in enumerate(self.features):
            grid[j, : len(feature.edges)] = feature.edges
            below_grid[j, : len(below[j])] = below[j]
            above_grid[j, : len(above[j])] = above[j]
        object.__setattr__(self, "_edge_grid", grid)
        object.__setattr__(self, "_edge_counts", np.array([len(f.edges) for f in self.features]))
        object.__setattr__(self, "_missing_range", np.array([len(f.leads) - 1 for f in self.features]))
        object.__setattr__(self, "_below_grid", below_grid)
        object.__setattr__(self, "_above_grid", above_grid)

    def below_average(self, matrix: np.ndarray) -> np.ndarray:
        """(n, features) True where the lead's value lies in a range converting clearly below average."""
        return self._apart(matrix, self._below_grid, self._below, range(matrix.shape[1]))

    def above_average(self, matrix: np.ndarray, columns: list[int]) -> np.ndarray:
        """(n, len(columns)) True where the lead's value in each of `columns` converts clearly above average."""
        return self._apart(matrix, self._above_grid, self._above, columns)

    def _apart(self, matrix: np.ndarray, grid: np.ndarray, by_column: list, columns) -> np.ndarray:
        if len(matrix) <= FEW_LEADS:
            index = np.minimum((self._edge_grid <= matrix[:, :, None]).sum(axis=2), self._edge_counts)
            index = np.where(np.isnan(matrix), self._missing_range, index)
            return grid[np.arange(matrix.shape[1]), index][:, list(columns)]
        result = np.zeros((len(matrix), len(columns)), dtype=bool)
        for i, j in enumerate(columns):
            result[:, i] = by_column[j][self.features[j].ranges(matrix[:, j])]
        return result

    def below_for(self, j: int, values: np.ndarray) -> np.ndarray:
        """Whether each of these values of column j lies in a range converting clearly below average."""
        return self._below[j][self.features[j].ranges(np.asarray(values, dtype=float))]

    def above_for(self, j: int, values: np.ndarray) -> np.ndarray:
        """Whether each of these values of column j lies in a range converting clearly above average."""
        return self._above[j][self.features[j].ranges(np.asarray(values, dtype=float))]

    def rate_of(self, j: int, value: float) -> tuple[float, int]:
        """(SQL rate, leads) of the range holding one value of column j."""
        feature = self.features[j]
        k = int(feature.ranges(np.array([value], dtype=float))[0])
        return feature.sqls[k] / max(feature.leads[k], 1), feature.leads[k]

    def converts_better(self, j: int, value: float, than: float) -> bool:
        """Whether training leads with `value` in column j converted clearly more often than those with `than`:
        both ranges hold MIN_SUPPORT leads, their Wilson bounds do not meet, and `value`'s is not below average."""
        feature = self.features[j]
        k, other = feature.ranges(np.array([value, than], dtype=float)).tolist()
        leads = np.array([feature.leads[k], feature.leads[other]])
        lower, upper = wilson_bounds(np.array([feature.sqls[k], feature.sqls[other]]), leads)
        supported = bool((leads >= MIN_SUPPORT).all())
        return supported and k != other and lower[0] > upper[1] and not self._below[j][k]

    def clear_from(self, j: int, upward: bool = True) -> float | None:
        """Upward: the least value of column j from which no higher one lies in a range converting clearly below
        average (values >= it are clear); downward: the value below which no lower one does (values < it are
        clear). None when the top (bottom) value range itself converts below average; ±inf when none does."""
        edges = self.features[j].edges
        low = np.flatnonzero(self._below[j][:-1])  # the value ranges, not the missing values' range
        if not len(low):
            return -np.inf if upward else np.inf
        if upward:
            return None if low[-1] == len(edges) else edges[low[-1]]
        return None if low[0] == 0 else edges[low[0] - 1]

    def codes_above(self, j: int) -> list[int]:
        """A category column's codes whose training leads converted clearly above average, best first; never
        code 0, the pool of rare and unseen levels (whose rate is the pool's, not any one level's)."""
        feature = self.features[j]
        codes = np.flatnonzero(self._above[j][:-1])  # ranges are codes, then missing values
        rates = {code: feature.sqls[code] / feature.leads[code] for code in codes.tolist() if code}
        return sorted(rates, key=lambda code: -rates[code])

    def typical_of_converting(self, j: int) -> float | None:
        """The converting leads' median of column j, when enough of them stand behind it."""
        feature = self.features[j]
        return feature.sql_median if feature.sql_count >= MIN_SQLS else None

    def to_dict(self) -> dict:
        """JSON-safe form, stored in the model bundle and as the run's reason_reference.json."""
        return {
            "overall_rate": self.overall_rate,
            "leads": self.leads,
            "z": Z,
            "column_test": "chi-square over ranges, Benjamini-Hochberg across columns",
            "false_discovery_rate": FALSE_DISCOVERY,
            "min_support": MIN_SUPPORT,
            "features": [feature.to_dict() for feature in self.features],
        }

    @classmethod
    def from_dict(cls, data: dict) -> ReasonReference:
        """Rebuild from `to_dict`."""
        return cls(
            float(data["overall_rate"]),
            int(data["leads"]),
            tuple(FeatureReference.from_dict(f) for f in data["features"]),
        )
