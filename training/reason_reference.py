"""Reference statistics for reasons, computed on the training split: SQL rate by each feature's value range."""

from __future__ import annotations

import numpy as np

from leadgate.decision.reference import FeatureReference, ReasonReference
from leadgate.features.builder import FeatureBuilder

# Quantile ranges per number column; counts with few distinct values get one range per value.
QUANTILE_RANGES = 10


def _edges(values: np.ndarray, categorical: bool, levels: int) -> np.ndarray:
    """Range edges: one per category code, else distinct quantiles (a heavy value such as 0 gets its own range)."""
    if categorical:
        return np.arange(1, max(levels, 1), dtype=float)
    present = values[~np.isnan(values)]
    if len(present) == 0:
        return np.zeros(0)
    distinct, counts = np.unique(present, return_counts=True)
    if len(distinct) <= QUANTILE_RANGES:
        return distinct[1:]
    quantiles = np.quantile(present, np.linspace(0, 1, QUANTILE_RANGES + 1)[1:-1])
    # A value held by a tenth of the leads or more (0 below the target size) is a range of its own, so
    # "in the target range" is never judged together with "just below it".
    heavy = distinct[counts >= len(present) / QUANTILE_RANGES]
    edges = np.unique(np.concatenate([quantiles, heavy, np.nextafter(heavy, np.inf)]))
    return edges[edges > distinct[0]]


def _is_count(builder: FeatureBuilder, name: str) -> bool:
    custom = {field.feature: field for field in builder.custom_fields}
    if name in custom:
        return custom[name].type in ("number", "integer")
    return name.startswith("n_")


def reason_reference(builder: FeatureBuilder, matrix: np.ndarray, sql: np.ndarray) -> ReasonReference:
    """Statistics of the model's columns over the given (training) rows and their outcomes."""
    sql = np.asarray(sql, dtype=bool)
    features = []
    for j, spec in enumerate(builder.features):
        values = matrix[:, j]
        levels = len(builder.vocabularies_.get(spec.name, ())) if spec.categorical else 0
        edges = _edges(values, spec.categorical, levels)
        reference = FeatureReference(spec.name, tuple(edges.tolist()), (0,) * (len(edges) + 2), ())
        ranges = reference.ranges(values)
        leads = np.bincount(ranges, minlength=len(edges) + 2)
        sqls = np.bincount(ranges, weights=sql.astype(float), minlength=len(edges) + 2).astype(int)
        median, behind = None, 0
        if _is_count(builder, spec.name):
            converting = values[sql & ~np.isnan(values)]
            behind = len(converting)
            median = float(np.median(converting)) if behind else None
        features.append(
            FeatureReference(
                spec.name, tuple(edges.tolist()), tuple(leads.tolist()), tuple(sqls.tolist()), median, behind
            )
        )
    rate = float(sql.mean()) if len(sql) else 0.0
    return ReasonReference(rate, int(len(sql)), tuple(features))
