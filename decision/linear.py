"""A linear start for the booster: a logistic regression's log-odds, split exactly into one term per column."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


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

    def terms(self, matrix: np.ndarray) -> np.ndarray:
        """(n, columns) log-odds terms, uncentred."""
        values = matrix[:, self.columns]
        missing = np.isnan(values)
        filled = np.clip(np.where(missing, self.fill, values), self.low, self.high)
        return self.weight * (filled - self.mean) / self.scale + self.missing_weight * missing


@dataclass(frozen=True)
class CategoryTerms:
    """One category column: a weight per training level (code); missing and levels it never saw weigh 0."""

    column: int
    levels: np.ndarray  # sorted float codes
    weights: np.ndarray

    def terms(self, matrix: np.ndarray) -> np.ndarray:
        """(n,) log-odds terms, uncentred."""
        values = matrix[:, self.column]
        at = np.minimum(np.searchsorted(self.levels, values), len(self.levels) - 1)
        return np.where(self.levels[at] == values, self.weights[at], 0.0)


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

    def contributions(self, matrix: np.ndarray) -> np.ndarray:
        """(n, features + 1): each column's centred term, then the base value (intercept + every centre)."""
        out = np.zeros((len(matrix), self.width + 1))
        out[:, self.numbers.columns] = self.numbers.terms(matrix)
        for category in self.categories:
            out[:, category.column] = category.terms(matrix)
        out[:, : self.width] -= self.centres
        out[:, self.width] = self.intercept + float(self.centres.sum())
        return out

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
