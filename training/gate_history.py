"""Rejecting gates whose leads became SQLs in the export's own history about as often as the leads let through."""

from __future__ import annotations

from collections import Counter

import numpy as np

from leadgate.decision.count_words import plural
from leadgate.decision.gates import GateResults
from leadgate.training.gate_words import names
from leadgate.training.intervals import rate_ratio

# A gate keeps its leads from sales whatever else they show, and out of the model's training. Leads that
# became SQLs at least half as often as those the gates let through (the whole 95% interval of the ratio above
# this) are buyers a model should weigh, not a rule keep out: a gate there hides them. Below it, or where the
# interval reaches below it (few leads), nothing is said: the history does not speak against the gate.
HIDES_BUYERS_RATIO = 0.5
TRAINING = ", and out of the model's training"
SHOWN_VALUES = 3


def buyers_gates_hide(gates: GateResults, sql: np.ndarray) -> list[dict]:
    """Per rejecting gate whose held leads (fired, not lifted) convert at least HIDES_BUYERS_RATIO as often as
    the leads no rejecting gate holds, over every lead of the history (all parts: their outcomes are known),
    the largest ratio first."""
    sql = np.asarray(sql, dtype=bool)
    rest = ~gates.rejecting()
    rest_n, rest_k = int(rest.sum()), int(sql[rest].sum())
    found = []
    for j, spec in enumerate(gates.specs):
        if not spec.route.rejecting:
            continue
        held = gates.fired[:, j] & ~gates.lifted[:, j]
        n, k = int(held.sum()), int(sql[held].sum())
        ratio = rate_ratio(k, n, rest_k, rest_n)
        if n and rest_n and ratio.low >= HIDES_BUYERS_RATIO:
            found.append(
                {
                    "gate": spec.code,
                    "route": spec.route.value,
                    "leads": n,
                    "sqls": k,
                    "rest_leads": rest_n,
                    "rest_sqls": rest_k,
                    "ratio": ratio.value,
                    "ratio_low": ratio.low,
                    "ratio_high": ratio.high,
                    # What the gate judged on its leads ('India'), the most common first: what a rule edit names.
                    "values": Counter(str(v) for v in gates.values[held, j] if v is not None).most_common(),
                }
            )
    return sorted(found, key=lambda g: -g["ratio"])


def gate_history_note(gates: GateResults, sql: np.ndarray, trained_on: bool = False) -> str | None:
    """The rejecting gates that hide buyers in this history, in words with what to do; None when none does.

    `trained_on`: the policy trains on gated leads too (training_gated_leads: include)."""
    found = buyers_gates_hide(gates, sql)
    if not found:
        return None
    each = "; ".join(
        f"{g['gate']} rejects {g['leads']:,} leads{_values(g['values'])} and {g['sqls']:,} of them became SQLs "
        f"({g['sqls'] / g['leads']:.1%}, {g['ratio']:.2f}× as often, 95% interval {g['ratio_low']:.2f} to "
        f"{g['ratio_high']:.2f})"
        for g in found
    )
    first = found[0]
    one = len(found) == 1
    return (
        f"in this export's own history, the leads {'a gate rejects' if one else 'gates reject'} became "
        f"SQLs at least half as often as the {first['rest_leads']:,} leads no gate rejects "
        f"({first['rest_sqls'] / first['rest_leads']:.1%}): {each}. A gate keeps its leads from sales whatever "
        f"else they show{'' if trained_on else TRAINING}; if your sales team works such leads, turn "
        f"{names((g['gate'] for g in found), 'or')} off in your policy (enabled: false) or narrow "
        f"{'its' if one else 'their'} rule, and `leadgate backtest --proposed-policy` shows what that changes; "
        "if it is a rule of your business, keep it"
    )


def _values(values: list[tuple[str, int]]) -> str:
    """' (India 6,492, Brazil 12 and 3 more values)': what the gate judged, or '' when it records no value."""
    if not values:
        return ""
    shown = ", ".join(f"{value} {count:,}" for value, count in values[:SHOWN_VALUES])
    more = f" and {plural(len(values) - SHOWN_VALUES, 'more value')}" if len(values) > SHOWN_VALUES else ""
    return f" ({shown}{more})"
