"""Splitting a history: by creation time in given fractions, or stratified random; refusals of too little data."""

import re

import numpy as np
import pytest

from leadgate.training.data import HistoryError, history_from_records
from leadgate.training.splits import random_split, split_history, time_split
from tests.training.test_data import record, records


def test_time_split_partitions_by_time_in_the_given_fractions():
    history = history_from_records(records(1000))
    split = time_split(history, valid_fraction=0.2, test_fraction=0.1)
    parts = np.vstack([split.train, split.valid, split.test]).astype(int)
    assert (parts.sum(axis=0) == 1).all()
    assert split.describe() == {"train": 700, "valid": 200, "test": 100}
    created = history.created
    assert created[split.train].max() < created[split.valid].min()
    assert created[split.valid].max() < created[split.test].min()


@pytest.mark.parametrize(
    ("valid_fraction", "test_fraction"),
    [(0, 0.15), (0.15, 0), (1, 0.1), (0.15, -0.1), (0.5, 0.4), (0.6, 0.35)],
)
def test_time_split_refuses_fractions_that_leave_too_little_for_training(valid_fraction, test_fraction):
    history = history_from_records(records(400))
    with pytest.raises(ValueError, match="at least 10% for training"):
        time_split(history, valid_fraction=valid_fraction, test_fraction=test_fraction)


def test_time_split_accepts_fractions_just_inside_the_limit():
    split = time_split(history_from_records(records(1000)), valid_fraction=0.45, test_fraction=0.44)
    assert split.describe()["train"] >= 100


@pytest.mark.parametrize("kind", ["time", "random"])
def test_a_tiny_history_is_refused_with_the_minimum_and_its_own_count(kind):

    history = history_from_records(records(300))
    with pytest.raises(HistoryError) as refused:
        split_history(history, kind)
    message = str(refused.value)
    assert f"the {kind} split leaves " in message and "leads in train/valid/test" in message
    assert "each part needs at least 50, so about 334 leads with an outcome in all" in message
    assert "this history has 300" in message and "\n" not in message
    split_history(history_from_records(records(340)), kind)  # just above the stated minimum: accepted


def _with_sqls(n: int, sqls: list[int]) -> list[dict]:
    return [record(i, hours=i, sql=i in set(sqls)) for i in range(n)]


@pytest.mark.parametrize("kind", ["time", "random"])
def test_too_few_sqls_in_any_part_are_refused_with_counts_per_part(kind):

    # 2,000 leads with 4 SQLs spread over time: a part gets one or two, and a test ROC-AUC would be luck.
    history = history_from_records(_with_sqls(2000, [100, 900, 1500, 1900]))
    with pytest.raises(HistoryError) as refused:
        split_history(history, kind)
    message = str(refused.value)
    assert message.startswith("too few SQLs to train, calibrate and test: ")
    assert (
        "leads that are not in train/valid/test; each part needs at least 10 of each, so about 67" in message
    )
    assert "this history has 4 SQLs among 2,000 leads" in message


@pytest.mark.parametrize(
    ("sqls", "fewer", "advice"),
    [
        (range(100, 2000, 500), "SQLs", "check that sql_positive lists every value that means SQL"),
        (
            set(range(2000)) - set(range(100, 2000, 500)),
            "leads that are not SQL",
            "check that sql_positive lists no value that does not mean SQL and that the label's column is the "
            "outcome",
        ),
    ],
)
def test_the_advice_on_too_few_outcomes_fits_the_class_that_is_short(sqls, fewer, advice):

    # Widening sql_positive only shrinks the non-SQLs further: the advice must depend on which is short.
    with pytest.raises(HistoryError) as refused:
        split_history(history_from_records(_with_sqls(2000, list(sqls))), "random")
    message = str(refused.value)
    assert message.startswith(f"too few {fewer} to train") and f"{advice}, or bring more history" in message
    assert ("lists every value" in message) == (fewer == "SQLs")


def test_a_time_split_that_starves_a_part_of_sqls_spread_over_time_suggests_the_random_split():

    # 340 SQLs spread over the history, but none among the leads the validation period holds.
    history = history_from_records(
        [record(i, hours=i, sql=i % 5 == 0 and not 1400 <= i < 1700) for i in range(2000)]
    )
    with pytest.raises(HistoryError, match=r"leaves 280/0/60 SQLs .* or use --split random"):
        split_history(history, "time")
    assert split_history(history, "random").kind == "random"


@pytest.mark.parametrize("kind", ["time", "random"])
def test_newest_leads_without_any_sql_are_said_to_have_outcomes_not_known_yet_whatever_the_split(kind):

    # Walk tiny F3: 200 SQLs, all among the oldest leads, the usual "recent leads not worked yet". The time
    # split's refusal advised --split random, which trained a champion on those leads counted as not SQL.
    history = history_from_records(_with_sqls(2000, list(range(0, 1000, 5))))
    with pytest.raises(HistoryError) as refused:
        split_history(history, kind)
    message = str(refused.value)
    assert (
        "no SQL among the 1,004 leads created since 2025-02-11T12:00 (200 SQLs among the 996 before): are their "
        "outcomes not known yet? Mark such leads open (the mapping's label.open), export again once they are "
        "decided, or train with --until 2025-02-11T12:00; if the newest leads name SQLs by a value sql_positive "
        "does not list, add it"
    ) in message
    assert "--split random" not in message and "\n" not in message
    if kind == "random":
        assert message.startswith("a random split would teach the model that the newest leads do not convert")


