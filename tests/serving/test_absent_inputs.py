"""Inputs most training leads had that a whole scored batch lacks."""

from __future__ import annotations

import numpy as np
import pytest

from leadgate.serving.absent_inputs import MIN_LEADS, AbsentInputs, absent_message


def _without(lead, channel: bool = False, page_views: bool = False):
    update = {}
    if channel:
        update["source"] = lead.source.model_copy(update={"channel": None})
    if page_views:
        update["events"] = [e for e in lead.events if e.type != "page_view"]
    return lead.model_copy(update=update)


@pytest.fixture(scope="module")
def leads(history, trained):
    rows = np.flatnonzero(trained.split.test)[:200]
    return [history.leads[i] for i in rows]


def test_an_input_no_scored_lead_has_is_named_with_how_many_training_leads_had_it(trained, leads):
    absent = AbsentInputs(trained.model)
    assert {"channel", "n_page_view"} <= set(absent.expected)  # most demo training leads have both
    absent.add([_without(lead, channel=True, page_views=True) for lead in leads])
    named = dict(absent.absent())
    assert set(named) == {"channel", "page views"}
    assert named["channel"] == pytest.approx(1.0, abs=0.05) and 0.5 <= named["page views"] <= 1
    said = absent_message(absent.absent(), absent.leads)
    assert (
        said.startswith(f"none of the {len(leads):,} decided leads has channel (") and "page views (" in said
    )


def test_one_lead_with_the_input_or_too_few_leads_say_nothing(trained, leads):
    absent = AbsentInputs(trained.model)
    absent.add([_without(lead, channel=True) for lead in leads[:-1]] + [leads[-1]])
    assert absent.absent() == []  # one lead had a channel: the file carries it
    few = AbsentInputs(trained.model)
    few.add([_without(lead, channel=True) for lead in leads[: MIN_LEADS - 1]])
    assert few.absent() == []


def test_score_says_which_inputs_the_file_lacks(tmp_path, pipeline, leads):
    from leadgate.serving.batch import score_rows
    from leadgate.serving.lead_rows import Row

    rows = [Row(i + 2, _without(lead, page_views=True), lead.lead_id, None) for i, lead in enumerate(leads)]
    summary = score_rows(pipeline, rows, tmp_path / "out.jsonl")
    assert [words for words, _ in summary.absent_inputs] == ["page views"]
    plain = score_rows(
        pipeline, [Row(i + 2, lead, lead.lead_id, None) for i, lead in enumerate(leads)], tmp_path / "b.jsonl"
    )
    assert plain.absent_inputs == []


def test_a_model_without_statistics_names_nothing_and_decides_on(trained, leads):
    import copy

    bare = copy.copy(trained.model)
    bare.reference = None  # models saved before reason statistics
    absent = AbsentInputs(bare)
    absent.add([_without(lead, channel=True) for lead in leads])
    assert absent.absent() == [] and absent.leads == len(leads)
