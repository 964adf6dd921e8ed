"""Whether the newest leads' outcomes look not known yet: leads still being worked, counted as not SQL."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import numpy as np

from leadgate.features.mapping_label import fold

if TYPE_CHECKING:  # splits reads open_advice from here
    from leadgate.training.history import History
    from leadgate.training.splits import Split

NEWEST_SHARE = 0.25  # of the test part: the leads a sales cycle may not have reached yet
MIN_EXPECTED_SQLS = 10  # fewer SQLs expected among them say nothing either way
# How far below the older leads' rate, and how unlikely by chance, before training says so.
MAX_RATE_RATIO = 0.5
MAX_P_VALUE = 0.001


def closed_label(label, values: Counter) -> str:
    """Words for a label column whose values cannot say a lead is still open ('' when they can): no open value
    listed, blanks not open, and two values at most, each an outcome (Salesforce's Converted: 0 or 1)."""
    if label.open or label.blank == "open":
        return ""
    given = {fold(text): text for text in values if text is not None}
    if not given or len(given) > 2 or any(label.kind(text) == "open" for text in given.values()):
        return ""
    held = " and ".join(repr(text) for _, text in sorted(given.items()))
    return f"{label.sql.column} holds only {held}, each an outcome, so no value of it can mark a lead open"


def immature_outcomes_note(sql: np.ndarray, split: Split, closed: str = "") -> str | None:
    """A warning when the test part's newest leads (a time split's) convert far below the leads before them.

    `closed` (closed_label's words) says the label column cannot mark a lead open: the advice is then a status
    column as the label."""
    from scipy.stats import binom

    if split.kind != "time":
        return None
    test = np.flatnonzero(split.test)
    newest = test[int(len(test) * (1 - NEWEST_SHARE)) :]
    before = np.concatenate([np.flatnonzero(split.valid), test[: len(test) - len(newest)]])
    if not len(newest) or not len(before):
        return None
    rate_before = float(sql[before].mean())
    sqls = int(sql[newest].sum())
    expected = len(newest) * rate_before
    if expected < MIN_EXPECTED_SQLS or sqls > expected * MAX_RATE_RATIO:
        return None
    if binom.cdf(sqls, len(newest), rate_before) > MAX_P_VALUE:
        return None
    return (
        f"the newest {len(newest):,} test leads (the newest quarter of the test part) became SQLs at {sqls / len(newest):.1%} against "
        f"{rate_before:.1%} for the {len(before):,} leads before them: their outcomes may not be known yet "
        "(leads still being worked count as not SQL), which lowers the test figures and the recall on the "
        f"later period. {open_advice(closed)}, or export again once they are decided"
    )


def open_advice(closed: str = "") -> str:
    """How to mark leads still being worked: label.open, or (`closed`: closed_label's words) a status column."""
    if closed:
        return (
            f"{closed}: use a status column (such as Lead Status) as the label instead, listing the values of "
            "leads still being worked under label.open (open: [Open, Working])"
        )
    return "Mark such leads open (the mapping's label.open)"


def maturity_note(sql: np.ndarray, split: Split, history: History) -> str | None:
    """Training's warning on outcomes not known yet: the test part's newest quarter converting far below the
    leads before it, or else the newest leads, all after the last SQL, holding none more than chance allows.

    The second needs no minimum of expected SQLs, so it speaks on small exports too (walk AD: the newest 132
    of 1,793 leads without an SQL at a 7.6% rate, chance 3e-5, where the quarter expected only 4.7 SQLs)."""
    from leadgate.training.splits import unknown_newest

    note = immature_outcomes_note(sql, split, history.label_closed)
    if note is not None or split.kind != "time":
        return note
    found = unknown_newest(history)
    if found is None:
        return None
    return f"{found[1]}. Until then the test figures and the recall on the later period count them as not SQL"


NEWEST_PART = 0.15  # of the history by creation time: a time split's test part
# Of a value's leads among the newest part: held mostly by the newest leads. Not "nearly all": a CRM keeps some
# stale open leads (walk AC: 64% of 694 'Working - Contacted' leads in the newest 15%, said nothing at 90%).
MOSTLY = 0.5
# Fewer leads than this with the value change the figures little, and a status new to the CRM can start that small.
MIN_HELD = 20


def newest_only_values(history) -> list[str]:
    """A warning per outcome value counted as not SQL that mostly the newest leads hold: the value of
    leads still being worked ('Open', 'Working') that the label does not list under open.

    The rule: at least MIN_HELD leads hold it, MOSTLY (half) of them are among the newest NEWEST_PART of the
    history, and chance would put that many there this rarely (binomial, MAX_P_VALUE) were the value spread over
    time as outcomes are. `history`: a training.history.History read through a mapping (its outcome cells)."""
    from scipy.stats import binom

    from leadgate.training.regime import since_text

    label, texts = history.outcome_label, history.outcome_texts
    if label is None or texts is None or not history.ordered or not len(history.leads):
        return []
    created = history.created
    start = float(np.quantile(created, 1 - NEWEST_PART))
    newest = created >= start
    share = float(newest.mean())
    held: dict[str | None, list[int]] = {}
    spelling: dict[str | None, str | None] = {}
    for i, text in enumerate(texts):
        if history.sql[i] or label.kind(text) != "not_sql":  # a won deal counts as an SQL whatever it says
            continue
        key = None if text is None else fold(text)
        held.setdefault(key, []).append(i)
        spelling.setdefault(key, text)
    since = since_text(float(created[newest].min()), created, slack=0, zone=history.zone)
    notes = []
    for key, rows in sorted(held.items(), key=lambda item: -len(item[1])):
        n, k = len(rows), int(newest[rows].sum())
        if n < MIN_HELD or k < MOSTLY * n or binom.sf(k - 1, n, share) > MAX_P_VALUE:
            continue
        text = spelling[key]
        name = "blank outcome cells" if text is None else f"{label.sql.column} {text!r}"
        fix = "set label.blank: open" if text is None else "list it under label.open"
        notes.append(
            f"{name}, counted as not SQL: {k:,} of its {n:,} leads were created in the newest {share:.0%} of the "
            f"history (since {since}), where a value spread over time would have about {n * share:,.0f}. No "
            f"outcome yet? {fix}, so those leads are left out rather than counted as not SQL (which lowers the "
            "test figures), or export again once they are decided"
        )
    return notes
