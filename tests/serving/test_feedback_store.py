"""How the labels' sources read to people."""

from __future__ import annotations

from leadgate.serving.feedback_store import LabelSources


def test_label_sources_read_in_the_singular_for_one():
    # Walk: "1 recorded outcomes"; "1 feedback verdicts give no label".
    said = LabelSources(outcomes=1, feedback=2, feedback_unlabelled=1).describe()
    assert (
        said
        == "labels: 1 recorded outcome, 2 from sales feedback; 1 feedback verdict gives no label (timing, duplicate)"
    )
    many = LabelSources(outcomes=1200, feedback=0, feedback_unlabelled=3).describe()
    assert "1,200 recorded outcomes" in many and "3 feedback verdicts give no label" in many
