"""A history split into the parts training fits, validates and tests on: by creation time, or stratified random."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from leadgate.training.data import HistoryError
from leadgate.training.history import History
from leadgate.training.outcome_maturity import open_advice

SplitKind = Literal["auto", "time", "random"]
MIN_LEADS_PER_PART = 50  # in each of train, valid and test
# SQLs, and leads that are not, in each part: with fewer, early stopping, calibration, the thresholds' recall
# floor and the test ROC-AUC (and its interval) rest on a handful of leads, and a model no better than chance
# would still be registered.
MIN_OUTCOMES_PER_PART = 10
# The newest leads, all created after the last SQL, are taken for leads whose outcomes are not known yet when
# chance would leave that many without an SQL this rarely at the older leads' rate (as a slump is judged in
# outcome_maturity).
MAX_P_NO_SQL = 0.001


@dataclass(frozen=True)
class Split:
    """Boolean masks: fit on one part, validate (size, calibration, thresholds) on another, test on the last."""

    train: np.ndarray
    valid: np.ndarray
    test: np.ndarray
    kind: str = "time"  # time: oldest, newer, newest; random: stratified by outcome
    note: str = "by creation time: fit on the oldest leads, validate on newer, test on the newest"

    def describe(self) -> dict:
        """Row counts per part."""
        return {"train": int(self.train.sum()), "valid": int(self.valid.sum()), "test": int(self.test.sum())}


TimeSplit = Split


def _check_fractions(valid_fraction: float, test_fraction: float) -> None:
    if not (0 < valid_fraction < 1 and 0 < test_fraction < 1 and valid_fraction + test_fraction < 0.9):
        raise ValueError("valid and test fractions must be in (0, 1) and leave at least 10% for training")


def _check_sizes(split: Split, history: History, smallest: float) -> Split:
    """Refuse a split too small to fit, calibrate and test on; `smallest` is the smallest part's share."""
    n, sqls = len(history.leads), int(history.sql.sum())
    seen = f"; {history.label_note}" if history.label_note else ""
    if sqls in (0, n):
        marked = "no lead" if sqls == 0 else "every lead"
        raise HistoryError(
            f"the label marks {marked} as SQL ({sqls:,} SQLs among {n:,} leads){seen}: list the values that mean "
            "SQL in the mapping's label sql_positive (matched in any case), and check its column"
        )
    sizes = split.describe()
    if min(sizes.values()) < MIN_LEADS_PER_PART:
        need = math.ceil(MIN_LEADS_PER_PART / smallest)
        raise HistoryError(
            f"too few leads: the {split.kind} split leaves {_per_part(sizes)} leads in train/valid/test; each "
            f"part needs at least {MIN_LEADS_PER_PART}, so about {need:,} leads with an outcome in all, and this "
            f"history has {n:,}{_outcomes_short(n, sqls, need, math.ceil(MIN_OUTCOMES_PER_PART / smallest))}: "
            "bring more history"
        )
    masks = {"train": split.train, "valid": split.valid, "test": split.test}
    positive = {part: int(history.sql[mask].sum()) for part, mask in masks.items()}
    negative = {part: int(mask.sum()) - positive[part] for part, mask in masks.items()}
    if min(*positive.values(), *negative.values()) < MIN_OUTCOMES_PER_PART:
        need = math.ceil(MIN_OUTCOMES_PER_PART / smallest)
        few_sqls = min(positive.values()) <= min(negative.values())
        fewer = "SQLs" if few_sqls else "leads that are not SQL"
        # A label read too narrowly loses SQLs; read too widely (or from the wrong column), the others.
        label = (
            "check that sql_positive lists every value that means SQL"
            if few_sqls
            else "check that sql_positive lists no value that does not mean SQL and that the label's column is "
            "the outcome"
        )
        # SQLs that stop at some date say the newest outcomes are not known yet: no split mends that, and a
        # random one would teach the model that the newest leads do not convert.
        vanished = unknown_newest(history) if few_sqls else None
        remedy = "bring more history"
        if split.kind == "time" and vanished is None and min(sqls, n - sqls) >= need:
            remedy += ", or use --split random (stratified: every part gets its share of SQLs)"
        raise HistoryError(
            f"too few {fewer} to train, calibrate and test: the {split.kind} split leaves {_per_part(positive)} "
            f"SQLs and {_per_part(negative)} leads that are not in train/valid/test; each part needs at least "
            f"{MIN_OUTCOMES_PER_PART} of each, so about {need:,} in all, and this history has {sqls:,} SQLs among "
            f"{n:,} leads{seen}: {vanished[1] if vanished else f'{label}, or {remedy}'}"
        )
    return split


def _outcomes_short(n: int, sqls: int, need: int, each: int) -> str:
    """', 11 SQLs among them: a split also needs about 67 SQLs, which at this history's SQL rate of 7.4% takes
    about 902 leads' when the history is short of SQLs (or of leads that are not) as well as of leads (walk tiny
    F9: told 334 leads, it would still have been refused); '' when it is not."""
    counts = {"SQLs": sqls, "leads that are not SQL": n - sqls}
    short = {name: count for name, count in counts.items() if count < each}
    if not short:
        return ""
    # At this history's own rate, the leads it takes to hold `each` of both outcomes.
    leads = max(need, *(math.ceil(each * n / max(count, 1)) for count in counts.values()))
    had = " and ".join(f"{count:,} {name}" for name, count in short.items())
    needed = next(iter(short)) if len(short) == 1 else "of each"
    return (
        f", {had} among them: a split also needs about {each:,} {needed}, which at this history's SQL rate of "
        f"{sqls / n:.1%} takes about {leads:,} leads"
    )


