"""The promotion criteria in words: each check names its rule and the numbers that pass or fail it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from leadgate.decision.policy_routing import Promotion

if TYPE_CHECKING:
    from leadgate.training.promote import Comparison

# Up to this many lead ids are named in a verdict; the report lists them all.
NAMED_IDS = 5
# Without max_extra_sqls_hidden in the policy: the extra SQLs a challenger may hide, as a share of the period's.
UNSET_SQL_SHARE = 0.01


def _number(value: float, digits: int = 3) -> str:
    """A figure as the verdicts print it: a true minus sign, no plus."""
    text = f"{value:.{digits}f}"
    # A value that rounds to zero prints as 0, whatever its sign.
    return text.lstrip("-") if float(text) == 0 else text.replace("-", "−")


def _level(confidence: float) -> str:
    return f"{confidence * 100:g}%"


def _ids(ids: list[str]) -> str:
    """Lead ids in brackets when they are few enough to read in one line, else nothing."""
    return f" ({', '.join(ids)})" if 0 < len(ids) <= NAMED_IDS else ""


def _sqls(count: int) -> str:
    return f"{count} SQL{'' if count == 1 else 's'}"


def won_check(result: Comparison, unknown_hidden: np.ndarray, labelled: bool, criteria: Promotion) -> dict:
    """Won deals the challenger would hide beyond the champion's, among outcomes that say whether one was won."""
    criterion = "no more won deals hidden"
    if not labelled:
        # As the workload check: only the evidence is missing, not a fault of the challenger.
        return {
            "criterion": criterion,
            "passed": True,
            "detail": "not measured: no outcome of the shadow period says whether a deal was won",
        }
    extra_won = len(result.won_hidden_by_challenger_only) - len(result.won_hidden_by_champion_only)
    unknown = int(unknown_hidden.sum())
    return {
        "criterion": criterion,
        "passed": extra_won <= criteria.max_extra_won_hidden,
        "detail": f"challenger hides {len(result.won_hidden_by_challenger_only)} won deals the champion "
        f"sent on{_ids(result.won_hidden_by_challenger_only)}, the champion "
        f"{len(result.won_hidden_by_champion_only)} the challenger would send "
        f"(allowed extra: {criteria.max_extra_won_hidden})"
        + (f"; {unknown} more SQLs the challenger hides have no won label" if unknown else ""),
    }


def allowed_extra_sqls(result: Comparison, criteria: Promotion) -> tuple[int, str]:
    """The extra SQLs a challenger may hide, and how the number was set: the policy's, else a share."""
    if criteria.max_extra_sqls_hidden is not None:
        return criteria.max_extra_sqls_hidden, ""
    # Two equally good models keep different SQLs from sales by chance; refusing every retrain that hides one
    # more of hundreds would make promotion a coin toss. The share is stated, and the policy can set a count.
    allowed = int(UNSET_SQL_SHARE * result.sqls)
    return (
        allowed,
        f" = {UNSET_SQL_SHARE:.0%} of the period's {result.sqls} SQLs; set max_extra_sqls_hidden to change",
    )


def sqls_check(result: Comparison, criteria: Promotion) -> dict:
    """SQLs the challenger would keep from sales beyond those the champion kept: a count, as for won deals."""
    allowed, how = allowed_extra_sqls(result, criteria)
    mine, theirs = result.sqls_hidden_by_challenger_only, result.sqls_hidden_by_champion_only
    return {
        "criterion": "no more SQLs hidden",
        "passed": len(mine) - len(theirs) <= allowed,
        "detail": f"challenger keeps {_sqls(len(mine))} from sales that the champion sent on{_ids(mine)}, "
        f"the champion {len(theirs)} the challenger would send (allowed extra: {allowed}{how})",
    }


def discrimination_check(difference: tuple[float, float, float], criteria: Promotion) -> dict:
    """Non-inferiority: the whole interval, not just the point, must stay above minus the margin."""
    point, low, high = difference
    # Enough decimals that a bound just past the margin never prints as equal to it.
    digits = 3 if np.isnan(low) or round(low, 3) != round(-criteria.auc_margin, 3) else 4
    return {
        "criterion": "ROC-AUC not worse beyond the margin",
        "passed": bool(low >= -criteria.auc_margin),
        "detail": f"ROC-AUC difference {_number(point, digits)} "
        f"[{_number(low, digits)}, {_number(high, digits)}]: lower bound must be "
        f"≥ {_number(-criteria.auc_margin, digits)} at {_level(criteria.confidence)}",
    }


def workload_check(result: Comparison, criteria: Promotion) -> dict:
    """Non-inferiority of the sales workload at an SQL recall both reach, when the shadow data measures it."""
    criterion = "no more leads to sales at equal recall"
    sent = result.leads_to_sales_at_equal_recall
    point, low, high = result.sales_leads_ratio
    if not sent.get("champion") or np.isnan(high):
        # Only the evidence is missing, not a fault of the challenger: the AUC check still stands.
        why = (
            "the champion sent no SQL to sales in the shadow period"
            if result.champion_sql_recall == 0 or np.isnan(result.champion_sql_recall)
            else "the challenger keeps every SQL from sales (see no more SQLs hidden)"
        )
        return {"criterion": criterion, "passed": True, "detail": f"not measured: {why}"}
    limit = 1 + criteria.sales_leads_margin
    return {
        "criterion": criterion,
        "passed": bool(high <= limit),
        "detail": f"leads to sales at {result.recall_compared_at:.1%} SQL recall{_reach(result)}: "
        f"challenger {sent['challenger']}, champion {sent['champion']}, ratio {_number(point)} "
        f"[{_number(low)}, {_number(high)}]: upper bound must be ≤ {_number(limit)} at "
        f"{_level(criteria.confidence)}",
    }


def _reach(result: Comparison) -> str:
    """Why the recall compared at is not the champion's, where it is not: SQLs the challenger keeps from sales."""
    champion = result.champion_sql_recall
    hidden = f"it keeps from sales {_sqls(len(result.sqls_hidden_by_challenger_only))} the champion sent on"
    if result.recall_compared_at < champion:
        return f" (the challenger's highest; the champion's {champion:.1%} is out of its reach: {hidden})"
    share = result.recall_out_of_reach_share
    if share > 0:
        return (
            f" (the champion's; out of the challenger's reach in {share:.1%} of resamples, as {hidden}: "
            "those compare at the challenger's highest)"
        )
    return " (the champion's)"
