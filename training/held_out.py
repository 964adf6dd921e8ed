"""What the test part cannot show on its own: a ROC-AUC chance could give, a random split's newest leads."""

from __future__ import annotations

import numpy as np

from leadgate.training.evaluate import score_metrics
from leadgate.training.gate_losses import costly
from leadgate.training.gate_words import raise_words
from leadgate.training.history import History
from leadgate.training.intervals import z_value
from leadgate.training.regime import newer_how, since_text
from leadgate.training.splits import Split
from leadgate.training.thresholds import GateSqls

# The newest leads a random split's model is also measured on: the share a split by time holds out for
# validation and test, the leads most like tomorrow's.
NEWEST_SHARE = 0.3
# SQLs, and leads that are not, among those test leads: with fewer, whatever the ROC-AUC there, the check is
# said to be too weak to trust (unless its interval clears 0.5 either way).
MIN_NEWEST_EACH = 30
# With fewer than a handful of each, no ROC-AUC is measured there at all (its interval would span most of 0-1).
MIN_NEWEST_MEASURED = 10


def _interval(auc: float, se: float) -> tuple[float, float]:
    half = z_value() * se
    return auc - half, auc + half


def newest_metrics(history: History, split: Split, p_sql: np.ndarray, routed: np.ndarray) -> dict[str, float]:
    """A random split's model on its test leads among the history's newest NEWEST_SHARE, by creation time.

    `p_sql` and `routed` (no gate rejects the lead) are the test part's, in its order. The counts always, the
    ROC-AUC with MIN_NEWEST_MEASURED leads of each outcome there; empty when the leads carry no order in time
    or the split is by time (its test part is the newest already).
    """
    if split.kind != "random" or not history.ordered:
        return {}
    created = history.created
    cut = np.quantile(created, 1 - NEWEST_SHARE)
    newest = (created[split.test] >= cut) & routed
    y = history.sql[split.test][newest]
    sqls = int(y.sum())
    metrics = {"test.newest.leads": float(len(y)), "test.newest.sqls": float(sqls)}
    if min(sqls, len(y) - sqls) >= MIN_NEWEST_MEASURED:
        measured = score_metrics(p_sql[newest], y)
        metrics.update(
            {"test.newest.roc_auc": measured["roc_auc"], "test.newest.roc_auc_se": measured["roc_auc_se"]}
        )
    return metrics


def newest_note(metrics: dict[str, float], history: History) -> str | None:
    """A warning when a random split's model clearly ranks the newest test leads backwards (95% interval < 0.5),
    or when too few of them are there to tell (`_too_few_note`)."""
    if "test.newest.leads" not in metrics:
        return None
    auc = metrics.get("test.newest.roc_auc", np.nan)
    low, high = _interval(auc, metrics["test.newest.roc_auc_se"]) if auc == auc else (np.nan, np.nan)
    if not high < 0.5:
        return _too_few_note(metrics, history, (auc, low, high))
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


def _too_few_note(
    metrics: dict[str, float], history: History, measured: tuple[float, float, float]
) -> str | None:
    """Walk W: with 28 SQLs there the check was skipped without a word, and a backwards champion registered.

    Said when fewer than MIN_NEWEST_EACH of an outcome are there and no interval clears 0.5 either way."""
    leads, sqls = int(metrics["test.newest.leads"]), int(metrics["test.newest.sqls"])
    auc, low, high = measured
    if min(sqls, leads - sqls) >= MIN_NEWEST_EACH or low > 0.5:
        return None
    created = history.created
    last = float(created.max())
    # The first moment after the history: a whole minute on the next minute when the export's times are.
    step = 60.0 if not (created % 60).any() else 1.0
    backtest = (
        "back-test it on leads newer than this history (leadgate backtest --since "
        f"{since_text(last + step, created, slack=0, zone=history.zone)} on an export of them) before trusting it"
    )
    if sqls == 0:  # walk tiny F3: "only 0 test SQLs … too few to check" read as a small sample, not a finding
        return (
            f"the newest {NEWEST_SHARE:.0%} of the history hold no SQL among their {leads:,} test leads: are their "
            "outcomes not known yet (leads still being worked count as not SQL)? Then this model learned that "
            "the newest leads do not convert; mark such leads open (the mapping's label.open) or export again "
            f"once they are decided, and {backtest}"
        )
    held = f"{sqls:,} test SQLs" if sqls <= leads - sqls else f"{leads - sqls:,} test leads that are not SQLs"
    found = (
        f" (ROC-AUC {auc:.3f} there, 95% interval {max(low, 0):.2f}–{min(high, 1):.2f})"
        if auc == auc
        else f" (too few for a ROC-AUC: {MIN_NEWEST_MEASURED} of each outcome are needed)"
    )
    return (
        f"the newest {NEWEST_SHARE:.0%} of the history hold only {held}{found}: too few to check whether this "
        f"random-split model ranks the newest leads backwards; {backtest}"
    )


