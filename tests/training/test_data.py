"""Reading history records into a validated, time-sorted History and splitting it by time."""

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from leadgate.training.data import HistoryError, history_from_records, repeats_note
from tests.factories import lead_dict

START = datetime(2025, 1, 1, tzinfo=UTC)


def record(i: int, hours: float, sql: bool = False, **outcome) -> dict:
    """A history row: a valid lead created `hours` after START, without a snapshot time, and its outcome."""
    data = lead_dict(lead_id=f"h-{i}", created_at=(START + timedelta(hours=hours)).isoformat(), events=[])
    del data["scored_at"]
    data["outcome"] = {"sql": sql, **outcome}
    return data


def records(n: int) -> list[dict]:
    """n valid rows one hour apart, every third one an SQL."""
    return [record(i, hours=i, sql=i % 3 == 0) for i in range(n)]


def test_history_is_sorted_by_creation_time_with_outcomes_aligned():
    rows = [
        record(0, hours=30, sql=True, won=True, rejection_reason="", true_negative_factors=[]),
        record(1, hours=10, sql=False, rejection_reason="too_small", true_negative_factors=["small"]),
        record(2, hours=20, sql=True),
    ]
    history = history_from_records(rows)
    assert [lead.lead_id for lead in history.leads] == ["h-1", "h-2", "h-0"]
    assert list(np.diff(history.created)) == [36000.0, 36000.0]
    assert history.sql.tolist() == [False, True, True]
    assert history.won.tolist() == [False, False, True]
    assert history.rejection_reason == ["too_small", "", ""]
    assert history.true_negative_factors == [["small"], [], []]


def test_equal_creation_times_keep_their_file_order():
    rows = [record(i, hours=5) for i in range(4)]
    assert [lead.lead_id for lead in history_from_records(rows).leads] == ["h-0", "h-1", "h-2", "h-3"]


def test_missing_scored_at_defaults_to_created_at_but_a_given_one_is_kept():
    without = record(0, hours=0)
    given = record(1, hours=1)
    given["scored_at"] = (START + timedelta(days=3)).isoformat()
    history = history_from_records([without, given])
    assert history.leads[0].scored_at == history.leads[0].created_at == START
    assert history.leads[1].scored_at == START + timedelta(days=3)


def test_null_scored_at_also_defaults_to_created_at():
    row = record(0, hours=0)
    row["scored_at"] = None
    lead = history_from_records([row]).leads[0]
    assert lead.scored_at == lead.created_at


def test_more_than_one_percent_invalid_rows_is_refused_with_row_numbers():
    rows = records(100)
    rows[4]["company"]["employees"] = -5
    del rows[9]["outcome"]
    with pytest.raises(HistoryError) as caught:
        history_from_records(rows)
    message = str(caught.value)
    assert message.startswith("2 of 100 history rows are invalid")
    assert "row 5: company.employees" in message
    assert "row 10: outcome.sql is missing" in message


def test_json_history_takes_lead_fields_as_typed_and_a_tables_cells_as_their_types():
    rows = records(100)
    rows[0]["company"]["employees"] = True  # JSON lines: true is no head count
    rows[1]["company"]["employees"] = "60"
    with pytest.raises(HistoryError) as caught:
        history_from_records(rows)
    assert "row 1: company.employees: expected a number, got true/false" in str(caught.value)
    assert (
        "row 2: company.employees: expected a number or a size band like '51-200' or '10001+', got text '60'"
        in str(caught.value)
    )
    del rows[0]["company"]["employees"]
    # A CSV or Parquet history's cells are text: '60' is 60 there.
    history = history_from_records(rows, cells=True)
    assert {lead.lead_id: lead.company.employees for lead in history.leads}["h-1"] == 60


def test_an_outcome_written_as_text_is_read_as_its_words_not_as_a_non_empty_string():
    rows = records(100)
    rows[0]["outcome"] = {"sql": "False", "won": "no"}  # bool("False") is True
    rows[1]["outcome"] = {"sql": "TRUE", "won": "yes"}
    rows[2]["outcome"] = {"sql": 0}
    history = history_from_records(rows)
    by_id = dict(
        zip([lead.lead_id for lead in history.leads], zip(history.sql, history.won, strict=True), strict=True)
    )
    assert by_id["h-0"] == (False, False) and by_id["h-1"] == (True, True) and by_id["h-2"] == (False, False)
    rows[3]["outcome"] = {"sql": "maybe"}
    rows[4]["outcome"] = {"sql": True, "won": 2}
    with pytest.raises(HistoryError) as caught:
        history_from_records(rows)
    assert "row 4: outcome.sql: 'maybe' is not true or false" in str(caught.value)
    assert "row 5: outcome.won: 2 is not true or false" in str(caught.value)


