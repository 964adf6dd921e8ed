"""What the test part cannot show on its own: a ROC-AUC chance could give, a random split's newest leads."""

from __future__ import annotations

import numpy as np

from leadgate.training.data import History
from leadgate.training.evaluate import score_metrics
from leadgate.training.intervals import z_value
from leadgate.training.regime import newer_how
from leadgate.training.splits import Split

# The newest leads a random split's model is also measured on: the share a split by time holds out for
# validation and test, the leads most like tomorrow's.
NEWEST_SHARE = 0.3
# SQLs, and leads that are not, among those test leads: with fewer, the ROC-AUC's interval says little.
MIN_NEWEST_EACH = 30


def _interval(auc: float, se: float) -> tuple[float, float]:
    half = z_value() * se
    return auc - half, auc + half


def newest_metrics(history: History, split: Split, p_sql: np.ndarray, routed: np.ndarray) -> dict[str, float]:
    """A random split's model on its test leads among the history's newest NEWEST_SHARE, by creation time.

    `p_sql` and `routed` (no gate rejects the lead) are the test part's, in its order. Empty when the leads
    carry no order in time, the split is by time (its test part is the newest already), or too few are there.
    """
    if split.kind != "random" or not history.ordered:
        return {}
    created = history.created
    cut = np.quantile(created, 1 - NEWEST_SHARE)
    newest = (created[split.test] >= cut) & routed
    y = history.sql[split.test][newest]
    sqls = int(y.sum())
    if min(sqls, len(y) - sqls) < MIN_NEWEST_EACH:
        return {}
    measured = score_metrics(p_sql[newest], y)
    return {
        "test.newest.roc_auc": measured["roc_auc"],
        "test.newest.roc_auc_se": measured["roc_auc_se"],
        "test.newest.leads": float(len(y)),
        "test.newest.sqls": float(sqls),
    }


def newest_note(metrics: dict[str, float], history: History) -> str | None:
    """A warning when a random split's model clearly ranks the newest test leads backwards (95% interval < 0.5)."""
    auc = metrics.get("test.newest.roc_auc", np.nan)
    if auc != auc:
        return None
    low, high = _interval(auc, metrics["test.newest.roc_auc_se"])
    if high >= 0.5:
        return None
    created = history.created
    newest = created >= np.quantile(created, 1 - NEWEST_SHARE)
    return (
        f"this model ranks the newest leads backwards: ROC-AUC {auc:.3f} (95% interval {low:.2f}–{high:.2f}) on "
        f"the {int(metrics['test.newest.leads']):,} test leads ({int(metrics['test.newest.sqls']):,} SQLs) among "
        f"the newest {NEWEST_SHARE:.0%} of the history, against {metrics['test.model_ungated.roc_auc']:.3f} on "
        "the whole random test part. What predicts conversion changed (a regime shift), and the random split "
        "mixed the periods: on leads like tomorrow's its scores point the wrong way. Train again on the newer "
        f"period only: {newer_how(history, newest)}"
    )


def chance_note(metrics: dict[str, float], sqls: int) -> str | None:
    """A warning when the test part's ROC-AUC (leadgate, gates + model) cannot be told from chance."""
    auc, se = metrics.get("test.system.roc_auc", np.nan), metrics.get("test.system.roc_auc_se", np.nan)
    if auc != auc or se != se:
        return None
    low, high = _interval(auc, se)
    if not low <= 0.5 <= high:
        return None
    return (
        f"the test part's ROC-AUC {auc:.3f} (95% interval {max(low, 0):.2f}–{min(high, 1):.2f}, {sqls:,} SQLs) "
        "cannot be told from chance: this test cannot show that the model ranks leads better than a coin. "
        "Bring more history (more SQLs), or judge the model by a back-test on leads newer than its training "
        "(leadgate backtest --since) before trusting its scores"
    )
