"""Per category column, the filled leads whose level the model did not learn, counted from its matrix."""

from __future__ import annotations

import numpy as np
import pytest

from leadgate.decision.pipeline import DecisionPipeline
from leadgate.decision.policy import load_policy
from leadgate.features.builder import FeatureBuilder
from leadgate.features.custom import CustomField
from leadgate.features.pooled_columns import PooledColumn, PooledCounts, drift_cause, pooled_note
from tests.factories import make_lead

SEGMENT = CustomField("segment", "category", "Segment")


def _fitted(campaigns: list[str | None], segments: list[str], train: int):
    leads = [
        make_lead(lead_id=f"l{i}", source={"campaign": c}, custom={"segment": s})
        for i, (c, s) in enumerate(zip(campaigns, segments, strict=True))
    ]
    derived = DecisionPipeline(load_policy()).decide(leads).derived
    rows = np.arange(len(leads)) < train
    builder = FeatureBuilder(custom_fields=(SEGMENT,)).fit(derived, rows=rows)
    return builder, builder.transform(derived), rows


def test_new_campaigns_count_against_the_filled_leads_and_custom_levels_alike():
    # 40 leads per known campaign in training; the later leads: 8 new campaigns of 10, a few blanks.
    campaigns = [f"old {i // 40}" for i in range(200)] + [f"new {i // 10}" for i in range(80)] + [None] * 20
    segments = ["SMB"] * 200 + ["Public Sector"] * 50 + ["SMB"] * 50
    builder, matrix, train = _fitted(campaigns, segments, 200)
    training = PooledCounts(builder)
    training.add(matrix, train)
    assert training.shares()["campaign"] == 0.0
    later = PooledCounts(builder, {"source.campaign": "Campaign"})
    later.add(matrix, ~train)
    found = {column.feature: column for column in later.found(training.shares())}
    assert (found["campaign"].column, found["campaign"].pooled, found["campaign"].filled) == (
        "Campaign",
        80,
        80,
    )
    assert (
        found["custom_segment"].column,
        found["custom_segment"].pooled,
        found["custom_segment"].filled,
    ) == ("Segment", 50, 100)
    assert [c.feature for c in later.found(training.shares())] == [
        "campaign",
        "custom_segment",
    ]  # largest share first


def test_a_column_whose_rare_levels_training_pooled_as_often_is_not_named():
    column = PooledCounts.__new__(PooledCounts)
    column.names, column.filled, column.pooled = (
        {"campaign": "Campaign"},
        {"campaign": 1000},
        {"campaign": 300},
    )
    assert column.found({"campaign": 0.25}) == []
    assert [c.pooled for c in column.found({"campaign": 0.1})] == [300]
    assert [c.pooled for c in column.found(None)] == [300]  # a model saved before the shares were kept


@pytest.mark.parametrize(
    ("training", "expected"),
    [
        (
            0.01,
            "Campaign: 93% of the filled leads (930 of 1,000) hold levels the model did not learn, against 1% in training",
        ),
        (None, "Campaign: 93% of the filled leads (930 of 1,000) hold levels the model did not learn"),
    ],
)
def test_the_note_gives_the_share_with_the_leads_it_counts(training, expected):
    column = PooledColumn("campaign", "Campaign", 930, 1000, training)
    note = pooled_note([column])
    assert note.startswith(expected + ": the model reads them all as one level, '(other)'")
    assert "or train more often" in note
    assert pooled_note([]) is None
    assert drift_cause(column).startswith("levels the model did not learn: 93% of the filled leads")
