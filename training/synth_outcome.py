"""Ground truth: a logistic model of latent propensity decides SQL, won and the sales rejection reason."""

from __future__ import annotations

import numpy as np

from leadgate.training import synth_people as P
from leadgate.training import synth_vocab as V
from leadgate.training.synth_events import CODE, DAY

LN2 = float(np.log(2.0))
SQL_RATE = 0.15
WON_RATE = 0.25
GATED_P = 0.002  # gate-type conditions: about never an SQL, but sales occasionally surprises
NOISE_SD = 0.9  # unobserved reasons a lead converts or not: keeps every feature short of decisive
STALE_DAYS = 45.0  # staleness halves the odds from here on (decay starts after 15 quiet days)
# Log-odds of activity seen before scored_at: (event, effect of having any, effect per log1p count).
ACTIVITY = (
    ("demo_request", 1.2, 0.0),
    ("meeting_booked", 0.8, 0.0),
    ("email_reply", 0.6, 0.0),
    ("pricing_page", 0.0, 0.45),
    ("webinar_attended", 0.3, 0.0),
    ("content_download", 0.0, 0.15),
    ("email_click", 0.0, 0.2),
    ("page_view", 0.0, 0.1),
    ("meeting_cancelled", -0.3, 0.0),
    ("careers_page", -0.3, 0.0),
    ("email_open", 0.0, 0.0),  # opens carry no signal by design
)


def _size_effect(employees: np.ndarray) -> np.ndarray:
    """Log-odds by known headcount (NaN = unknown): small firms rarely buy a sales tool."""
    e = np.nan_to_num(employees, nan=-1.0)
    return np.select(
        [e < 0, e < 10, e < 50, e < 200, e < 5000],
        [-0.15, -2.3, -0.9, 0.0, 0.35],
        default=0.1,
    )


def _staleness_effect(days_quiet: np.ndarray) -> np.ndarray:
    """Interest fades: odds halve every 30 quiet days after the first 15, at most ~8x."""
    return -LN2 * np.clip((days_quiet - 15.0) / 30.0, 0.0, 3.0)


def _activity_effect(counts: np.ndarray) -> np.ndarray:
    """Log-odds from the activity seen before scoring."""
    total = np.zeros(len(counts))
    for name, any_effect, per_log in ACTIVITY:
        c = counts[:, CODE[name]]
        total += any_effect * (c > 0) + per_log * np.log1p(c)
    return total


def log_odds_terms(
    a: dict[str, np.ndarray], counts: np.ndarray, days_quiet: np.ndarray
) -> dict[str, np.ndarray]:
    """Each additive log-odds term; keys named like NEGATIVE_FACTORS are the ones reported as reasons."""
    industry_effect = {name: effect for name, _, effect in V.INDUSTRIES}
    role_effect = np.array([effect for _, _, effect in V.TITLE_ROLES] + [0.0, 0.0])
    type_effect = {"government": -0.4, "education": -0.5, "nonprofit": -0.45, "": -0.1}
    return {
        "email_domain": np.where(a["email_kind"] == P.FREE, -1.4, 0.0),
        "company_size": _size_effect(a["employees"]),
        "seniority": role_effect[a["role"]],
        "staleness": _staleness_effect(days_quiet),
        "industry": np.array([industry_effect.get(i, -0.1 if not i else 0.0) for i in a["industry"]]),
        "channel": np.array([c[4] for c in V.CHANNELS])[a["channel"]],
        "data_quality": np.where(a["no_company"], -1.0, 0.0),
        "company_type": np.array([type_effect.get(t, 0.0) for t in a["company_type"]]),
        "stack": np.where(a["unsupported_crm"], -1.6, np.where(a["crm"] != "", 0.1, 0.0)),
        "inquiry": np.array([V.INQUIRY_EFFECT.get(i, -0.1) for i in a["inquiry"]]),
        "activity": _activity_effect(counts),
        "interest": 0.35 * a["z"],
    }


def negative_factors(terms: dict[str, np.ndarray]) -> list[list[str]]:
    """Per lead, the reason codes whose term lowered the odds at least twofold."""
    hit = np.stack([terms[code] <= -LN2 + 1e-9 for code in V.NEGATIVE_FACTORS], axis=1)
    codes = np.array(V.NEGATIVE_FACTORS, dtype=object)
    return [codes[row].tolist() for row in hit]


def _sigmoid(x: np.ndarray) -> np.ndarray:
    """The logistic function."""
    return 1.0 / (1.0 + np.exp(-x))


def _calibrated(logit: np.ndarray, fixed: np.ndarray, target: float) -> np.ndarray:
    """Probabilities with an intercept found by bisection so their mean hits the target rate."""
    if len(logit) == 0:
        return np.zeros(0)
    low, high = -15.0, 15.0
    for _ in range(50):
        mid = (low + high) / 2
        p = np.where(fixed >= 0, fixed, _sigmoid(logit + mid))
        low, high = (mid, high) if p.mean() < target else (low, mid)
    return np.where(fixed >= 0, fixed, _sigmoid(logit + (low + high) / 2))


