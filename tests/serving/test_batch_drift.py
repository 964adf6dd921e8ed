"""A scored batch's model columns far from training: counted chunk by chunk, named in one line."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from leadgate.features.builder import FeatureBuilder
from leadgate.features.custom import CustomField
from leadgate.features.pooled_columns import PooledColumn
from leadgate.serving.batch_drift import (
    CUSTOM_FIELD,
    DAYS_TO_DECISION,
    LEAD_FIELD,
    MIN_LEADS,
    SCORE,
    SHOWN,
    WINDOWED_EVENTS,
    BatchDrift,
    drift_message,
    far_columns,
)
from leadgate.serving.drift import drift_table, profile


class _Model:
    """A builder with one custom number field and a reference profiled from `matrix`."""

    def __init__(self, rng) -> None:
        self.builder = FeatureBuilder(
            custom_fields=(CustomField("marketing_score", "number", "Marketing score"),)
        )
        names = list(self.builder.feature_names)
        matrix = rng.normal(size=(2_000, len(names)))
        self.metadata = {"reference": profile(matrix, names, rng.random(2_000))}


def _decided(rng, n: int, names: list[str], shift: dict[str, float] | None = None):
    """What BatchDrift reads of a chunk's Decisions: its feature matrix and P(SQL)."""
    matrix = rng.normal(size=(n, len(names)))
    for name, by in (shift or {}).items():
        matrix[:, names.index(name)] += by
    return SimpleNamespace(matrix=matrix, p_sql=rng.random(n))


def test_chunks_add_up_to_the_whole_batch_and_columns_are_named_by_their_export_column():
    rng = np.random.default_rng(0)
    model = _Model(rng)
    names = list(model.builder.feature_names)
    drift = BatchDrift(
        model, {"custom.marketing_score": "Marketing Score__c", "fields.source.channel": "Source"}
    )
    chunks = [_decided(rng, n, names, {"custom_marketing_score": 3.0}) for n in (250, 150)]
    for chunk in chunks:
        drift.add(chunk)
    whole = drift_table(
        model.metadata["reference"],
        np.vstack([c.matrix for c in chunks]),
        names,
        np.concatenate([c.p_sql for c in chunks]),
    )
    table = drift.table()
    assert [(r["column"], r["psi"]) for r in table] == [(r["column"], r["psi"]) for r in whole]
    assert (
        table[0]["column"] == "custom_marketing_score" and table[0]["export_column"] == "Marketing Score__c"
    )
    kinds = {r["column"]: (r["kind"], r["export_column"]) for r in table}
    assert kinds["custom_marketing_score"] == (CUSTOM_FIELD, "Marketing Score__c")
    assert kinds["channel"] == (LEAD_FIELD, "Source") and kinds["industry"] == (LEAD_FIELD, None)
    assert kinds["lead_age_days"] == (DAYS_TO_DECISION, None) and kinds["p_sql"] == (SCORE, None)
    said = drift_message(table)
    assert said.startswith(
        f"model columns far from training (PSI > 0.25): custom_marketing_score {table[0]['psi']:.2f} "
        "(Marketing Score__c): check that these leads' file or mapping fills them as training's did; a custom "
        "field training had filled only after contact is a leak: take it out of the mapping's custom fields"
    )


def test_below_the_minimum_no_table_and_no_line():
    rng = np.random.default_rng(1)
    model = _Model(rng)
    drift = BatchDrift(model)
    drift.add(
        _decided(rng, MIN_LEADS - 1, list(model.builder.feature_names), {"custom_marketing_score": 3.0})
    )
    drift.add(None)  # a chunk of only error rows decides nothing
    assert drift.table() == [] and drift_message([]) is None
    assert BatchDrift(None).table() == []  # no model: nothing to compare with


def _row(column: str, psi: float, export_column: str | None = None, kind: str = CUSTOM_FIELD) -> dict:
    level = "major" if psi > 0.25 else "moderate" if psi > 0.1 else "stable"
    return {"column": column, "psi": psi, "level": level, "kind": kind, "export_column": export_column}


