"""Model columns whose distribution in a scored batch is far from the model's training reference (PSI).

Walk: a model that learned a custom field filled after contact (a marketing score near 82 for SQLs) scored
new leads, whose field was blank or 30-60, all too low; `score` printed only counts. `score` and `decide`
now name the columns at the major PSI level (serving/drift.py), counted chunk by chunk from the matrix the
one pipeline already built.
"""

from __future__ import annotations

import numpy as np

from leadgate.decision.decisions import Decisions
from leadgate.features.model_inputs import input_paths
from leadgate.serving.drift import MIN_LEADS, PSI_ALERT, column_counts, drift_rows, level

SHOWN = 4  # columns named in the line; the rest are counted ("+N more")
# What a drift row's column is (its `kind`): read from the lead or a custom field, counted in days up to the
# decision, or the model's score.
LEAD_FIELD, CUSTOM_FIELD, DAYS_TO_DECISION, SCORE = (
    "lead field",
    "custom field",
    "days to the decision",
    "score",
)


class BatchDrift:
    """Per batch, bin counts of the decided leads' model columns and P(SQL) against the model's reference."""

    def __init__(self, model, columns: dict[str, str] | None = None) -> None:
        """`columns`: a mapping's export column per lead path (Mapping.feature_columns), to name columns by."""
        self.leads = 0
        self.counts: dict[str, np.ndarray] = {}
        self.reference = model.metadata.get("reference") if model is not None else None
        if self.reference is None:  # no model, or one saved before references: nothing to compare with
            self.names, self.export_columns, self.kinds = [], {}, {}
            return
        builder = model.builder
        self.names = list(builder.feature_names)
        named = columns or {}
        self.export_columns = {
            name: named[path] for name, path in input_paths(builder).items() if path in named
        }
        # Days from creation or last activity to the decision move with when leads are decided, not the file.
        self.kinds = {
            spec.name: DAYS_TO_DECISION if spec.family == "staleness" else LEAD_FIELD
            for spec in builder.features
        }
        self.kinds.update({field.feature: CUSTOM_FIELD for field in builder.custom_fields})
        self.kinds["p_sql"] = SCORE

    def add(self, decisions: Decisions | None) -> None:
        """Count one chunk's decided leads: every row of its matrix, gated ones too, as the reference has them."""
        if self.reference is None or decisions is None or decisions.matrix is None:
            return
        counts = column_counts(self.reference, decisions.matrix, self.names, decisions.p_sql)
        for name, live in counts.items():
            self.counts[name] = self.counts[name] + live if name in self.counts else live
        self.leads += len(decisions.p_sql)

    def table(self) -> list[dict]:
        """Every column's PSI, most shifted first, with its kind and the export column it is read from (None
        when unmapped); [] below MIN_LEADS decided leads."""
        if self.leads < MIN_LEADS:
            return []
        rows = drift_rows(self.reference, self.counts, self.leads)
        return [
            {
                **row,
                "kind": self.kinds.get(row["column"], LEAD_FIELD),
                "export_column": self.export_columns.get(row["column"]),
            }
            for row in rows
        ]


def far_columns(table: list[dict]) -> list[dict]:
    """The model columns of a drift table at the major level, most shifted first (P(SQL) is no input)."""
    return [row for row in table if row["kind"] != SCORE and level(row["psi"]) == "major"]


def _listed(rows: list[dict]) -> str:
    named = ", ".join(
        f"{row['column']} {row['psi']:.2f}" + (f" ({row['export_column']})" if row["export_column"] else "")
        for row in rows[:SHOWN]
    )
    return named + (f", +{len(rows) - SHOWN} more" if len(rows) > SHOWN else "")


def drift_message(table: list[dict], as_of_option: str = "--as-of") -> str | None:
    """What `score` and `decide` say of a drift table's model columns far from training; None when none is.

    `as_of_option`: how the caller sets when leads are decided (`now=` in the Python API).
    """
    far = far_columns(table)
    if not far:
        return None
    filled = [row for row in far if row["kind"] != DAYS_TO_DECISION]
    timed = [row for row in far if row["kind"] == DAYS_TO_DECISION]
    parts = []
    if filled:
        parts.append(
            f"{_listed(filled)}: check that these leads' file or mapping fills them as training's did"
        )
    if any(row["kind"] == CUSTOM_FIELD for row in filled):
        parts.append(
            "a custom field training had filled only after contact is a leak: take it out of the mapping's "
            "custom fields, list its column under after_contact and train again"
        )
    if timed:
        # No file fault: the same leads decided at another moment of their life (see demo_lifecycle.staleness_note).
        parts.append(
            f"{_listed(timed)} count days up to the decision: these leads are decided sooner or later after "
            f"creation or activity than training's were: see their scored_at or {as_of_option}"
        )
    scores = next((row["psi"] for row in table if row["kind"] == SCORE), float("nan"))
    # The scores' shift is what the columns' shifts lead to: said beside them, never alone (many small shifts).
    if level(scores) == "major":
        parts.append(f"so are the scores: P(SQL) {scores:.2f}")
    return f"model columns far from training (PSI > {PSI_ALERT}): " + "; ".join(parts)
