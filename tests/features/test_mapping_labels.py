"""The mapping's label: value maps, values in any case, open leads and blank outcome cells."""

from __future__ import annotations

import pytest

from leadgate.features.export_records import map_rows
from leadgate.features.mapping import MappingError, parse_mapping

STAGES = """
name: stages
lead_id: {column: Id}
custom:
  score: {column: Score, type: number}
label:
  sql: {column: Stage}
  sql_positive: [Closed Won, Closed Lost]
  won: {column: Stage}
  won_positive: [Closed Won]
"""


def _outcomes(text: str, *stages: str) -> list:
    rows = [{"Id": str(i), "Score": "1", "Stage": stage} for i, stage in enumerate(stages)]
    return [r if isinstance(r, str) else r["outcome"] for _, r in map_rows(parse_mapping(text), rows)]


def test_a_value_map_on_the_outcome_column_is_applied_before_sql_positive():
    mapped = STAGES.replace("sql: {column: Stage}", 'sql: {column: Stage, values: {"Closed Won": Won}}')
    mapped = mapped.replace("sql_positive: [Closed Won, Closed Lost]", "sql_positive: [Won]")
    outcomes = _outcomes(mapped, "Closed Won", "Closed Lost", "closed won")
    # Value-map keys match in any case too: 'closed won' is the same stage as 'Closed Won'.
    assert [o["sql"] for o in outcomes] == [True, False, True]


def test_outcome_values_match_in_any_case_and_without_surrounding_spaces():
    lower = STAGES.replace("won_positive: [Closed Won]", "won_positive: [closed won]")
    outcomes = _outcomes(lower, "Closed Won", "CLOSED WON", " closed won ", "Closed Lost", "Lead")
    assert [o["sql"] for o in outcomes] == [True, True, True, True, False]
    assert [o["won"] for o in outcomes] == [True, True, True, False, False]


def test_open_values_and_blank_cells_mean_no_outcome_yet_only_when_the_label_says_so():
    with_open = STAGES.replace(
        "  won: {column: Stage}", "  open: [Open, in progress]\n  won: {column: Stage}"
    )
    assert _outcomes(with_open, "open", "In Progress ", "Closed Won")[:2] == [None, None]
    # By default a blank outcome is the row's error: it could mean "open" or "never qualified".
    [blank] = _outcomes(STAGES, "")
    assert blank == "row 2 (Id 0): Stage: no outcome (blank)"
    [opened] = _outcomes(STAGES.replace("  won:", "  blank: open\n  won:"), "")
    [lost] = _outcomes(STAGES.replace("  won:", "  blank: not_sql\n  won:"), "N/A")  # a placeholder is blank
    assert opened is None and lost == {"sql": False, "won": False}  # no rejection reason mapped: none said
    # A value mapped to null is blank too.
    nulled = STAGES.replace("sql: {column: Stage}", "sql: {column: Stage, values: {Working: null}}")
    assert _outcomes(nulled.replace("  won:", "  blank: open\n  won:"), "working") == [None]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("sql: {column: Stage}", "sql: {column: Stage, type: flag}"), "label.sql is read as text"),
        (
            ("  won: {column: Stage}", "  open: [closed won]\n  won: {column: Stage}"),
            r"\['closed won'\] are listed",
        ),
        (("sql: {column: Stage}", "sql: {column: Stage, values: {Won: a, won: b}}"), "maps 'won' twice"),
        (("  won:", "  blank: maybe\n  won:"), "blank"),
        # How long a lead may stay open, with no value open: a setting that would do nothing.
        (("  won:", "  open_for_days: 30\n  won:"), "label.open_for_days says how long a lead may stay open"),
        (("  won:", "  open: [Open]\n  open_for_days: 0\n  won:"), "open_for_days: Input should be greater"),
    ],
)
def test_label_settings_that_would_be_ignored_or_contradict_are_refused_at_load(change, message):
    with pytest.raises(MappingError, match=message):
        parse_mapping(STAGES.replace(*change))