@pytest.mark.parametrize("p_sql", [0.9, 0.2])
def test_the_line_shows_the_strongest_few_says_the_scores_moved_too_and_tells_timing_apart(p_sql):
    table = [_row(f"custom_c{i}", 5.0 - i / 2, f"Col {i}") for i in range(SHOWN + 2)]
    table += [_row("lead_age_days", 1.5, kind=DAYS_TO_DECISION), _row("p_sql", p_sql, kind=SCORE)]
    table += [_row("industry", 0.2, kind=LEAD_FIELD)]
    said = drift_message(table, as_of_option="now=")
    assert said.count("(Col ") == SHOWN and f"custom_c{SHOWN - 1} {5.0 - (SHOWN - 1) / 2:.2f} (Col " in said
    assert ", +2 more: check that" in said and "industry" not in said  # moderate drift is not said
    assert (
        "; lead_age_days 1.50 count days up to the decision" in said and "see their scored_at or now=" in said
    )
    assert said.endswith("scored_at or now=; so are the scores: P(SQL) 0.90" if p_sql > 0.25 else "or now=")


def test_no_custom_field_no_leak_advice_and_p_sql_alone_says_nothing():
    said = drift_message([_row("n_page_view", 0.4, "Page Views", kind=LEAD_FIELD)])
    assert said == (
        "model columns far from training (PSI > 0.25): n_page_view 0.40 (Page Views): check that these leads' "
        "file or mapping fills them as training's did"
    )
    # P(SQL) alone is many small shifts, no column to check.
    assert drift_message([_row("p_sql", 0.9, kind=SCORE), _row("industry", 0.2, kind=LEAD_FIELD)]) is None


def test_windowed_event_counts_of_old_leads_decided_now_are_blamed_on_the_timing_not_the_file():
    rng = np.random.default_rng(2)
    builder = FeatureBuilder(
        custom_fields=(CustomField("preferred_integration", "category", "Preferred Integration"),),
        intent_windows={"form_submit": 30},
    )
    names = list(builder.feature_names)
    model = SimpleNamespace(
        builder=builder,
        metadata={"reference": profile(rng.normal(size=(2_000, len(names))), names, rng.random(2_000))},
    )
    table = BatchDrift(model, {"events.form_submit": "Form Submissions"}).table()
    assert table == []  # nothing added yet
    drift = BatchDrift(model, {"events.form_submit": "Form Submissions"})
    assert drift.kinds["n_form_submit"] == WINDOWED_EVENTS and drift.kinds["n_page_view"] == LEAD_FIELD
    assert drift.inputs["custom_preferred_integration"] == "Preferred Integration"
    assert drift.inputs["n_form_submit"] == "Form Submissions"
    drift.add(_decided(rng, 400, names, {"n_form_submit": -3.0}))
    (row,) = far_columns(drift.table())
    assert row["column"] == "n_form_submit" and row["kind"] == WINDOWED_EVENTS
    old = drift_message(drift.table(), old=400)
    assert old.endswith(
        f"n_form_submit {row['psi']:.2f} (Form Submissions) count events within their intent window: 400 leads "
        "created more than 30 days ago were decided as of now, long after their activity; to decide each as it "
        "stood, use --as-of created"
    )
    assert "file or mapping" not in old
    assert 'now="created"' in drift_message(drift.table(), as_of_option="now=", old=1)
    # Decided as of creation and no day count far off: the counts themselves differ, a file's or mapping's doing.
    assert "(Form Submissions): check that these leads' file or mapping fills them" in drift_message(
        drift.table()
    )


def test_a_custom_category_moved_by_new_values_already_named_is_no_leak():
    table = [
        _row("custom_preferred_integration", 2.22, "Preferred Integration")
        | {"input": "Preferred Integration"},
        _row("channel", 1.15, "Original Source", kind=LEAD_FIELD) | {"input": "Original Source"},
    ]
    found = [("Preferred Integration", "Attio", 141), ("Original Source", "AI Referrals", 123)]
    said = drift_message(table, new_levels=found)
    assert said == (
        "model columns far from training (PSI > 0.25): custom_preferred_integration 2.22 (Preferred Integration), "
        "channel 1.15 (Original Source): moved by the levels the model did not learn, named above"
    )
    # A column whose total of unlearned levels was said is moved by them, though no one value was named.
    pooled = [PooledColumn("custom_preferred_integration", "Preferred Integration", 900, 1000, 0.02)]
    assert drift_message(table, new_levels=found[1:], pooled=pooled) == said
    # A custom field no new value explains keeps the leak advice.
    alone = drift_message(table, new_levels=found[1:])
    assert (
        "custom_preferred_integration 2.22 (Preferred Integration): check that" in alone
        and "is a leak" in alone
    )
