"""Model columns whose distribution in a scored batch is far from the model's training reference (PSI).

Walk: a model that learned a custom field filled after contact (a marketing score near 82 for SQLs) scored
new leads, whose field was blank or 30-60, all too low; `score` printed only counts. `score` and `decide`
now name the columns at the major PSI level (serving/drift.py), counted chunk by chunk from the matrix the
one pipeline already built.
"""

from __future__ import annotations

import numpy as np

from leadgate.decision.count_words import plural
from leadgate.decision.decisions import Decisions
from leadgate.features.model_inputs import INPUT_WORDS, input_paths
from leadgate.features.pooled_columns import PooledColumn
from leadgate.serving.as_of import OLD_AFTER
from leadgate.serving.drift import MIN_LEADS, PSI_ALERT, column_counts, drift_rows, level

SHOWN = 4  # columns named in the line; the rest are counted ("+N more")
# What a drift row's column is (its `kind`): read from the lead or a custom field, counted in days up to the
# decision, events counted only within their intent window up to the decision, or the model's score.
LEAD_FIELD, CUSTOM_FIELD, DAYS_TO_DECISION, WINDOWED_EVENTS, SCORE = (
    "lead field",
    "custom field",
    "days to the decision",
    "events within the intent window",
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
            self.names, self.export_columns, self.kinds, self.inputs = [], {}, {}, {}
            return
        builder = model.builder
        self.names = list(builder.feature_names)
        named = columns or {}
        paths = input_paths(builder)
        self.export_columns = {name: named[path] for name, path in paths.items() if path in named}
        # Each column's input as NewLevels names it (export column, else words or the custom field's label), so
        # a column whose drift new values explain is told apart (drift_message's `new_levels`).
        words = {**INPUT_WORDS, **{field.feature: field.label for field in builder.custom_fields}}
        self.inputs = {name: self.export_columns.get(name, words.get(name)) for name in self.names}
        # Days from creation or last activity to the decision move with when leads are decided, not the file.
        self.kinds = {
            spec.name: DAYS_TO_DECISION if spec.family == "staleness" else LEAD_FIELD
            for spec in builder.features
        }
        # An event type with an intent window counts only its recent events: fewer the later a lead is decided.
        self.kinds.update({f"n_{event}": WINDOWED_EVENTS for event, _ in builder.windows})
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
                "input": self.inputs.get(row["column"]),
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


def drift_message(
    table: list[dict],
    as_of_option: str = "--as-of",
    old: int = 0,
    new_levels: list[tuple[str, str, int]] = (),
    pooled: list[PooledColumn] = (),
) -> str | None:
    """What `score` and `decide` say of a drift table's model columns far from training; None when none is.

    `as_of_option`: how the caller sets when leads are decided (`now=` in the Python API); `old`: leads created
    long ago and decided as of now (AsOf.old); `new_levels`: the new values already said (NewLevels.found);
    `pooled`: the category columns whose levels the model did not learn, already said (PooledCounts.found).
    """
    far = far_columns(table)
    if not far:
        return None
    # Deciding old leads now, or day counts far off, means the leads are decided at another moment of their
    # life: windowed event counts then move with it (walk: n_form_submit 3.91 blamed on the file or mapping).
    timing = old > 0 or any(row["kind"] == DAYS_TO_DECISION for row in far)
    timed_kinds = (DAYS_TO_DECISION, WINDOWED_EVENTS) if timing else (DAYS_TO_DECISION,)
    named_new = {words for words, _, _ in new_levels}
    pooled_features = {column.feature for column in pooled}
    newly = [
        row
        for row in far
        if row["kind"] not in timed_kinds
        and (row.get("input") in named_new or row["column"] in pooled_features)
    ]
    filled = [row for row in far if row["kind"] not in timed_kinds and row not in newly]
    timed = [row for row in far if row["kind"] in timed_kinds]
    parts = []
    if newly:
        # Their drift is the levels training never saw (or too rarely), said above: no file fault, no leak.
        parts.append(f"{_listed(newly)}: moved by the levels the model did not learn, named above")
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
        parts.append(_timed(timed, as_of_option, old))
    scores = next((row["psi"] for row in table if row["kind"] == SCORE), float("nan"))
    # The scores' shift is what the columns' shifts lead to: said beside them, never alone (many small shifts).
    if level(scores) == "major":
        parts.append(f"so are the scores: P(SQL) {scores:.2f}")
    return f"model columns far from training (PSI > {PSI_ALERT}): " + "; ".join(parts)


def _timed(timed: list[dict], as_of_option: str, old: int) -> str:
    """The part of the line on columns that move with when leads are decided, not with the file."""
    kinds = {row["kind"] for row in timed}
    counted = (
        "days up to the decision"
        if kinds == {DAYS_TO_DECISION}
        else "events within their intent window"
        if kinds == {WINDOWED_EVENTS}
        else "days up to the decision or events within their intent window"
    )
    said = f"{_listed(timed)} count {counted}: "
    if old:
        # No file fault: history decided today has its activity aged past the windows and its days run to now.
        created = f"{as_of_option} created" if as_of_option == "--as-of" else f'{as_of_option}"created"'
        return said + (
            f"{plural(old, 'lead')} created more than {OLD_AFTER.days} days ago {'was' if old == 1 else 'were'} "
            f"decided as of now, long after their activity; to decide each as it stood, use {created}"
        )
    # No file fault: the same leads decided at another moment of their life (see demo_lifecycle.staleness_note).
    return said + (
        "these leads are decided sooner or later after creation or activity than training's were: see their "
        f"scored_at or {as_of_option}"
    )