def unknown_newest(history: History) -> tuple[float, str] | None:
    """The newest leads, all created after the last SQL, when chance cannot explain that none is one (their
    outcomes are likely not known yet): their share of the history and words for them. None without dates, or
    when chance can."""
    created, sql = history.created, history.sql
    if not history.ordered or not sql.any():
        return None
    last = float(created[sql].max())
    newest = created > last
    before = int((~newest).sum())
    if not newest.any() or (1 - sql[~newest].mean()) ** int(newest.sum()) > MAX_P_NO_SQL:
        return None
    from leadgate.training.regime import since_text

    first = float(created[newest].min())
    return float(newest.mean()), (
        f"no SQL among the {int(newest.sum()):,} leads created since {since_text(first, created, slack=0, zone=history.zone)}"
        f" ({int(sql.sum()):,} SQLs among the {before:,} before): are their outcomes not known yet? "
        f"{open_advice(history.label_closed)}, export again once they are decided, or train with --until "
        f"{_until_before(last, first, history.zone)}; if the newest leads name SQLs by a value sql_positive does "
        "not list, add it"
    )


def _until_before(last: float, first: float, zone: str) -> str:
    """The --until that keeps the lead at `last` and none from `first` on: its date (the whole day), when no
    later lead falls on that day, else `first` itself (a time as --until is excluded)."""
    from datetime import timedelta

    from leadgate.training.history import local
    from leadgate.training.regime import moment_text

    day = local(last, zone).replace(hour=0, minute=0, second=0, microsecond=0)
    if first >= (day + timedelta(days=1)).timestamp():
        return day.strftime("%Y-%m-%d")
    return moment_text(local(first, zone), zone)


def _per_part(counts: dict[str, int]) -> str:
    return "/".join(f"{count:,}" for count in counts.values())


def time_split(history: History, valid_fraction: float = 0.15, test_fraction: float = 0.15) -> Split:
    """Split by creation time so no part ever learns from its own future."""
    _check_fractions(valid_fraction, test_fraction)
    created = history.created
    valid_start, test_start = np.quantile(created, [1 - valid_fraction - test_fraction, 1 - test_fraction])
    note = "by creation time: fit on the oldest leads, validate on newer, test on the newest"
    if not history.ordered:
        note = "by row order (the export has no dates): fit on the first rows, validate on later, test on the last"
    split = Split(
        train=created < valid_start,
        valid=(created >= valid_start) & (created < test_start),
        test=created >= test_start,
        kind="time",
        note=note,
    )
    return _check_sizes(
        split, history, min(valid_fraction, test_fraction, 1 - valid_fraction - test_fraction)
    )


def random_split(
    history: History, seed: int = 0, valid_fraction: float = 0.15, test_fraction: float = 0.15
) -> Split:
    """A seeded random split, stratified by outcome: for exports whose rows carry no order in time."""
    _check_fractions(valid_fraction, test_fraction)
    rng = np.random.default_rng(seed)
    n = len(history.leads)
    part = np.zeros(n, dtype=np.int8)  # 0 train, 1 valid, 2 test
    for outcome in (False, True):
        rows = rng.permutation(np.flatnonzero(history.sql == outcome))
        n_test, n_valid = round(len(rows) * test_fraction), round(len(rows) * valid_fraction)
        part[rows[:n_test]] = 2
        part[rows[n_test : n_test + n_valid]] = 1
    # Auto picks it only for leads without an order in time: with one, it was asked for (--split random).
    why = (
        "as asked, although the leads carry an order in time: the test part is not later than training, so a "
        "shift over time would go unseen (--split time tests on the newest leads)"
        if history.ordered
        else "the rows carry no order in time (no dates, no sequence), so the test part is not later than "
        "training and a shift over time would go unseen"
    )
    note = f"random, stratified by outcome (seed {seed}): {why}"
    _refuse_unknown_newest(history, test_fraction)
    smallest = min(valid_fraction, test_fraction, 1 - valid_fraction - test_fraction)
    return _check_sizes(Split(part == 0, part == 1, part == 2, kind="random", note=note), history, smallest)


def _refuse_unknown_newest(history: History, test_fraction: float) -> None:
    """Walk tiny F3: the time split's refusal advised --split random on a history whose newest half held no
    SQL, and that trained a champion on leads whose outcomes were not known yet, counted as not SQL. As many
    newest leads without an SQL as a test part holds are refused here as the time split refuses them."""
    vanished = unknown_newest(history)
    if vanished is None or vanished[0] < test_fraction:
        return
    raise HistoryError(
        "a random split would teach the model that the newest leads do not convert, and mix them into every "
        f"part where no check can see it: {vanished[1]}"
    )


def split_history(history: History, kind: SplitKind = "auto", seed: int = 0) -> Split:
    """The split a run uses: by time when the leads have real creation times (auto), else stratified random."""
    if kind == "random" or (kind == "auto" and not history.ordered):
        return random_split(history, seed)
    return time_split(history)


def trained_period(history: History, split: Split) -> dict:
    """What a model keeps of the leads it was fitted and calibrated on (train and valid parts): the split,
    whether creation times are real, how many leads and their first and last creation (a back-test reads it)."""
    rows = np.flatnonzero(split.train | split.valid)
    created = [history.leads[i].created_at for i in rows]
    dated = history.ordered and bool(created)
    return {
        "split": split.kind,
        "dated": dated,
        "leads": len(rows),
        # Without dates creation times stand for row order only (features/export_records.py): none to keep.
        "first": min(created).isoformat() if dated else None,
        "last": max(created).isoformat() if dated else None,
    }