def test_the_until_named_keeps_every_lead_up_to_the_last_sql_and_none_after():
    from leadgate.cli.data import within

    # Two leads a day, the last SQL the day's second: its date keeps that whole day and no lead after it.
    rows = [record(i, hours=12 * i, sql=i < 500 and i % 4 == 1) for i in range(1000)]
    history = history_from_records(rows)
    with pytest.raises(HistoryError, match=r"train with --until (\S+);") as refused:
        split_history(history, "time")
    until = re.search(r"train with --until (\S+);", str(refused.value)).group(1)
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", until)
    kept = within(history, "h", None, until)
    assert len(kept.leads) == 498 and kept.sql.sum() == history.sql.sum()
    # Leads after the last SQL on its own day: a time, excluded, cuts exactly after it.
    hourly = history_from_records(_with_sqls(2000, list(range(0, 1000, 5))))
    until = re.search(r"train with --until (\S+);", _refusal(hourly)).group(1)
    assert len(within(hourly, "h", None, until).leads) == 996


def _refusal(history, kind="time") -> str:
    with pytest.raises(HistoryError) as refused:
        split_history(history, kind)
    return str(refused.value)


def test_fewer_newest_leads_without_sql_than_a_test_part_holds_leave_the_random_split_alone():

    # No SQL among the newest 100 of 2,000 leads: unlikely by chance, but a tenth of what a test part holds.
    history = history_from_records(_with_sqls(2000, list(range(0, 1900, 3))))
    assert split_history(history, "random").kind == "random"


def test_a_label_that_marks_no_lead_or_every_lead_says_so_with_the_values_seen():

    none = history_from_records(_with_sqls(1000, []), label_note="Stage holds 'Closed Lost' 600 (not SQL)")
    with pytest.raises(HistoryError) as refused:
        split_history(none)
    assert str(refused.value).startswith(
        "the label marks no lead as SQL (0 SQLs among 1,000 leads); Stage holds 'Closed Lost' 600 (not SQL): "
        "list the values that mean SQL"
    )
    with pytest.raises(HistoryError, match=r"marks every lead as SQL \(1,000 SQLs among 1,000"):
        split_history(history_from_records(_with_sqls(1000, list(range(1000)))), "random")
    # The note survives a subset, so a window of the history still names the label's values.
    assert none.subset(np.arange(10)).label_note == none.label_note


def test_random_split_is_stratified_seeded_and_said_so():

    history = history_from_records(records(1000))
    split = random_split(history, seed=3)
    parts = np.vstack([split.train, split.valid, split.test]).astype(int)
    assert (parts.sum(axis=0) == 1).all()
    rate = history.sql.mean()
    for part in (split.train, split.valid, split.test):
        assert abs(history.sql[part].mean() - rate) < 0.01  # stratified: every part converts alike
    assert abs(split.test.sum() - 150) <= 2 and split.kind == "random" and "seed 3" in split.note
    assert (random_split(history, seed=3).test == split.test).all()
    assert not (random_split(history, seed=4).test == split.test).all()
    unordered = type(history)(**{**vars(history), "ordered": False})
    assert split_history(unordered).kind == "random"
    assert split_history(unordered, "time").note.startswith("by row order")
    assert split_history(history).kind == "time"


def test_a_random_split_says_why_its_test_part_is_not_the_newest():

    dated = history_from_records(records(1000))
    asked = split_history(dated, "random").note
    assert "as asked, although the leads carry an order in time" in asked and "no order in time" not in asked
    undated = type(dated)(**{**vars(dated), "ordered": False})
    for kind in ("auto", "random"):
        note = split_history(undated, kind).note
        assert "the rows carry no order in time (no dates, no sequence)" in note and "as asked" not in note


def test_too_few_leads_also_says_when_the_sqls_are_short_and_how_many_leads_that_takes():

    # Walk tiny F9: 148 leads with 11 SQLs were told "about 334 leads", which would have been refused again.
    history = history_from_records(_with_sqls(148, [3, 9, 15, 20, 40, 60, 80, 100, 120, 130, 140]))
    assert _refusal(history) == (
        "too few leads: the time split leaves 103/22/23 leads in train/valid/test; each part needs at least 50, "
        "so about 334 leads with an outcome in all, and this history has 148, 11 SQLs among them: a split also "
        "needs about 67 SQLs, which at this history's SQL rate of 7.4% takes about 902 leads: bring more history"
    )
    many = history_from_records(_with_sqls(148, list(range(0, 148, 2))))
    assert _refusal(many).endswith("and this history has 148: bring more history")
