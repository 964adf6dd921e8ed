from dataclasses import replace

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


def _note(closed: str = "") -> str:
    sql = np.random.default_rng(0).random(4000) < 0.16
    sql[3850:] = False
    return immature_outcomes_note(sql, _split(4000), closed)


def test_a_label_column_that_cannot_say_open_gets_advice_that_can_be_followed():
    """Walk U: Salesforce's Converted holds 0 or 1; listing open values of it is no advice at all."""
    from collections import Counter

    from leadgate.features.mapping import Label
    from leadgate.training.outcome_maturity import closed_label

    converted = Label.model_validate({"sql": {"column": "Converted"}, "sql_positive": ["1"]})
    closed = closed_label(converted, Counter({"0": 900, "1": 300}))
    assert (
        closed == "Converted holds only '0' and '1', each an outcome, so no value of it can mark a lead open"
    )
    assert _note(closed).endswith(
        "later period. Converted holds only '0' and '1', each an outcome, so no value of it can mark a lead "
        "open: use a status column (such as Lead Status) as the label instead, listing the values of leads "
        "still being worked under label.open (open: [Open, Working]), or export again once they are decided"
    )
    assert "Mark such leads open (the mapping's label.open)" in _note()
    # A status column, one already listing open values, or blanks read as open: label.open is the advice.
    status = Label.model_validate({"sql": {"column": "Lead Status"}, "sql_positive": ["Qualified"]})
    assert closed_label(status, Counter({"Qualified": 3, "Unqualified": 5, "Working": 2})) == ""
    listed = converted.model_copy(update={"open": ["2"]})
    assert closed_label(listed, Counter({"0": 900, "1": 300})) == ""
    blank_open = converted.model_copy(update={"blank": "open"})
    assert closed_label(blank_open, Counter({"0": 900, "1": 300, None: 5})) == ""


def test_a_mapped_export_s_history_says_whether_its_label_can_mark_leads_open():
    import csv
    from pathlib import Path

    from leadgate.training.crm_mappings import load_mapping
    from leadgate.training.exports import history_from_export

    with (Path(__file__).resolve().parents[1] / "data" / "salesforce_leads_sample.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    history = history_from_export(rows, load_mapping("salesforce")).history
    assert history.label_closed.startswith("Converted holds only ")


DATED_MAPPING = """\
name: dated
lead_id: {column: Id}
created_at: {column: Created, type: datetime}
custom:
  segment: {column: Segment}
label:
  sql: {column: Status}
  sql_positive: [Qualified]
"""


def _dated_rows(n: int = 1200, newest_open: int = 60) -> list[dict]:
    """A year of leads, one a day-ish, outcomes spread over time, and the newest `newest_open` still 'Open'."""
    from datetime import UTC, datetime, timedelta

    rng = np.random.default_rng(3)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    rows = []
    for i in range(n):
        status = rng.choice(("Qualified", "Unqualified", "Nurture"), p=(0.25, 0.5, 0.25))
        rows.append(
            {
                "Id": str(i),
                "Created": (start + timedelta(hours=7 * i)).isoformat(),
                "Segment": rng.choice(("smb", "mid")),
                "Status": "Open" if i >= n - newest_open else str(status),
            }
        )
    return rows


def test_an_unlisted_value_only_the_newest_leads_hold_is_asked_about_as_perhaps_open():
    # Walk: 'Open' (80 leads, all of the last weeks) counted as not SQL without a word; the test SQLs dropped.
    from leadgate.features.mapping import parse_mapping
    from leadgate.training.exports import history_from_export

    rows = _dated_rows()
    notes = history_from_export(rows, parse_mapping(DATED_MAPPING)).notes
    [said] = [note for note in notes if "No outcome yet?" in note]
    assert said.startswith(
        "Status 'Open', counted as not SQL: 60 of its 60 leads were created in the newest 15% of the history "
        "(since 2025-10-25T12:00)"
    )
    assert (
        "where a value spread over time would have about 9. No outcome yet? list it under label.open" in said
    )
    # Listed as open: left out and counted, nothing to ask; values spread over time are never asked about.
    listed = parse_mapping(DATED_MAPPING.replace("[Qualified]", "[Qualified]\n  open: [Open]"))
    assert not any("No outcome yet?" in note for note in history_from_export(rows, listed).notes)
    # Walk AC: a CRM keeps some stale open leads; 60 of 100 among the newest 15% is still asked about.
    stale = [{**row, "Status": "Open"} if i % 25 == 7 and i < 1000 else row for i, row in enumerate(rows)]
    [said] = [n for n in history_from_export(stale, parse_mapping(DATED_MAPPING)).notes if "No outcome" in n]
    assert said.startswith(
        "Status 'Open', counted as not SQL: 60 of its 100 leads were created in the newest"
    )
    # Too few leads to matter (and a status new to the CRM starts small): nothing said.
    few = _dated_rows(newest_open=12)
    assert not any(
        "No outcome yet?" in note for note in history_from_export(few, parse_mapping(DATED_MAPPING)).notes
    )


def test_blank_outcomes_read_as_not_sql_that_only_the_newest_leads_have_are_asked_about_too():
    from leadgate.features.mapping import parse_mapping
    from leadgate.training.exports import history_from_export

    rows = [{**row, "Status": "" if row["Status"] == "Open" else row["Status"]} for row in _dated_rows()]
    mapping = parse_mapping(DATED_MAPPING.replace("[Qualified]", "[Qualified]\n  blank: not_sql"))
    [said] = [note for note in history_from_export(rows, mapping).notes if "No outcome yet?" in note]
    assert said.startswith("blank outcome cells, counted as not SQL: 60 of its 60 leads") and (
        "No outcome yet? set label.blank: open" in said
    )


def test_a_small_exports_newest_leads_without_any_sql_are_told_though_the_quarter_expects_few():
    """Walk AD: 127 newest contacts of 1,793 still being worked, counted as not SQL, and nothing said: the
    quarter rule expected fewer than 10 SQLs among them. The run after the last SQL needs no such minimum."""
    from leadgate.training.data import history_from_records
    from leadgate.training.outcome_maturity import maturity_note
    from leadgate.training.splits import time_split
    from tests.training.test_data import record

    # An SQL every 13th lead (7.7%), none among the newest 135: chance leaves so many without one 1 in 50,000.
    rows = [record(i, hours=i, sql=i % 13 == 0 and i < 1670) for i in range(1800)]
    history = history_from_records(rows)
    split = time_split(history)
    assert immature_outcomes_note(history.sql, split) is None  # the quarter (67 leads) expects 5 SQLs
    said = maturity_note(history.sql, split, history)
    assert said.startswith("no SQL among the 135 leads created since ") and said.endswith(
        "add it. Until then the test figures and the recall on the later period count them as not SQL"
    )
    assert "Mark such leads open (the mapping's label.open)" in said and "train with --until" in said
    # 44 newest without one at that rate: chance does that 1 time in 30, nothing to say.
    calm = history_from_records([record(i, hours=i, sql=i % 13 == 0 and i < 1760) for i in range(1800)])
    assert maturity_note(calm.sql, time_split(calm), calm) is None
    # No order in time, no newest leads: a random split's history says nothing.
    assert maturity_note(history.sql, replace(split, kind="random"), history) is None