def test_problems_cite_the_exports_row_numbers_and_a_bad_creation_time_once():
    rows = records(3)
    rows[1]["created_at"] = "yesterday"
    with pytest.raises(HistoryError) as caught:
        history_from_records(rows, numbers=[2, 5, 6])  # the export's rows 3 and 4 could not be mapped
    message = str(caught.value)
    assert "row 5: created_at:" in message
    # No scored_at was given: the copy history makes of created_at is not a second problem.
    assert "scored_at" not in message


def test_at_most_one_percent_invalid_rows_are_dropped_and_the_rest_kept():
    rows = records(200)
    rows[0]["company"]["employees"] = -5
    rows[150]["outcome"] = {"won": True}
    history = history_from_records(rows)
    assert len(history.leads) == len(history.sql) == len(history.won) == 198
    assert {"h-0", "h-150"}.isdisjoint(lead.lead_id for lead in history.leads)
    assert [p.split(": ", 1)[0] for p in history.skipped] == ["row 1", "row 151"]  # said by the commands


def test_the_refusal_lists_the_first_problems_or_counts_them_by_field():
    rows = records(20)
    for row in rows:
        row["outcome"] = "sql"
    with pytest.raises(HistoryError) as caught:
        history_from_records(rows[:3], max_problems=3)
    listed = [line for line in str(caught.value).splitlines() if line.strip().startswith("row ")]
    assert listed == [f"  row {n}: outcome.sql is missing" for n in (1, 2, 3)]
    with pytest.raises(HistoryError) as caught:
        history_from_records(rows, max_problems=3)
    assert str(caught.value) == (
        "20 of 20 history rows are invalid:\n  outcome.sql is missing: 20 rows (row 1, row 2 and 18 more)"
    )


def test_empty_history_is_refused():
    with pytest.raises(HistoryError, match="no usable history rows"):
        history_from_records([])


def test_won_is_labelled_when_any_outcome_says_won_and_unknown_when_none_does():
    unlabelled = history_from_records(records(6))
    assert not unlabelled.won_labelled and not unlabelled.won.any()
    assert not unlabelled.subset(np.arange(3)).won_labelled
    rows = records(6)
    rows[4]["outcome"]["won"] = False  # one row saying "not won" is a label: the others read as not won
    assert history_from_records(rows).won_labelled


def test_one_odd_custom_value_is_its_rows_problem_not_a_new_type_for_the_field():
    rows = records(200)
    for i, row in enumerate(rows):
        row["custom"] = {"budget": i % 2 == 0, "calls": i % 5}
    rows[7]["custom"]["budget"] = 1  # a JSON number among true/false: no yes
    history = history_from_records(rows)
    assert {(f.name, f.type) for f in history.custom_fields} == {("budget", "flag"), ("calls", "integer")}
    assert len(history.leads) == 199 and "h-7" not in {lead.lead_id for lead in history.leads}
    assert history.skipped == (
        "row 8: custom.budget: expected true or false, got 1 (as nearly every other row has it)",
    )
    for row in rows[:5]:  # more than 1% odd: no longer a flag with a few errors, but mixed values
        row["custom"]["budget"] = "maybe"
    assert dict((f.name, f.type) for f in history_from_records(rows).custom_fields)["budget"] == "category"


def test_a_custom_key_no_field_could_be_named_is_its_rows_problem_not_a_failed_training():
    rows = records(200)
    for row in rows:
        row["custom"] = {"budget": True}
    rows[4]["custom"] = {"Budget_vorhanden__c": True}  # the CRM's own field name
    history = history_from_records(rows)
    assert [f.name for f in history.custom_fields] == ["budget"] and len(history.leads) == 199
    assert history.skipped == (
        "row 5: custom.Budget_vorhanden__c: not a custom field name (lower-case letters, digits and _, "
        "starting with a letter, such as budget_vorhanden_c)",
    )


def test_a_lead_id_on_more_than_one_row_keeps_only_its_last_row_the_newest_state():
    # An export listing a lead twice (an older state, then the newest) would count it, and its outcome, twice.
    rows = [record(0, hours=1), record(1, hours=2), record(0, hours=3, sql=True), record(2, hours=0)]
    rows += [record(1, hours=4, sql=True), record(3, hours=5), record(0, hours=6, sql=True, won=True)]
    history = history_from_records(rows)
    assert [lead.lead_id for lead in history.leads] == ["h-2", "h-1", "h-3", "h-0"]
    assert history.sql.tolist() == [False, True, False, True] and history.won.tolist() == [0, 0, 0, 1]
    assert history.repeats.count == 2 and history.repeats.extra_rows == 3
    assert history.repeats.shown == (("h-0", (1, 3, 7)), ("h-1", (2, 5)))
    assert history.subset(np.array([0, 1])).repeats == history.repeats


