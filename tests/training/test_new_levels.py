"""Values most of a column's test leads hold that training never saw (walk U's 'LinkedIn Lead Gen')."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from leadgate.decision.pipeline import DecisionPipeline
from leadgate.decision.policy import load_policy
from leadgate.features.builder import FeatureBuilder
from leadgate.features.custom import CustomField
from leadgate.training.new_levels import new_levels, new_levels_note
from tests.factories import make_lead

N, TRAIN = 400, 300
SEGMENT = CustomField("segment", "category", "Segment")


def _levels(channels: list[str], segments: list[str], sql: np.ndarray, columns=None):
    leads = [
        make_lead(lead_id=f"l{i}", source={"channel": c}, custom={"segment": s})
        for i, (c, s) in enumerate(zip(channels, segments, strict=True))
    ]
    derived = DecisionPipeline(load_policy()).decide(leads).derived
    train = np.arange(N) < TRAIN
    builder = FeatureBuilder(custom_fields=(SEGMENT,)).fit(derived, rows=train)
    return new_levels(builder, derived, sql, train, ~train, columns)


def test_a_source_first_seen_in_the_test_part_is_named_by_its_export_column_with_its_sql_rate():
    channels = ["Web"] * TRAIN + ["LinkedIn Lead Gen"] * 40 + ["linkedin lead gen "] * 5 + ["Web"] * 55
    segments = ["SMB", "Enterprise"] * (N // 2)
    sql = np.arange(N) % 3 == 0
    sql[TRAIN : TRAIN + 45] = np.arange(45) % 9 == 0  # 5 of the 45 new ones: 11%
    [level] = _levels(channels, segments, sql, {"source.channel": "Lead Source"})
    assert (level.column, level.value, level.leads, level.training_leads) == (
        "Lead Source",
        "LinkedIn Lead Gen",
        45,
        0,
    )
    note = new_levels_note([level])
    assert note == (
        "test leads with values training never saw: Lead Source 'LinkedIn Lead Gen' 45% of the test leads "
        "(45 leads) (SQL rate 11% against 35% for the rest): the model reads them as rare levels, whatever they convert "
        "at; retrain when enough of them have outcomes"
    )


def test_a_custom_category_seen_too_rarely_in_training_is_named_by_its_label_and_count():
    segments = ["SMB", "Enterprise"] * (TRAIN // 2 - 2) + ["Public Sector"] * 4 + ["Public Sector"] * 30
    segments += ["SMB"] * (N - len(segments))
    sql = np.arange(N) % 4 == 0
    [level] = _levels(["Web"] * N, segments, sql)
    assert (level.column, level.value, level.training_leads) == ("Segment", "Public Sector", 4)
    note = new_levels_note([level])
    assert note.startswith(
        "test leads with values training never saw or saw too rarely to learn: Segment 'Public Sector' "
        "(4 training leads) 30% of the test leads"
    )


@pytest.mark.parametrize("new_share", [0.0, 0.05])
def test_a_small_share_of_new_values_or_none_says_nothing(new_share):
    channels = ["Web", "Partner"] * (TRAIN // 2)
    new = int((N - TRAIN) * new_share)
    channels += [f"new {i % 3}" for i in range(new)] + ["Web"] * (N - TRAIN - new)
    assert _levels(channels, ["SMB"] * N, np.arange(N) % 3 == 0) == []
    assert new_levels_note([]) is None


def test_train_says_so_for_a_channel_first_seen_among_the_newest_leads(history, policy):
    from leadgate.training.train import train_model

    subset = history.subset(np.arange(4000))
    newest = set(range(3500, 4000, 2))  # in the test part (the newest 15%): ~42% of it
    leads = [
        lead.model_copy(update={"source": lead.source.model_copy(update={"channel": "LinkedIn Lead Gen"})})
        if i in newest
        else lead
        for i, lead in enumerate(subset.leads)
    ]
    subset = replace(subset, leads=leads, field_columns=(("source.channel", "Lead Source"),))
    note = train_model(subset, policy, seed=0).extras["new_levels_note"]
    assert note.startswith("test leads with values training never saw: Lead Source 'LinkedIn Lead Gen' ")
    # Walk N: the same leads from a country the policy does not serve are the gate's, and said by its line.
    gated = [
        lead.model_copy(update={"company": lead.company.model_copy(update={"country": "IN"})})
        if i in newest
        else lead
        for i, lead in enumerate(leads)
    ]
    assert train_model(replace(subset, leads=gated), policy, seed=0).extras["new_levels_note"] is None


def test_a_mapped_export_s_history_knows_which_column_fills_each_field():
    import csv
    from pathlib import Path

    from leadgate.training.crm_mappings import load_mapping
    from leadgate.training.exports import history_from_export

    with (Path(__file__).resolve().parents[1] / "data" / "salesforce_leads_sample.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    history = history_from_export(rows, load_mapping("salesforce")).history
    columns = dict(history.field_columns)
    assert columns["source.channel"] == "Lead Source"
    assert dict(history.subset(np.arange(3)).field_columns) == columns


def test_train_gives_the_column_total_when_campaigns_keep_changing_and_none_fills_a_tenth(history, policy):
    from leadgate.training.train import train_model

    subset = history.subset(np.arange(4000))
    # Walk AB: each campaign runs for 40 consecutive leads (by creation), so the test part's are all new, and
    # none reaches the tenth of the test leads a value needs to be named alone.
    leads = [
        lead.model_copy(
            update={"source": lead.source.model_copy(update={"campaign": f"2026 camp {i // 40}"})}
        )
        for i, lead in enumerate(subset.leads)
    ]
    subset = replace(subset, leads=leads, field_columns=(("source.campaign", "Campaign"),))
    result = train_model(subset, policy, seed=0)
    # A few campaigns fall below the 20 training leads a level needs once gated leads are left out.
    training_share = result.model.metadata["pooled_shares"]["campaign"]
    assert training_share < 0.1
    note = result.extras["pooled_note"]
    assert note.startswith("Campaign: 100% of the filled test leads (")
    assert (
        f"hold levels the model did not learn, against {training_share:.0%} in training: the model reads them "
        "all as one level, '(other)'"
    ) in note
    assert "a values: map grouping its levels" in note
    assert result.extras["new_levels_note"] is None
