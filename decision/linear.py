"""A linear start for the booster: a logistic regression's log-odds, split exactly into one term per column."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# How people read that a model has one: the CLI's training summary and the report header say it alike.
IN_WORDS = "boosted from a linear start (a logistic regression on the same columns)"


@dataclass(frozen=True)
class NumberTerms:
    """Number columns: weight × standardized value (missing read as the median, plus a weight for missing)."""

    columns: np.ndarray  # int positions in the feature matrix
    fill: np.ndarray  # training median, for missing values
    low: np.ndarray  # training percentiles the value is clipped to, so one extreme lead cannot dominate
    high: np.ndarray
    mean: np.ndarray
    scale: np.ndarray
    weight: np.ndarray  # log-odds per standard deviation
    missing_weight: np.ndarray  # log-odds for a missing value


@dataclass(frozen=True)
class CategoryTerms:
    """One category column: a weight per training level (code); missing and levels it never saw weigh 0."""

    column: int
    levels: np.ndarray  # sorted float codes
    weights: np.ndarray


@dataclass(frozen=True)
class LinearStart:
    """Log-odds = intercept + Σ terms; the booster's trees are added on top of it.

    Each column's contribution is its term minus the term's training mean (`centres`), so contributions are
    exact SHAP values of the linear part (columns taken as independent) and add up with TreeSHAP's.
    """

    intercept: float
    numbers: NumberTerms
    categories: tuple[CategoryTerms, ...]
    centres: np.ndarray  # (features,) training mean of each column's term; 0 for columns it leaves out
    width: int  # number of model features

    def __post_init__(self) -> None:
        # Folded once, so scoring is one clip, one multiply-add a column: (value - mean) / scale × weight -
        # centre becomes value × slope + offset; a level's weight less its column's centre is looked up.
        numbers, centres = self.numbers, self.centres
        slope = numbers.weight / numbers.scale
        plan = {
            "slope": slope,
            "offset": -slope * numbers.mean - centres[numbers.columns],
            "levels": [
                (
                    c.column,
                    c.levels,
                    c.weights - centres[c.column],
                    -centres[c.column],
                    dict(zip(c.levels.tolist(), (c.weights - centres[c.column]).tolist(), strict=True)),
                )
                for c in self.categories
            ],
            "base": self.intercept + float(centres.sum()),
        }
        object.__setattr__(self, "_plan", plan)

    def contributions(self, matrix: np.ndarray) -> np.ndarray:
        """(n, features + 1): each column's centred term, then the base value (intercept + every centre)."""
        plan, numbers = self._plan, self.numbers
        out = np.zeros((len(matrix), self.width + 1))
        values = matrix[:, numbers.columns]
        missing = np.isnan(values)
        terms = np.clip(np.where(missing, numbers.fill, values), numbers.low, numbers.high)
        terms *= plan["slope"]
        terms += plan["offset"] + numbers.missing_weight * missing
        out[:, numbers.columns] = terms
        if len(matrix) == 1:  # one lead: a dict lookup a column beats five numpy calls
            row = matrix[0]
            for column, _, _, other, by_level in plan["levels"]:
                out[0, column] = by_level.get(float(row[column]), other)
        else:
            for column, levels, shifted, other, _ in plan["levels"]:
                codes = matrix[:, column]
                at = np.minimum(np.searchsorted(levels, codes), len(levels) - 1)
                out[:, column] = np.where(levels[at] == codes, shifted[at], other)
        out[:, self.width] = plan["base"]
        return out

    def columns_read(self) -> set[int]:
        """The feature positions a lead's value can move: a number, missing weight or level weight not 0."""
        numbers = self.numbers
        moved = (numbers.weight != 0) | (numbers.missing_weight != 0)
        read = {int(column) for column in numbers.columns[moved]}
        return read | {c.column for c in self.categories if np.any(c.weights != 0)}

    def raw(self, matrix: np.ndarray) -> np.ndarray:
        """The linear log-odds of each row."""
        return self.contributions(matrix).sum(axis=1)

    def to_dict(self) -> dict:
        """JSON-safe form, stored in the model bundle."""
        numbers = {name: getattr(self.numbers, name).tolist() for name in NumberTerms.__dataclass_fields__}
        return {
            "intercept": self.intercept,
            "numbers": numbers,
            "categories": [
                {"column": c.column, "levels": c.levels.tolist(), "weights": c.weights.tolist()}
                for c in self.categories
            ],
            "centres": self.centres.tolist(),
            "width": self.width,
        }

    @classmethod
    def from_dict(cls, data: dict) -> LinearStart:
        """Rebuild from `to_dict`."""
        numbers = data["numbers"]
        return cls(
            intercept=float(data["intercept"]),
            numbers=NumberTerms(
                **{
                    name: np.asarray(numbers[name], dtype=np.int64 if name == "columns" else np.float64)
                    for name in NumberTerms.__dataclass_fields__
                }
            ),
            categories=tuple(
                CategoryTerms(
                    column=int(c["column"]),
                    levels=np.asarray(c["levels"], dtype=np.float64),
                    weights=np.asarray(c["weights"], dtype=np.float64),
                )
                for c in data["categories"]
            ),
            centres=np.asarray(data["centres"], dtype=np.float64),
            width=int(data["width"]),
        )
