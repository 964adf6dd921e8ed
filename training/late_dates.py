"""What training notices about a custom date against the moment each lead was decided: most of them after it,
or those after it converting as chance cannot make them — a date set after contact, not one known at arrival."""

from __future__ import annotations

import numpy as np

from leadgate.features.custom import CustomField
from leadgate.training.intervals import rate_ratio

FUTURE_SHARE = 0.5  # of a datetime's filled training cells after the decision moment
# Fewer training leads than this with a date (or, for the rates, with a date after the decision) prove nothing.
MIN_DATED = 30


def future_notes(field: CustomField, days_before: np.ndarray, advice: dict) -> list[tuple[str, str]]:
    """Most training leads that have the date have it after the moment they were decided: (text, what showed it)."""
    filled = days_before[~np.isnan(days_before)]
    if len(filled) < MIN_DATED:
        return []
    future = float((filled < 0).mean())
    if future < FUTURE_SHARE:
        return []
    said = f"after the moment the lead was decided in {future:.0%} of the training leads that have it"
    return [
        (
            f"custom field {field.name}: {said}: a date set after the lead arrived (a trial started, a meeting "
            f"held) tells what happened next; if so, {advice['late']}",
            said,
        )
    ]


def after_decision_notes(
    field: CustomField, days_before: np.ndarray, y: np.ndarray, advice: dict, column: str | None = None
) -> list[str]:
    """The training leads whose date lies after their decision moment convert unlike the other dated ones.

    The rule: at least MIN_DATED such leads, and the 95% interval of their SQL rate over the other dated
    leads' (intervals.rate_ratio, as the gate table and the evidence tables test rates) wholly above 1 or
    wholly below it. A date sales set later (a demo booked, a first call) goes mostly to leads that went on to
    convert, or never to them, whatever share of the dated leads it is. A date known at arrival that lies ahead
    (a contract's end, a scheduled event) may convert differently too: the note asks, it does not flag the
    model. `column`: the field's export column, named when the field is read through a mapping.
    """
    dated = ~np.isnan(days_before)
    after = dated & (days_before < 0)
    rest = dated & ~after
    y = np.asarray(y, dtype=bool)
    k_after, n_after = int(y[after].sum()), int(after.sum())
    k_rest, n_rest = int(y[rest].sum()), int(rest.sum())
    if n_after < MIN_DATED or rate_ratio(k_after, n_after, k_rest, n_rest).includes_one():
        return []
    which = column or "it"
    return [
        f"custom field {field.name}: {n_after:,} of {int(dated.sum()):,} training leads have {which} after they "
        f"were decided, and {k_after:,} of those {n_after:,} are SQLs against {k_rest / n_rest:.1%} of the other "
        f"{n_rest:,}: a date filled in after contact? if so, {advice['late']}"
    ]
