"""Category values many scored leads hold that the model's training never saw (walk U's new source)."""

from __future__ import annotations

import json

import pytest

from leadgate.features.builder import FeatureBuilder
from leadgate.features.custom import CustomField
from leadgate.serving.batch import score_file
from leadgate.serving.new_levels import NewLevels, new_levels_message
from tests.factories import lead_dict, make_lead


class _Model:
    def __init__(self) -> None:
        self.builder = FeatureBuilder(custom_fields=(CustomField("module", "category", "Module"),))
        self.builder.vocabularies_ = {
            "channel": ["(other)", "web", "partner"],
            "custom_module": ["(other)", "crm"],
        }


def _leads(channels: list[str], modules: list[str | None]):
    return [
        make_lead(lead_id=f"l{i}", source={"channel": c}, custom={"module": m} if m else {})
        for i, (c, m) in enumerate(zip(channels, modules, strict=True))
    ]


def test_a_value_a_large_share_of_leads_hold_that_training_pooled_is_named_with_its_spelling():
    new = NewLevels(_Model(), {"fields.source.channel": "Lead Source"})
    channels = (
        ["Web"] * 60 + ["LinkedIn Lead Gen"] * 30 + ["linkedin lead gen"] * 5 + [f"odd {i}" for i in range(5)]
    )
    new.add(_leads(channels, ["CRM"] * 70 + ["Compliance Module"] * 30))
    assert new.found() == [("Lead Source", "LinkedIn Lead Gen", 35), ("Module", "Compliance Module", 30)]
    assert new_levels_message(new.found()[:1], 100) == (
        "decided leads with values the model's training never saw or saw too rarely to learn: Lead Source "
        "'LinkedIn Lead Gen' 35% (35 leads) of the 100 leads the model read (no gate rejected them): the model "
        "reads them as rare levels, whatever they convert at; train again once enough of them have outcomes"
    )


@pytest.mark.parametrize(("leads", "new_ones"), [(100, 9), (15, 15)])
def test_a_small_share_or_a_handful_of_leads_says_nothing(leads, new_ones):
    new = NewLevels(_Model())
    new.add(_leads(["LinkedIn"] * new_ones + ["web"] * (leads - new_ones), [None] * leads))
    assert new.found() == []
    assert NewLevels(None).found() == []  # no model: nothing pooled


def test_a_code_read_by_its_prefix_is_a_new_level_only_when_its_prefix_is_new():
    # Walk W: a campaign's 40 leads of postal code 41875 were said never seen, though '41' is a learnt level.
    model = _Model()
    model.builder = FeatureBuilder(custom_fields=(CustomField("plz", "category", "Postal code", prefix=2),))
    model.builder.vocabularies_ = {"custom_plz": ["(other)", "41", "80"]}
    new = NewLevels(model, {"custom.plz": "PLZ"})
    codes = ["41875"] * 40 + [" 80331 "] * 30 + ["99999"] * 25 + ["99001"] * 5
    new.add([make_lead(lead_id=f"p{i}", custom={"plz": code}) for i, code in enumerate(codes)])
    # The leads whose region training never saw, named by the region: 5 of the 30 hold 99001, not 99999.
    assert new.found() == [("PLZ", "99…", 30)]


def test_score_says_so_for_a_file_whose_source_training_never_saw(pipeline, tmp_path):
    leads = [lead_dict(lead_id=f"n{i}", source={"channel": "LinkedIn Lead Gen"}) for i in range(25)]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(lead) + "\n" for lead in leads))
    summary = score_file(pipeline, source, tmp_path / "out.parquet")
    assert summary.new_levels == [("channel", "LinkedIn Lead Gen", 25)]


def test_score_of_a_later_file_of_only_new_sources_names_the_column_total_and_the_drift_cause(
    pipeline, tmp_path
):
    from leadgate.features.pooled_columns import pooled_note
    from leadgate.serving.batch_drift import drift_message

    # Walk AB's campaigns, on a column the session's model learned every level of: 20 new sources of 20 leads
    # each, none a tenth of the file, none seen by training.
    leads = [lead_dict(lead_id=f"c{i}", source={"channel": f"2027-{i // 20} ABM"}) for i in range(400)]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(lead) + "\n" for lead in leads))
    summary = score_file(pipeline, source, tmp_path / "out.parquet")
    assert summary.new_levels == []  # no one source reaches the tenth a value needs to be named alone
    [column] = [c for c in summary.pooled if c.feature == "channel"]
    assert (column.pooled, column.filled) == (summary.read, summary.read)
    assert column.training_share < 0.1
    assert pooled_note(summary.pooled, "leads the model read").startswith(
        f"channel: 100% of the filled leads the model read ({summary.read:,} of {summary.read:,}) hold levels the "
        "model did not learn, against"
    )
    said = drift_message(summary.drift, new_levels=summary.new_levels, pooled=summary.pooled)
    moved, _, _ = said.partition(": moved by the levels the model did not learn, named above")
    assert "channel " in moved.rpartition(";")[2]
    checked = [part for part in said.split("; ") if "file or mapping" in part]
    assert not any("channel " in part for part in checked)
