"""Regime shifts: refusing a model that ranks the newest leads backwards, and the way out (the newer period only)."""

from __future__ import annotations

import math
from datetime import datetime

import numpy as np

from leadgate.training.fit import NOT_RANDOM, TrainingError
from leadgate.training.history import History, local
from leadgate.training.splits import MIN_LEADS_PER_PART, MIN_OUTCOMES_PER_PART, Split

# The smallest part's share of a split (valid and test, 15% each): what a window must fill for each part.
SMALLEST_PART = 0.15
# A date as --since keeps the whole day; taken when that adds at most this share of leads from before the
# shift, else the exact time is named.
DAY_SLACK = 0.05


def since_text(first: float, created: np.ndarray, slack: float = DAY_SLACK, zone: str = "UTC") -> str:
    """`first` (epoch seconds) as --since reads it for an export written in `zone` (History.zone): its date
    there, or its time when the day holds older leads (more than `slack` of the leads it keeps)."""
    moment = local(first, zone)
    midnight = moment.replace(hour=0, minute=0, second=0, microsecond=0).timestamp()
    kept = int((created >= first).sum())
    if int(((created >= midnight) & (created < first)).sum()) <= slack * kept:
        return moment.strftime("%Y-%m-%d")
    return moment_text(moment, zone)


def moment_text(moment: datetime, zone: str = "UTC") -> str:
    """A moment as --since and --until read it for an export written in `zone`, to the minute (or second)."""
    # Whole seconds: --since keeps leads at or after it, so the first lead of the period stays in.
    moment = local(moment, zone)
    spec = "seconds" if moment.second else "minutes"
    # A wall time the clock shows twice (DST fall-back) reads back as its first pass, an hour early for the
    # second: there the offset is written, which --since and --until honour.
    if moment.replace(fold=1 - moment.fold).utcoffset() != moment.utcoffset():
        return moment.replace(microsecond=0).isoformat(timespec=spec)
    return moment.replace(tzinfo=None, microsecond=0).isoformat(timespec=spec)


def newer_only(history: History, period: np.ndarray) -> str:
    """'train on the newer period only: ' and how (`newer_how`), or those words alone when there is no how."""
    how = newer_how(history, period)
    return f"train on the newer period only: {how}" if how else "train on the newer period only"


def newer_how(history: History, period: np.ndarray) -> str | None:
    """How to train on the leads from the start of `period` (a mask) on: --since a date, or the export cut."""
    created = history.created
    first = float(created[period].min())
    kept = created >= first
    leads, sqls = int(kept.sum()), int(history.sql[kept].sum())
    counted = f"{leads:,} leads ({sqls:,} SQLs)"
    if history.ordered:
        how = f"--since {since_text(first, created, zone=history.zone)} keeps the {counted} created from then on"
    elif history.numbers:
        row = min(history.numbers[i] for i in np.flatnonzero(period))
        how = (
            f"the export has no dates, so --since cannot choose them; keep its header and its rows from row "
            f"{row:,} on (the header is row 1: the {counted} of that period and after) in a file of their own, "
            "and train on that"
        )
    else:
        return None
    need = math.ceil(max(MIN_LEADS_PER_PART / SMALLEST_PART, MIN_OUTCOMES_PER_PART / SMALLEST_PART))
    enough = leads >= need and min(sqls, leads - sqls) >= math.ceil(MIN_OUTCOMES_PER_PART / SMALLEST_PART)
    short = (
        ""
        if enough
        else f" (too few to train on yet: a split needs about {need:,} leads with "
        f"{math.ceil(MIN_OUTCOMES_PER_PART / SMALLEST_PART):,} SQLs and as many that are not; collect more "
        "leads from then on)"
    )
    return how + short


def refuse_backwards_test(metrics: dict[str, float], split: Split, history: History | None = None) -> None:
    """A model that clearly ranks the test part backwards is no model to register, however validation went.

    With the `history`, a split by time names how to train on its newest period only (`newer_only`).
    """
    auc, se = (
        metrics.get("test.model_ungated.roc_auc", np.nan),
        metrics.get("test.model_ungated.roc_auc_se", 0),
    )
    if not (auc == auc and auc + 2 * se < 0.5):
        return
    by_time = split.kind == "time"
    also = _plain_words(metrics, by_time)
    measured = f"ROC-AUC {auc:.3f} ± {se:.3f}, against {metrics['valid.model.roc_auc']:.3f} on validation"
    if by_time:
        raise TrainingError(
            f"on the newest leads the model ranks leads backwards ({measured}): what predicted conversion before "
            f"no longer does (a regime shift){also}. Nothing was registered. "
            f"{_sentence(newer_only(history, split.test) if history else 'train on the newer period only')}; "
            f"{NOT_RANDOM}"
        )
    raise TrainingError(
        f"on the test part the model ranks leads backwards ({measured}), although that part was drawn at random "
        f"from the same leads as training{also}. Nothing was registered. Check how the outcome is mapped "
        "(sql_positive), map more of the export's columns, or bring more history"
    )


def _plain_words(metrics: dict[str, float], by_time: bool) -> str:
    """What the logistic regression on the same test leads says: the relation reversed, or too little signal."""
    plain = metrics.get("test.logistic.roc_auc", np.nan)
    if plain != plain:
        return ""
    se = metrics.get("test.logistic.roc_auc_se", 0.0)
    measured = f"{plain:.3f} ± {se:.3f}"
    if plain + 2 * se < 0.5:  # clearly backwards too: strong signal, pointing the other way
        if not by_time:
            return f"; the logistic regression on every export column ranks them backwards too ({measured})"
        return (
            f"; the logistic regression on every export column ranks them backwards too ({measured}), so the "
            "newest leads carry signal, reversed: how the columns relate to conversion itself changed, and more "
            "of the older history would not help"
        )
    if plain - 2 * se <= 0.5 or abs(plain - 0.5) < 0.05:  # near chance: nothing to learn there
        return (
            f"; the logistic regression on every export column reaches only {measured} there, no better than "
            "chance, so these leads may simply carry too little signal: bring more history"
        )
    return ""


def _sentence(words: str) -> str:
    return words[:1].upper() + words[1:]
