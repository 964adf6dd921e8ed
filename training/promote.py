"""Champion vs challenger on shadow-period leads whose outcomes are known, and the promotion decision."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from leadgate.decision.policy_routing import Promotion
from leadgate.decision.routes import REJECTING_ROUTES, SALES_ROUTES
from leadgate.serving.lifecycle_store import ShadowPair
from leadgate.training.evaluate import score_metrics
from leadgate.training.intervals import paired_bootstrap


def _auc(score: np.ndarray, y: np.ndarray) -> float:
    """ROC-AUC by the rank-sum formula (ties averaged), cheap enough to bootstrap."""
    from scipy.stats import rankdata

    positives = int(y.sum())
    negatives = len(y) - positives
    ranks = rankdata(score)
    return float((ranks[y].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def auc_difference_interval(
    champion: np.ndarray, challenger: np.ndarray, y: np.ndarray, rounds: int, confidence: float, seed: int = 0
) -> tuple[float, float, float]:
    """Challenger minus champion ROC-AUC and its paired, stratified percentile-bootstrap interval."""
    found = paired_bootstrap(
        lambda rows: _auc(challenger[rows], y[rows]) - _auc(champion[rows], y[rows]),
        y,
        rounds,
        confidence,
        seed,
    )
    return found.value, found.low, found.high


def leads_for_recall(p_sql: np.ndarray, kept: np.ndarray, y: np.ndarray, recall: float) -> int | None:
    """How many leads, best-scored first, sales must take to reach `recall` of SQLs (rejected leads never)."""
    order = np.argsort(-np.where(kept, p_sql, -np.inf), kind="stable")
    found = np.cumsum(y[order] & kept[order])
    needed = int(np.ceil(recall * y.sum() - 1e-9))
    if needed == 0:
        return 0
    reach = np.flatnonzero(found >= needed)
    return int(reach[0] + 1) if len(reach) else None


def sales_leads_ratio_interval(
    champion: tuple[np.ndarray, np.ndarray],
    challenger: tuple[np.ndarray, np.ndarray],
    sent: np.ndarray,
    y: np.ndarray,
    rounds: int,
    confidence: float,
    seed: int = 0,
) -> tuple[float, float, float]:
    """Leads the challenger must send to sales per lead the champion must, both at the champion's SQL recall.

    `champion` and `challenger` are (P(SQL), not rejected) per lead; `sent` marks the leads the champion's
    routes sent to sales, which fixes the recall in each resample. Infinite when the challenger cannot reach
    that recall at all; NaN when the champion sends no SQL on (nothing to compare at).
    """

    def ratio(rows: np.ndarray) -> float:
        ys = y[rows]
        recall = (sent[rows] & ys).sum() / ys.sum()
        base = leads_for_recall(champion[0][rows], champion[1][rows], ys, recall)
        other = leads_for_recall(challenger[0][rows], challenger[1][rows], ys, recall)
        if not base:
            return np.nan
        return np.inf if other is None else other / base

    found = paired_bootstrap(ratio, y, rounds, confidence, seed)
    return found.value, found.low, found.high


def _number(value: float, digits: int = 3) -> str:
    """A figure as the verdicts print it: a true minus sign, no plus."""
    text = f"{value:.{digits}f}"
    # A value that rounds to zero prints as 0, whatever its sign.
    return text.lstrip("-") if float(text) == 0 else text.replace("-", "−")


def _level(confidence: float) -> str:
    return f"{confidence * 100:g}%"


@dataclass
class Comparison:
    """What the shadow period shows; `checks` name each criterion with the numbers behind it."""

    champion_version: str | None
    challenger_version: str
    shadow_leads: int
    with_outcome: int
    sqls: int
    won: int | None  # None: no outcome of the period says whether a deal was won (unknown, never 0)
    challenger_errors: int
    champion: dict[str, float] = field(default_factory=dict)
    challenger: dict[str, float] = field(default_factory=dict)
    auc_difference: tuple[float, float, float] = (np.nan, np.nan, np.nan)
    recall_compared_at: float = np.nan
    leads_to_sales_at_equal_recall: dict[str, int | None] = field(default_factory=dict)
    sales_leads_ratio: tuple[float, float, float] = (np.nan, np.nan, np.nan)
    won_hidden_by_challenger_only: list[str] = field(default_factory=list)
    won_hidden_by_champion_only: list[str] = field(default_factory=list)
    sqls_hidden_by_challenger_only: list[str] = field(default_factory=list)
    sqls_hidden_by_champion_only: list[str] = field(default_factory=list)
    # A check's "passed" is None when the shadow period holds no evidence for it either way.
    checks: list[dict] = field(default_factory=list)
    # The policy whose `promotion` criteria judged it: a looser file given with --policy shows in the record.
    policy_version: str | None = None

    @property
    def promote(self) -> bool:
        """True when every criterion is shown to hold (one without evidence is not)."""
        return bool(self.checks) and all(check["passed"] is True for check in self.checks)

    def failed(self) -> list[str]:
        """The criteria shown not to hold, in words."""
        return [check["detail"] for check in self.checks if check["passed"] is False]

    def to_dict(self) -> dict:
        """Plain JSON-able form."""
        data = asdict(self)
        data["promote"] = self.promote
        return data


def compare(
    pairs: list[ShadowPair], challenger_version: str, criteria: Promotion, seed: int = 0
) -> Comparison:
    """Compare the champion's live decisions and the challenger's shadow ones; judge them by `criteria`."""
    known = [p for p in pairs if p.sql is not None]
    scored = [p for p in known if p.challenger_error is None and p.champion_p_sql is not None]
    y = np.array([bool(p.sql) for p in scored], dtype=bool)
    won = np.array([bool(p.won) for p in scored], dtype=bool)  # known won deals; an unknown one is not
    # A lead that is no SQL was not won; an SQL whose won label was left out is unknown.
    unknown = np.array([p.won is None and bool(p.sql) for p in scored], dtype=bool)
    labelled = any(p.won is not None for p in scored) or not y.any()
    ids = np.array([p.lead_id for p in scored], dtype=object)
    champion_versions = {p.champion_version for p in scored if p.champion_version}
    result = Comparison(
        champion_version=", ".join(sorted(champion_versions)) or None,
        challenger_version=challenger_version,
        shadow_leads=len(pairs),
        with_outcome=len(scored),
        sqls=int(y.sum()),
        won=int(won.sum()) if labelled else None,
        challenger_errors=sum(p.challenger_error is not None for p in pairs),
    )
    enough = len(scored) >= criteria.min_outcomes and y.sum() >= criteria.min_sqls and (~y).any()
    result.checks.append(
        {
            "criterion": "enough outcomes",
            "passed": bool(enough),
            "detail": f"{len(scored)} shadow leads with outcomes (need {criteria.min_outcomes}), "
            f"{int(y.sum())} SQLs (need {criteria.min_sqls})",
        }
    )
    result.checks.append(
        {
            "criterion": "challenger never failed",
            # Not failing on no lead at all shows nothing.
            "passed": result.challenger_errors == 0 if pairs else None,
            "detail": f"challenger failed on {result.challenger_errors} of {len(pairs)} shadow leads"
            if pairs
            else "no shadow lead decided yet, so not measured",
        }
    )
    if not len(scored):
        return result
    p_champion = np.array([p.champion_p_sql for p in scored], dtype=float)
    p_challenger = np.array([p.challenger_p_sql for p in scored], dtype=float)
    hidden_champion = np.isin([p.champion_route for p in scored], REJECTING_ROUTES)
    hidden_challenger = np.isin([p.challenger_route for p in scored], REJECTING_ROUTES)
    result.won_hidden_by_challenger_only = sorted(ids[won & hidden_challenger & ~hidden_champion])
    result.won_hidden_by_champion_only = sorted(ids[won & hidden_champion & ~hidden_challenger])
    result.sqls_hidden_by_challenger_only = sorted(ids[y & hidden_challenger & ~hidden_champion])
    result.sqls_hidden_by_champion_only = sorted(ids[y & hidden_champion & ~hidden_challenger])
    result.checks.append(
        _won_check(result, unknown & hidden_challenger & ~hidden_champion, labelled, criteria)
    )
    if not enough:
        return result
    result.champion = score_metrics(p_champion, y)
    result.challenger = score_metrics(p_challenger, y)
    result.auc_difference = auc_difference_interval(
        p_champion, p_challenger, y, criteria.bootstrap_rounds, criteria.confidence, seed
    )
    result.checks.append(_discrimination_check(result.auc_difference, criteria))
    calibration = result.challenger.get("calibration_error", np.nan)
    result.checks.append(
        {
            "criterion": "calibrated",
            "passed": bool(calibration <= criteria.max_calibration_error),
            "detail": f"challenger calibration error {calibration:.3f} "
            f"(champion {result.champion.get('calibration_error', np.nan):.3f}, "
            f"allowed {criteria.max_calibration_error:.3f})",
        }
    )
    sent = np.isin([p.champion_route for p in scored], SALES_ROUTES)
    result.recall_compared_at = float((sent & y).sum() / y.sum())
    result.leads_to_sales_at_equal_recall = {
        "champion": leads_for_recall(p_champion, ~hidden_champion, y, result.recall_compared_at),
        "challenger": leads_for_recall(p_challenger, ~hidden_challenger, y, result.recall_compared_at),
    }
    if result.leads_to_sales_at_equal_recall["champion"]:
        result.sales_leads_ratio = sales_leads_ratio_interval(
            (p_champion, ~hidden_champion),
            (p_challenger, ~hidden_challenger),
            sent,
            y,
            criteria.bootstrap_rounds,
            criteria.confidence,
            seed,
        )
    result.checks.append(_workload_check(result, criteria))
    return result


def _won_check(result: Comparison, unknown_hidden: np.ndarray, labelled: bool, criteria: Promotion) -> dict:
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
        f"sent on, the champion {len(result.won_hidden_by_champion_only)} the challenger would send "
        f"(allowed extra: {criteria.max_extra_won_hidden})"
        + (f"; {unknown} more SQLs the challenger hides have no won label" if unknown else ""),
    }


def _discrimination_check(difference: tuple[float, float, float], criteria: Promotion) -> dict:
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


def _workload_check(result: Comparison, criteria: Promotion) -> dict:
    """Non-inferiority of the sales workload at the champion's recall, when the shadow data measures it."""
    criterion = "no more leads to sales at equal recall"
    sent = result.leads_to_sales_at_equal_recall
    if not sent.get("champion"):
        # Only the evidence is missing, not a fault of the challenger: the AUC check still stands.
        return {
            "criterion": criterion,
            "passed": True,
            "detail": "not measured: the champion sent no SQL to sales in the shadow period",
        }
    point, low, high = result.sales_leads_ratio
    limit = 1 + criteria.sales_leads_margin
    challenger = sent["challenger"] if sent["challenger"] is not None else "cannot reach it"
    return {
        "criterion": criterion,
        "passed": bool(high <= limit),
        "detail": f"leads to sales at {result.recall_compared_at:.1%} SQL recall: challenger {challenger}, "
        f"champion {sent['champion']}, ratio {_number(point)} [{_number(low)}, {_number(high)}]: "
        f"upper bound must be ≤ {_number(limit)} at {_level(criteria.confidence)}",
    }
