"""Champion vs challenger on shadow-period leads whose outcomes are known, and the promotion decision."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from leadgate.decision.policy_routing import Promotion
from leadgate.decision.routes import REJECTING_ROUTES, SALES_ROUTES
from leadgate.serving.lifecycle_store import ShadowPair
from leadgate.training.evaluate import score_metrics
from leadgate.training.intervals import paired_bootstrap
from leadgate.training.promote_checks import discrimination_check, sqls_check, won_check, workload_check


def chance_words(challenger: dict, criteria: Promotion) -> str:
    """What a perfectly calibrated model's error is on the shadow leads, said when it tells something."""
    chance = challenger.get("calibration_error_chance", np.nan)
    if chance != chance:
        return ""
    said = f"; a perfectly calibrated model shows {chance:.3f} on as many leads by chance"
    if chance > criteria.max_calibration_error:
        # The bound cannot be met by any model on this few leads: the refusal says wait, not retrain.
        said += ": too few shadow outcomes to meet the bound, wait for more"
    return said


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


def compared_recall(sent: np.ndarray, challenger_kept: np.ndarray, y: np.ndarray) -> float:
    """The champion's SQL recall (its sales routes), or the challenger's highest where that is lower.

    A challenger that keeps from sales SQLs the champion sent on cannot reach the champion's recall at any
    workload; those SQLs are judged by their own criterion, and the workloads compare where both can.
    """
    return min((sent & y).sum(), (challenger_kept & y).sum()) / y.sum()


def sales_leads_ratio_interval(
    champion: tuple[np.ndarray, np.ndarray],
    challenger: tuple[np.ndarray, np.ndarray],
    sent: np.ndarray,
    y: np.ndarray,
    rounds: int,
    confidence: float,
    seed: int = 0,
) -> tuple[tuple[float, float, float], float]:
    """Leads the challenger must send to sales per lead the champion must, at the recall both reach.

    `champion` and `challenger` are (P(SQL), not rejected) per lead; `sent` marks the leads the champion's
    routes sent to sales, which fixes the recall in each resample (`compared_recall`). Returns the ratio with
    its interval (NaN when nothing can be compared: no SQL sent on, or none the challenger sends) and the
    share of resamples where the champion's recall was out of the challenger's reach.
    """
    every = np.arange(len(y))
    out_of_reach: list[bool] = []  # per resample whose ratio counts in the interval (NaN ones are dropped)

    def ratio(rows: np.ndarray) -> float:
        ys = y[rows]
        recall = compared_recall(sent[rows], challenger[1][rows], ys)
        base = leads_for_recall(champion[0][rows], champion[1][rows], ys, recall)
        other = leads_for_recall(challenger[0][rows], challenger[1][rows], ys, recall)
        found = other / base if base and other is not None else np.nan
        # Said of the resamples, not of the sample itself (however the bootstrap orders its calls).
        if found == found and not np.array_equal(rows, every):
            out_of_reach.append(recall < (sent[rows] & ys).sum() / ys.sum())
        return found

    found = paired_bootstrap(ratio, y, rounds, confidence, seed)
    return (found.value, found.low, found.high), float(np.mean(out_of_reach)) if out_of_reach else 0.0


def _json_safe(value):
    """NaN and infinity as null: strict JSON parsers refuse them; each check's detail says what is missing."""
    if isinstance(value, float) and not np.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(item) for item in value]
    return value


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
    champion_sql_recall: float = np.nan  # SQLs the champion's routes sent to sales
    recall_compared_at: float = np.nan  # the champion's, or the challenger's highest where that is lower
    # Resamples in which the champion's recall was out of the challenger's reach (compared at its highest).
    recall_out_of_reach_share: float = 0.0
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
    # The policy each model was trained with (None: unknown), which decides its routes in the comparison.
    champion_policy_version: str | None = None
    challenger_policy_version: str | None = None

    @property
    def promote(self) -> bool:
        """True when every criterion is shown to hold (one without evidence is not)."""
        return bool(self.checks) and all(check["passed"] is True for check in self.checks)

    def failed(self) -> list[str]:
        """The criteria shown not to hold, in words."""
        return [check["detail"] for check in self.checks if check["passed"] is False]

    def to_dict(self) -> dict:
        """Plain JSON-able form, strict: no NaN or infinity."""
        data = asdict(self)
        data["promote"] = self.promote
        return _json_safe(data)


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
        won_check(result, unknown & hidden_challenger & ~hidden_champion, labelled, criteria)
    )
    result.checks.append(sqls_check(result, criteria))
    if not enough:
        return result
    result.champion = score_metrics(p_champion, y)
    result.challenger = score_metrics(p_challenger, y, calibration_chance=True)
    result.auc_difference = auc_difference_interval(
        p_champion, p_challenger, y, criteria.bootstrap_rounds, criteria.confidence, seed
    )
    result.checks.append(discrimination_check(result.auc_difference, criteria))
    calibration = result.challenger.get("calibration_error", np.nan)
    result.checks.append(
        {
            "criterion": "calibrated",
            "passed": bool(calibration <= criteria.max_calibration_error),
            "detail": f"challenger calibration error {calibration:.3f} "
            f"(champion {result.champion.get('calibration_error', np.nan):.3f}, "
            f"allowed {criteria.max_calibration_error:.3f}){chance_words(result.challenger, criteria)}",
        }
    )
    sent = np.isin([p.champion_route for p in scored], SALES_ROUTES)
    result.champion_sql_recall = float((sent & y).sum() / y.sum())
    result.recall_compared_at = float(compared_recall(sent, ~hidden_challenger, y))
    result.leads_to_sales_at_equal_recall = {
        "champion": leads_for_recall(p_champion, ~hidden_champion, y, result.recall_compared_at),
        "challenger": leads_for_recall(p_challenger, ~hidden_challenger, y, result.recall_compared_at),
    }
    if result.leads_to_sales_at_equal_recall["champion"]:
        result.sales_leads_ratio, result.recall_out_of_reach_share = sales_leads_ratio_interval(
            (p_champion, ~hidden_champion),
            (p_challenger, ~hidden_challenger),
            sent,
            y,
            criteria.bootstrap_rounds,
            criteria.confidence,
            seed,
        )
    result.checks.append(workload_check(result, criteria))
    return result
