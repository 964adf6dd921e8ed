"""Fitting the linear start: a regularized logistic regression on the model's own columns, within known directions."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from leadgate.decision.linear import CategoryTerms, LinearStart, NumberTerms
from leadgate.features.builder import FeatureSpec

# Percentiles a number is clipped to: a few extreme values (a 40,000-second visit) must not set the slope.
CLIP_PERCENTILES = (1.0, 99.0)
# sklearn's default strength, as the baseline logistic regression uses: nothing here is tuned to a dataset.
REGULARIZATION_C = 1.0
# The value a category level's one-hot column holds in the regression. The level's weight in the start is its
# coefficient times this, so the L2 penalty on level weights is 1 / CATEGORY_SCALE**2 times the penalty on the
# standardized number slopes (0.5: four times stronger). 1.0: levels and slopes shrink alike.
CATEGORY_SCALE = 1.0


def fit_linear_start(
    x_train: np.ndarray, y_train: np.ndarray, features: tuple[FeatureSpec, ...]
) -> LinearStart:
    """Logistic regression on numbers (standardized, clipped, missing flagged) and category levels (one-hot).

    A column with a known direction (monotone constraint) whose fitted slope points the other way loses its
    slope (its missing flag stays) and the regression is refitted, so the line never contradicts the policy.
    """
    numbers, varies = _number_columns(x_train, features)
    categories = [
        CategoryTerms(column=j, levels=levels, weights=np.zeros(len(levels)))
        for j, spec in enumerate(features)
        if spec.categorical and len(levels := np.unique(x_train[~np.isnan(x_train[:, j]), j]))
    ]
    directions = np.array([features[j].monotone for j in numbers.columns])
    design = _Design(x_train, numbers, categories)
    slope_allowed = varies
    while True:
        model, layout = design.fit(y_train, slope_allowed)
        slopes = layout.number_slopes(model.coef_[0])
        wrong = slope_allowed & (slopes * directions < 0)
        if not wrong.any():
            break
        slope_allowed &= ~wrong
    coefficients = model.coef_[0]
    numbers = replace(numbers, weight=slopes, missing_weight=layout.missing_weights(coefficients))
    categories = [
        CategoryTerms(column=c.column, levels=c.levels, weights=layout.level_weights(coefficients, i))
        for i, c in enumerate(categories)
    ]
    width = len(features)
    start = LinearStart(
        intercept=float(model.intercept_[0]),
        numbers=numbers,
        categories=tuple(categories),
        centres=np.zeros(width),
        width=width,
    )
    # Centre each column's term on the training leads, so a contribution says "compared with a typical lead".
    return replace(start, centres=start.contributions(x_train)[:, :width].mean(axis=0))


def _number_columns(x_train: np.ndarray, features: tuple[FeatureSpec, ...]) -> tuple[NumberTerms, np.ndarray]:
    """Each number column's fill, clip range, mean and scale (weights still zero), and whether it varies."""
    columns = np.array([j for j, spec in enumerate(features) if not spec.categorical], dtype=np.int64)
    values = x_train[:, columns]
    missing = np.isnan(values)
    seen = ~missing.all(axis=0)
    fill = np.where(seen, np.nanmedian(np.where(seen, values, 0.0), axis=0), 0.0)
    filled = np.where(missing, fill, values)
    low, high = fill.copy(), fill.copy()
    for i in np.flatnonzero(seen):
        present = values[~missing[:, i], i]
        low[i], high[i] = np.percentile(present, CLIP_PERCENTILES)
        if low[i] == high[i]:  # a count that is 0 for 99% of leads: its rare values are the signal
            low[i], high[i] = present.min(), present.max()
    clipped = np.clip(filled, low, high)
    spread = clipped.std(axis=0)
    zeros = np.zeros(len(columns))
    numbers = NumberTerms(
        columns=columns,
        fill=fill,
        low=low,
        high=high,
        mean=clipped.mean(axis=0),
        scale=np.where(spread > 0, spread, 1.0),
        weight=zeros,
        missing_weight=zeros,
    )
    return numbers, spread > 0


class _Layout:
    """Where each column's coefficients sit in the regression's design matrix."""

    def __init__(
        self, numbers: NumberTerms, slope_allowed: np.ndarray, flagged: np.ndarray, categories
    ) -> None:
        self.slope_at = np.full(len(numbers.columns), -1)
        self.flag_at = np.full(len(numbers.columns), -1)
        at = 0
        for i in range(len(numbers.columns)):
            if slope_allowed[i]:
                self.slope_at[i], at = at, at + 1
        for i in range(len(numbers.columns)):
            if flagged[i]:
                self.flag_at[i], at = at, at + 1
        self.level_at = []
        for category in categories:
            self.level_at.append(np.arange(at, at + len(category.levels)))
            at += len(category.levels)
        self.width = at

    def number_slopes(self, coefficients: np.ndarray) -> np.ndarray:
        return np.where(self.slope_at >= 0, coefficients[self.slope_at], 0.0)

    def missing_weights(self, coefficients: np.ndarray) -> np.ndarray:
        return np.where(self.flag_at >= 0, coefficients[self.flag_at], 0.0)

    def level_weights(self, coefficients: np.ndarray, index: int) -> np.ndarray:
        # The one-hot column held CATEGORY_SCALE, so a lead at the level gets coefficient * CATEGORY_SCALE.
        return coefficients[self.level_at[index]] * CATEGORY_SCALE


class _Design:
    """The regression's inputs, built once: standardized numbers, missing flags and one-hot levels (sparse).

    Each refit after a slope is dropped only chooses which number columns take part.
    """

    def __init__(self, x_train: np.ndarray, numbers: NumberTerms, categories) -> None:
        from scipy import sparse

        self.numbers, self.categories = numbers, categories
        values = x_train[:, numbers.columns]
        missing = np.isnan(values)
        # A missing flag only where the training leads have both missing and present values.
        self.flagged = missing.any(axis=0) & ~missing.all(axis=0)
        clipped = np.clip(np.where(missing, numbers.fill, values), numbers.low, numbers.high)
        self.standardized = (clipped - numbers.mean) / numbers.scale
        # Sparse: one-hot levels of 200k leads would take gigabytes as a dense matrix.
        self.rest = [sparse.csr_matrix(missing[:, self.flagged] * 1.0)]
        rows = len(x_train)
        for category in categories:
            codes = x_train[:, category.column]
            at = np.minimum(np.searchsorted(category.levels, codes), len(category.levels) - 1)
            hit = np.flatnonzero(category.levels[at] == codes)
            self.rest.append(
                sparse.csr_matrix(
                    (np.full(len(hit), CATEGORY_SCALE), (hit, at[hit])), shape=(rows, len(category.levels))
                )
            )

    def fit(self, y_train: np.ndarray, slope_allowed: np.ndarray):
        """One regression on the allowed slopes, the missing flags and every category level."""
        from scipy import sparse
        from sklearn.linear_model import LogisticRegression

        layout = _Layout(self.numbers, slope_allowed, self.flagged, self.categories)
        # In the layout's order: slopes, missing flags, levels.
        design = sparse.hstack(
            [sparse.csr_matrix(self.standardized[:, slope_allowed]), *self.rest], format="csr"
        )
        model = LogisticRegression(C=REGULARIZATION_C, max_iter=2000)
        model.fit(design, y_train.astype(int))
        return model, layout
