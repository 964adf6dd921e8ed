import numpy as np

from leadgate.training.outcome_maturity import immature_outcomes_note
from leadgate.training.splits import Split


def _split(n: int, kind: str = "time") -> Split:
    parts = np.zeros((3, n), dtype=bool)
    parts[0, : int(n * 0.7)] = parts[1, int(n * 0.7) : int(n * 0.85)] = parts[2, int(n * 0.85) :] = True
    return Split(*parts, kind=kind)


def test_newest_leads_converting_far_below_those_before_are_told_as_perhaps_not_decided_yet():
    sql = np.random.default_rng(0).random(4000) < 0.16
    assert immature_outcomes_note(sql, _split(4000)) is None  # the same rate throughout: nothing to say
    sql[3850:] = False  # the last quarter of the test period: still being worked
    note = immature_outcomes_note(sql, _split(4000))
    assert note.startswith(
        "the newest 150 test leads (the newest quarter of the test part) became SQLs at 0.0%"
    )
    assert "label.open" in note
    # A random split has no newest leads; too few expected SQLs say nothing either.
    assert immature_outcomes_note(sql, _split(4000, kind="random")) is None
    few = np.zeros(400, dtype=bool)
    few[::20] = True
    few[385:] = False
    assert immature_outcomes_note(few, _split(400)) is None