def test_a_lead_id_on_more_than_one_row_keeps_its_newest_row_in_a_newest_first_export():
    # Walk M: many CRMs export newest first, where the last row of a lead is its oldest state.
    rows = [record(0, hours=6, sql=True, won=True), record(1, hours=4, sql=True), record(0, hours=3)]
    rows += [record(2, hours=2), record(1, hours=1), record(0, hours=0), record(3, hours=6)]
    history = history_from_records(rows)
    assert [lead.lead_id for lead in history.leads] == ["h-2", "h-1", "h-0", "h-3"]
    assert history.sql.tolist() == [False, True, True, False] and history.won.tolist() == [0, 0, 1, 0]
    assert history.numbers == [4, 2, 1, 7]  # the rows trained on, in the history's order
    assert repeats_note(history.repeats, history.ordered) == (
        "2 lead ids appear on more than one row (h-0 rows 1, 3, 6; h-1 rows 2, 5): kept the newest row of each "
        "(by creation date; on equal dates, the later in the file) (3 other rows left out)"
    )


def test_rows_of_a_lead_created_at_the_same_time_keep_the_later_in_the_file():
    rows = [record(0, hours=1), record(1, hours=2), record(0, hours=1, sql=True)]
    assert history_from_records(rows).sql.tolist() == [True, False]


def test_a_history_without_dates_keeps_the_last_row_and_says_so_without_claiming_it_newest():
    rows = [record(0, hours=6, sql=True), record(1, hours=2), record(0, hours=3)]
    history = history_from_records(rows, ordered=False)
    assert [lead.lead_id for lead in history.leads] == ["h-1", "h-0"] and not history.sql.any()
    assert repeats_note(history.repeats, history.ordered) == (
        "1 lead id appears on more than one row (h-0 rows 1, 3): kept the last row of each in the file "
        "(1 other row left out)"
    )


def test_a_history_without_repeats_has_none():
    assert history_from_records(records(5)).repeats is None


def test_a_history_or_mapping_without_rejection_reasons_leaves_sales_rejections_unknown(history_records):
    from leadgate.features.mapping import parse_mapping
    from leadgate.training.exports import history_from_export

    records = history_records[:300]
    assert history_from_records(records).rejections_labelled
    stripped = [
        {**r, "outcome": {k: v for k, v in r["outcome"].items() if k != "rejection_reason"}} for r in records
    ]
    assert not history_from_records(stripped).rejections_labelled
    mapping = "name: t\nlead_id: {column: Id}\nlabel:\n  sql: {column: Won}\n  sql_positive: ['1']\n"
    rows = [{"Id": f"a{i}", "Why": "no budget" if i % 3 else "", "Won": str(i % 2)} for i in range(60)]
    assert not history_from_export(rows, parse_mapping(mapping)).history.rejections_labelled
    reasons = mapping + "  rejection_reason: {column: Why}\n"
    assert history_from_export(rows, parse_mapping(reasons)).history.rejections_labelled


def test_many_invalid_rows_are_told_one_line_per_field_with_their_rows_counted():
    """Many rows the lead schema refuses were listed one by one, the first ten, without how many each field had."""
    from leadgate.training.data import HistoryError, history_from_records

    good = {"contact": {"email": "a@b.com"}, "created_at": "2026-01-05T00:00:00Z", "outcome": {"sql": False}}
    future = [{**good, "lead_id": f"f{i}", "created_at": "2099-01-01T00:00:00Z"} for i in range(12)]
    negative = [{**good, "lead_id": f"n{i}", "company": {"annual_revenue": -5}} for i in range(3)]
    records = [*future, *negative, *({**good, "lead_id": f"g{i}"} for i in range(5))]
    with pytest.raises(HistoryError) as refused:
        history_from_records(records)
    lines = str(refused.value).split("\n")
    assert lines[0] == "15 of 20 history rows are invalid:"
    assert lines[1].startswith(
        "  created_at: 12 rows (row 1, row 2 and 10 more), such as row 1: created_at: "
    )
    assert lines[2].startswith(
        "  company.annual_revenue: 3 rows (row 13, row 14 and 1 more), such as row 13: "
    )
    assert len(lines) == 3