def model_clears_chance(metrics: dict[str, float]) -> bool:
    """Whether the model alone, on the test leads no gate rejects, ranks them better than chance (95% interval
    above 0.5): what `train` judges a weak model by, whatever the policy's gates hide."""
    auc, se = (
        metrics.get("test.model_ungated.roc_auc", np.nan),
        metrics.get("test.model_ungated.roc_auc_se", np.nan),
    )
    return auc == auc and se == se and _interval(auc, se)[0] > 0.5


def weak_model(metrics: dict[str, float], chance: str | None) -> str | None:
    """`chance` (chance_note) when the model itself is what chance could match: what keeps a first model from the
    champion alias. Gates that drag gates + model to chance are the policy's to review, and would hold back any
    model trained under it, so they keep no model that ranks its own leads from the alias."""
    return chance if chance and not model_clears_chance(metrics) else None


def chance_note(
    metrics: dict[str, float], sqls: int, gate_sqls: GateSqls | None = None, losses=None
) -> str | None:
    """A warning when the test part's ROC-AUC (leadgate, gates + model) cannot be told from chance.

    Walk V F4: gates that reject many SQLs drag gates + model to chance while the model alone ranks well; the
    warning then names the gates (`gate_sqls`, `sqls_gates_reject` on the test part), not the model, and which
    of them measurably cost ROC-AUC turned off alone (`losses`, gate_losses.gate_losses), the ones to review."""
    auc, se = metrics.get("test.system.roc_auc", np.nan), metrics.get("test.system.roc_auc_se", np.nan)
    if auc != auc or se != se:
        return None
    low, high = _interval(auc, se)
    if not low <= 0.5 <= high:
        return None
    measured = f"the test part's ROC-AUC {auc:.3f} (95% interval {max(low, 0):.2f}–{min(high, 1):.2f}, {sqls:,} SQLs)"
    if gate_sqls is not None and gate_sqls.rejected and model_clears_chance(metrics):
        alone = metrics["test.model_ungated.roc_auc"]
        low, high = _interval(alone, metrics["test.model_ungated.roc_auc_se"])
        named = gate_sqls.named()
        return (
            f"{measured} for leadgate (gates + model) cannot be told from chance, but its model alone ranks the "
            f"test leads no gate rejects at {alone:.3f} (95% interval {low:.2f}–{min(high, 1):.2f}): what is weak "
            f"is the policy's gates, which reject {gate_sqls.rejected:,} of the {sqls:,} test SQLs ({named}). "
            f"{_gate_review(losses)}"
        )
    return (
        f"{measured} cannot be told from chance: this test cannot show that the model ranks leads better than a "
        "coin. Bring more history (more SQLs), or judge the model by a back-test on leads newer than its training "
        "(leadgate backtest --since) before trusting its scores"
    )


def _gate_review(losses) -> str:
    """What to do about gates that drag gates + model to chance: turn off only a gate whose cost is measured
    (walk AB: gates named by the SQLs they reject included one that raised ROC-AUC)."""
    backtest = "`leadgate backtest --proposed-policy` shows what that changes"
    if losses is None:  # not measured: the gates named by the SQLs they reject
        return f"Review those gates, not the history: turn one off or change its rule in a copy of the policy, and {backtest}"
    raised = raise_words(losses)
    if not raised:
        return (
            "Review those gates together, not the history: no gate turned off alone measurably raises its "
            f"ROC-AUC, so none is one to turn off alone; change their rules in a copy of the policy, and {backtest}"
        )
    return (
        f"Review those gates, not the history: {raised}; turn {'it' if len(costly(losses)) == 1 else 'one'} off "
        f"or change its rule in a copy of the policy, and {backtest}"
    )
