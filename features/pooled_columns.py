"""Per category column, the share of its filled leads whose level the model did not learn (pooled or unseen).

Walk AB: a campaign column of campaigns that each ran a few months read as "(other)" for 1% of the training
leads, 93% of the test leads and every lead of a later file; no one new campaign filled a tenth of the leads,
so the notes naming values one at a time said little or nothing, and the drift line blamed the file. The
column's total is the story: counted here from the model's matrix, where code 0 of a category column is the
pool of rare and unseen levels and NaN a missing value, so `train`, `score`, `monitor` and the report count the
same leads alike.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from leadgate.features.category_levels import NEW_LEVEL_LEADS, NEW_LEVEL_SHARE
from leadgate.features.model_inputs import INPUT_WORDS, input_paths

# A column is named when this share of its filled leads hold a level the model did not learn, and the share
# rose by as much above training's (a column whose rare levels training pooled as often is no news).
POOLED_SHARE = NEW_LEVEL_SHARE
POOLED_RISE = NEW_LEVEL_SHARE
ADVICE = (
    "read something stable out of such a column (a values: map grouping its levels into types, a prefix:, or "
    "a steadier column beside it), or leave it out of the mapping, or train more often"
)


@dataclass(frozen=True)
class PooledColumn:
    """A category column many of whose filled leads hold levels the model did not learn."""

    feature: str  # the model's column
    column: str  # the export column that fills it, else the custom field's label or the input in words
    pooled: int  # filled leads whose level the model reads as "(other)"
    filled: int  # leads with a value in the column
    training_share: float | None  # of the filled training leads; None for a model saved before it was kept

    @property
    def share(self) -> float:
        """Of the filled leads."""
        return self.pooled / self.filled

    def to_dict(self) -> dict:
        """As JSON writes it (monitor's --out)."""
        return {
            "feature": self.feature,
            "column": self.column,
            "pooled": self.pooled,
            "filled": self.filled,
            "share": self.share,
            "training_share": self.training_share,
        }


def category_names(builder, columns: dict[str, str] | None = None) -> dict[str, str]:
    """Each category column of the model with its name in words: the export column (`columns`, by lead path,
    with or without 'fields.'), else the custom field's label or the input's words."""
    named = columns or {}
    paths = input_paths(builder)
    words = {**INPUT_WORDS, **{field.feature: field.label for field in builder.custom_fields}}
    names = {}
    for feature in builder.feature_names:
        if feature in builder.vocabularies_ and feature in words:
            path = paths.get(feature, "")
            names[feature] = named.get(path) or named.get(path.removeprefix("fields.")) or words[feature]
    return names


class PooledCounts:
    """Running counts, per category column, of the filled leads and of those read as "(other)"."""

    def __init__(self, builder, columns: dict[str, str] | None = None) -> None:
        """`columns`: the export column per lead path (a mapping's feature_columns), to name columns by."""
        self.names = category_names(builder, columns) if builder is not None else {}
        order = list(builder.feature_names) if builder is not None else []
        self.index = {feature: order.index(feature) for feature in self.names}
        self.filled = dict.fromkeys(self.names, 0)
        self.pooled = dict.fromkeys(self.names, 0)

    def add(self, matrix: np.ndarray | None, rows: np.ndarray | None = None) -> None:
        """Count the rows of a model matrix (those `rows` marks, a boolean mask, when given)."""
        if matrix is None:
            return
        picked = matrix if rows is None else matrix[rows]
        for feature, j in self.index.items():
            values = picked[:, j]
            self.filled[feature] += int((~np.isnan(values)).sum())
            self.pooled[feature] += int((values == 0).sum())

    def shares(self) -> dict[str, float]:
        """Each column's share of filled leads read as "(other)" (columns with no filled lead left out)."""
        return {f: self.pooled[f] / self.filled[f] for f in self.names if self.filled[f]}

    def found(self, training: dict[str, float] | None) -> list[PooledColumn]:
        """The columns to name (POOLED_SHARE, POOLED_RISE over `training`'s shares), largest share first."""
        known = training or {}
        found = [
            PooledColumn(
                feature, self.names[feature], self.pooled[feature], self.filled[feature], known.get(feature)
            )
            for feature in self.names
            if self.filled[feature] and self.pooled[feature] >= NEW_LEVEL_LEADS
        ]
        found = [
            c for c in found if c.share >= POOLED_SHARE and c.share - (c.training_share or 0) >= POOLED_RISE
        ]
        return sorted(found, key=lambda c: -c.share)


def pooled_words(column: PooledColumn, leads: str = "leads") -> str:
    """'Campaign: 93% of the filled test leads (13,950 of 15,000) hold levels …' for one column."""
    before = "" if column.training_share is None else f", against {column.training_share:.0%} in training"
    return (
        f"{column.column}: {column.share:.0%} of the filled {leads} ({column.pooled:,} of {column.filled:,}) hold "
        f"levels the model did not learn{before}"
    )


def pooled_note(columns: list[PooledColumn], leads: str = "leads") -> str | None:
    """What `train`, `score`, `monitor` and the report say of such columns; None when none."""
    if not columns:
        return None
    listed = "; ".join(pooled_words(column, leads) for column in columns)
    # New levels keep appearing (campaigns, a CRM's new picklist values): the model reads them all alike.
    return f"{listed}: the model reads them all as one level, '(other)', whatever they convert at; {ADVICE}"


def drift_cause(column: PooledColumn) -> str:
    """The cause a drift line or table gives a column whose drift such levels explain."""
    return f"levels the model did not learn: {column.share:.0%} of the filled leads" + (
        "" if column.training_share is None else f" ({column.training_share:.0%} in training)"
    )