def draw_sql(rng, terms: dict[str, np.ndarray], gated: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(is SQL, probability) from the summed terms plus Gaussian noise; gated leads ~never."""
    logit = sum(terms.values()) + rng.normal(0.0, NOISE_SD, len(gated))
    p = _calibrated(logit, np.where(gated, GATED_P, -1.0), SQL_RATE)
    return rng.random(len(p)) < p, p


def draw_won(rng, a: dict[str, np.ndarray], counts: np.ndarray, sql: np.ndarray) -> np.ndarray:
    """Closed-won for about a quarter of SQLs: bigger, senior, referred and engaged deals close more."""
    e = np.nan_to_num(a["employees"], nan=0.0)
    names = [c[0] for c in V.CHANNELS]
    warm = np.isin(a["channel"], [names.index("referral"), names.index("partner")])
    logit = (
        0.5 * ((e >= 200) & (e < 5000))
        + 0.3 * (a["role"] <= 2)
        + 0.4 * warm
        + 0.4 * (counts[:, CODE["meeting_booked"]] > 0)
        + 0.4 * a["z"]
        + rng.normal(0.0, 0.7, len(sql))
    )
    p = _calibrated(logit[sql], np.full(int(sql.sum()), -1.0), WON_RATE)
    won = np.zeros(len(sql), dtype=bool)
    won[sql] = rng.random(len(p)) < p
    return won


def sql_times(rng, scored: np.ndarray, end_s: int) -> np.ndarray:
    """When sales accepted the lead: days after scoring, always after scored_at and by the end."""
    delay = (rng.exponential(6.0, len(scored)) + 0.1) * DAY
    room = end_s - scored
    return scored + np.where(delay < room, delay, room * rng.uniform(0.2, 1.0, len(scored))).astype(np.int64)


def gate_reasons(a: dict[str, np.ndarray], counts: np.ndarray) -> np.ndarray:
    """The sales rejection reason implied by a gate-type condition, '' when none applies (first wins)."""
    seg = a["segment"]
    kind = a["email_kind"]
    rules = (
        ("spam", (seg == a["seg_code"]["bot"])),
        (
            "bad_data",
            (seg == a["seg_code"]["fake_name"]) | np.isin(kind, [P.DISPOSABLE, P.MISSING, P.INVALID]),
        ),
        ("bad_data", counts[:, CODE["hard_bounce"]] > 0),
        ("competitor", seg == a["seg_code"]["competitor"]),
        ("internal_test", seg == a["seg_code"]["own_test"]),
        ("do_not_engage", seg == a["seg_code"]["dne"]),
        ("unsubscribed", (counts[:, CODE["unsubscribe"]] + counts[:, CODE["spam_complaint"]]) > 0),
        ("student", (seg == a["seg_code"]["student"]) | (kind == P.ACADEMIC)),
        ("job_seeker", seg == a["seg_code"]["job_seeker"]),
        ("unsupported_region", a["unsupported_country"]),
        ("not_a_fit_industry", a["blocked_industry"]),
        ("not_a_fit_type", a["excluded_type"]),
    )
    reason = np.full(len(seg), "", dtype=object)
    for name, mask in reversed(rules):  # later writes win, so the first rule listed takes precedence
        reason[mask] = name
    return reason


def rejection_reasons(rng, terms: dict[str, np.ndarray], a: dict[str, np.ndarray], gate: np.ndarray, counts):
    """Sales' reason for every lead (None for SQLs): the gate's, else one drawn to fit the lead's weaknesses."""
    n = len(gate)
    no_dialogue = (counts[:, CODE["email_reply"]] + counts[:, CODE["meeting_booked"]]) == 0
    weights = {
        "no_response": 0.8 + 3.0 * (terms["staleness"] <= -LN2) + 1.0 * no_dialogue,
        "not_a_fit_size": 3.0 * (terms["company_size"] <= -LN2),
        "no_authority": 2.5 * (terms["seniority"] <= -LN2) + 0.8 * (terms["email_domain"] < 0),
        "no_budget": 1.0 + 0.5 * (terms["company_size"] < 0),
        "timing": np.full(n, 1.0),
        "not_interested": np.full(n, 0.8),
        "unsupported_stack": 4.0 * a["unsupported_crm"],
        "not_a_fit_industry": 2.0 * (terms["industry"] <= -LN2),
        "bad_data": 3.0 * a["no_company"],
    }
    names = np.array(list(weights), dtype=object)
    cumulative = np.cumsum(np.stack([np.asarray(w, dtype=float) for w in weights.values()], axis=1), axis=1)
    pick = (cumulative < rng.random(n)[:, None] * cumulative[:, -1:]).sum(axis=1)
    return np.where(gate != "", gate, names[pick])
