"""Champion vs challenger on shadow-period leads whose outcomes are known, and the promotion decision."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from leadgate.decision.policy import Promotion
from leadgate.decision.routes import REJECTING_ROUTES, SALES_ROUTES
from leadgate.serving.lifecycle_store import ShadowPair
from leadgate.training.evaluate import score_metrics


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
    """Challenger minus champion ROC-AUC and its paired percentile-bootstrap interval."""
    rng = np.random.default_rng(seed)
    point = _auc(challenger, y) - _auc(champion, y)
    differences = []
    for _ in range(rounds):
        sample = rng.integers(0, len(y), len(y))
        ys = y[sample]
        if ys.all() or not ys.any():
            continue
        differences.append(_auc(challenger[sample], ys) - _auc(champion[sample], ys))
    tail = (1 - confidence) / 2
    low, high = np.quantile(differences, [tail, 1 - tail]) if differences else (np.nan, np.nan)
    return point, float(low), float(high)


def leads_for_recall(p_sql: np.ndarray, kept: np.ndarray, y: np.ndarray, recall: float) -> int | None:
    """How many leads, best-scored first, sales must take to reach `recall` of SQLs (rejected leads never)."""
    order = np.argsort(-np.where(kept, p_sql, -np.inf), kind="stable")
    found = np.cumsum(y[order] & kept[order])
    needed = int(np.ceil(recall * y.sum() - 1e-9))
    if needed == 0:
        return 0
    reach = np.flatnonzero(found >= needed)
    return int(reach[0] + 1) if len(reach) else None


@dataclass
class Comparison:
    """What the shadow period shows; `checks` name each criterion with the numbers behind it."""

    champion_version: str | None
    challenger_version: str
    shadow_leads: int
    with_outcome: int
    sqls: int
    won: int
    challenger_errors: int
    champion: dict[str, float] = field(default_factory=dict)
    challenger: dict[str, float] = field(default_factory=dict)
    auc_difference: tuple[float, float, float] = (np.nan, np.nan, np.nan)
    recall_compared_at: float = np.nan
    leads_to_sales_at_equal_recall: dict[str, int | None] = field(default_factory=dict)
    won_hidden_by_challenger_only: list[str] = field(default_factory=list)
    won_hidden_by_champion_only: list[str] = field(default_factory=list)
    sqls_hidden_by_challenger_only: list[str] = field(default_factory=list)
    sqls_hidden_by_champion_only: list[str] = field(default_factory=list)
    checks: list[dict] = field(default_factory=list)

    @property
    def promote(self) -> bool:
        """True when every criterion holds."""
        return bool(self.checks) and all(check["passed"] for check in self.checks)

    def failed(self) -> list[str]:
        """The criteria that do not hold, in words."""
        return [check["detail"] for check in self.checks if not check["passed"]]

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
    won = np.array([bool(p.won) for p in scored], dtype=bool)
    ids = np.array([p.lead_id for p in scored], dtype=object)
    champion_versions = {p.champion_version for p in scored if p.champion_version}
    result = Comparison(
        champion_version=", ".join(sorted(champion_versions)) or None,
        challenger_version=challenger_version,
        shadow_leads=len(pairs),
        with_outcome=len(scored),
        sqls=int(y.sum()),
        won=int(won.sum()),
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
            "passed": result.challenger_errors == 0,
            "detail": f"challenger failed on {result.challenger_errors} of {len(pairs)} shadow leads",
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
    extra_won = len(result.won_hidden_by_challenger_only) - len(result.won_hidden_by_champion_only)
    result.checks.append(
        {
            "criterion": "no more won deals hidden",
            "passed": extra_won <= criteria.max_extra_won_hidden,
            "detail": f"challenger hides {len(result.won_hidden_by_challenger_only)} won deals the champion "
            f"sent on, the champion {len(result.won_hidden_by_champion_only)} the challenger would send "
            f"(allowed extra: {criteria.max_extra_won_hidden})",
        }
    )
    if not enough:
        return result
    result.champion = score_metrics(p_champion, y)
    result.challenger = score_metrics(p_challenger, y)
    result.auc_difference = auc_difference_interval(
        p_champion, p_challenger, y, criteria.bootstrap_rounds, criteria.confidence, seed
    )
    point, low, high = result.auc_difference
    result.checks.append(
        {
            "criterion": "discrimination not worse",
            "passed": bool(high >= 0),
            "detail": f"ROC-AUC challenger - champion = {point:+.4f}, "
            f"{criteria.confidence:.0%} interval [{low:+.4f}, {high:+.4f}]"
            + (" lies wholly below zero" if high < 0 else ""),
        }
    )
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
    return result
