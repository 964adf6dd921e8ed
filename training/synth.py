"""Seeded synthetic lead history with ground-truth outcomes, for training and benchmarking leadgate.

Each record is a lead in the schema's nested JSON form (``leadgate.features.schema.Lead`` once ``outcome`` is
dropped; timestamps are ISO-8601 UTC strings) plus an ``outcome`` key::

    {"sql": bool, "sql_at": iso | None, "won": bool, "rejection_reason": str | None,
     "true_negative_factors": [codes from synth_vocab.NEGATIVE_FACTORS]}

SQL follows a logistic model of fit, title, channel, activity seen before ``scored_at`` and staleness,
plus latent interest and Gaussian noise; gate-type personas (students, competitors, bots, ...) convert
with p ~0.002. ``true_negative_factors`` lists the terms that cut a lead's odds at least twofold.
Module layout: synth_vocab (word lists, effects), synth_people (who the lead is), synth_events
(activity), synth_outcome (ground truth), synth_records (dict assembly).
"""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from leadgate.decision.policy import Policy, load_policy
from leadgate.runtime import paused_gc
from leadgate.training import synth_events as E
from leadgate.training import synth_outcome as O
from leadgate.training import synth_people as P
from leadgate.training import synth_vocab as V
from leadgate.training.synth_records import build_records, event_lists

DAY = E.DAY
MAX_SCORING_DELAY_DAYS = 60.0
POST_SCORING_DAYS = 30.0  # activity is simulated this long after scored_at (ignored by the outcome)
HISTORY_SUFFIXES = (".jsonl", ".jsonl.gz")  # what write_history writes and `train --data` reads

__all__ = ["generate_history", "write_history", "read_history"]


def _created_times(rng: np.random.Generator, n: int, months: int, end_s: int) -> np.ndarray:
    """Sorted creation times over the months before end: volume grows ~50%, weekends are quiet."""
    days = max(int(round(months * 30.4375)), 2)
    start_s = end_s - days * DAY
    day = np.arange(days - 1)  # the last day is left out so every lead has some time before end
    weekday = (datetime.fromtimestamp(start_s, UTC).weekday() + day) % 7
    weights = (1.0 + 0.5 * day / days) * np.where(weekday >= 5, 0.35, 1.0)
    picked = rng.choice(day, size=n, p=weights / weights.sum())
    # Form fills peak in the (mostly American) working afternoon, in UTC.
    second_of_day = (np.mod(rng.normal(16.0, 3.5, n), 24.0) * 3600).astype(np.int64)
    return np.sort(start_s + picked * DAY + second_of_day)


def _scored_times(rng: np.random.Generator, created: np.ndarray, end_s: int) -> np.ndarray:
    """Snapshot time: within 0-60 days of creation (a third within days), never after end."""
    n = len(created)
    delay = np.where(
        rng.random(n) < 0.35, rng.exponential(1.5, n), rng.uniform(0.0, MAX_SCORING_DELAY_DAYS, n)
    )
    delay = np.minimum(delay, MAX_SCORING_DELAY_DAYS) * DAY
    return np.maximum(np.minimum(created + delay.astype(np.int64), end_s - 3600), created)


def _lead_attributes(rng: np.random.Generator, n: int, policy: Policy) -> dict[str, np.ndarray]:
    """Who each lead is: persona, company, title, email kind, channel, form; all vectorized."""
    companies = P.draw_companies(rng, min(max(200, n // 4), P.COMPANY_POOL_MAX), policy)
    m = len(companies["employees"])
    company = (m * rng.random(n) ** 1.6).astype(np.int64)  # a few accounts send many leads
    seg = P.draw_segments(rng, n, policy)
    role, titles = P.draw_titles(rng, seg)
    true_employees = companies["employees"][company]
    kind = P.draw_email_kind(rng, seg, true_employees)
    channel, cost = P.draw_channels(rng, seg)
    seg_code = {name: i for i, name in enumerate(P.SEGMENTS)}
    a = {
        "companies": companies,
        "company": company,
        "segment": seg,
        "seg_code": seg_code,
        "role": role,
        "title": titles,
        "email_kind": kind,
        "channel": channel,
        "cost": cost,
        "inquiry_code": P.draw_inquiry(rng, channel),
        "text_draws": rng.random((n, 8)),
    }
    a.update(_company_visibility(rng, a, true_employees, policy))
    a["honeypot_filled"], a["too_fast"], a["link_spam"] = P.draw_bot_flags(rng, seg)
    return a


def _company_visibility(rng, a, true_employees: np.ndarray, policy: Policy) -> dict[str, np.ndarray]:
    """Which company fields the form or enrichment filled in; personal-email leads are thinner."""
    n = len(a["segment"])
    companies, company, kind = a["companies"], a["company"], a["email_kind"]
    free_like = np.isin(kind, [P.FREE, P.ACADEMIC, P.DISPOSABLE, P.MISSING, P.INVALID])
    has_name = rng.random(n) > np.where(free_like, 0.22, 0.03)
    has_website = rng.random(n) > np.where(free_like, 0.6, 0.08)
    own_test = a["segment"] == a["seg_code"]["own_test"]
    test_company = own_test & (kind != P.OWN)
    has_name |= test_company
    has_website |= (a["segment"] == a["seg_code"]["competitor"]) & (kind != P.COMPETITOR)
    # Enrichment works from a company domain; otherwise only what the person typed is known.
    enriched = rng.random(n) < np.where(has_website | (kind == P.CORPORATE), 0.9, 0.35)
    employees = np.where(enriched, true_employees.astype(float), np.nan)
    industry = np.where(enriched | (rng.random(n) < 0.3), companies["industry"][company], "")
    country = np.where(rng.random(n) < 0.96, companies["country"][company], "")
    firm = policy.firmographics
    return {
        "has_name": has_name,
        "has_website": has_website,
        "test_company": test_company,
        "no_company": ~has_name & ~has_website,
        "employees": employees,
        "revenue": np.where(enriched & (rng.random(n) < 0.65), companies["revenue"][company], np.nan),
        "industry": industry,
        "country": country,
        "company_type": companies["company_type"][company],
        "crm": np.where(enriched | (rng.random(n) < 0.2), companies["crm"][company], ""),
        # Sales learns the true region, industry and type even when the form left them blank.
        "unsupported_country": ~np.isin(companies["country"][company], firm.supported_countries),
        "blocked_industry": np.isin(
            np.char.lower(companies["industry"][company].astype(str)),
            [b.lower() for b in firm.blocked_industries],
        ),
        "excluded_type": np.isin(companies["company_type"][company], firm.excluded_company_types),
    }


def _interest(rng, a: dict[str, np.ndarray]) -> np.ndarray:
    """Latent interest: a little higher for good-fit firms, low for junk personas."""
    n = len(a["segment"])
    e = np.nan_to_num(a["employees"], nan=0.0)
    shift = {"bot": -2.5, "fake_name": -1.5, "disposable": -1.0, "competitor": 0.5, "job_seeker": -0.5}
    z = rng.normal(0.0, 1.0, n) + 0.25 * ((e >= 50) & (e < 5000))
    for name, value in shift.items():
        z[a["segment"] == a["seg_code"][name]] += value
    return z


def _activity(rng, a, created: np.ndarray, scored: np.ndarray, end_s: int) -> E.EventBuffer:
    """Interest-driven, nurture and rare events plus the form submission itself."""
    seg, code = a["segment"], a["seg_code"]
    names = [c[0] for c in V.CHANNELS]
    window_days = (np.minimum(scored + int(POST_SCORING_DAYS * DAY), end_s) - created) / DAY
    emailable = ~np.isin(a["email_kind"], [P.MISSING, P.INVALID])
    bots = seg == code["bot"]
    mult = {
        "careers_page": np.where(seg == code["job_seeker"], 30.0, 1.0),
        "content_download": np.where(
            (seg == code["student"]) | (a["channel"] == names.index("content_syndication")), 2.5, 1.0
        ),
        "webinar_registered": np.where(a["channel"] == names.index("events"), 2.0, 1.0),
        "pricing_page": np.where(seg == code["competitor"], 3.0, 1.0),
    }
    mult = {k: v * np.where(bots, 0.15, 1.0) for k, v in mult.items()} | {
        "page_view": np.where(bots, 0.15, 1.0)
    }
    buf = E.EventBuffer()
    E.interest_events(rng, buf, a["z"], created, window_days, mult, emailable)
    E.email_opens(rng, buf, created, window_days, emailable)
    bad_address = (a["email_kind"] == P.DISPOSABLE) | (seg == code["fake_name"]) | bots
    E.rare_events(rng, buf, created, window_days, emailable, bad_address)
    submitted = np.isin(a["channel"], [names.index(c) for c in V.FORM_CHANNELS]) | (
        (a["inquiry_code"] >= 0) & (a["channel"] != names.index("content_syndication"))
    )
    a["submitted"] = submitted | bots
    E.submission_events(buf, created, a["submitted"], a["inquiry_code"] == 0)
    return buf


def _post_sql_events(
    rng, buf: E.EventBuffer, sql: np.ndarray, scored: np.ndarray, sql_at: np.ndarray
) -> None:
    """Converted leads usually book a meeting and reply between scoring and acceptance."""
    for name, share in (("meeting_booked", 0.8), ("email_reply", 0.5)):
        lead = np.flatnonzero(sql & (rng.random(len(sql)) < share))
        at = scored[lead] + 1 + (rng.uniform(0.05, 0.95, len(lead)) * (sql_at[lead] - scored[lead] - 1))
        buf.add(lead, name, at)


def generate_history(
    n_leads: int = 50_000,
    months: int = 24,
    seed: int = 0,
    end: datetime = datetime(2026, 10, 31, tzinfo=UTC),
    policy: Policy | None = None,
) -> list[dict]:
    """Seeded synthetic leads over `months` before `end`, each with a ground-truth `outcome`."""
    policy = policy or load_policy()
    with paused_gc():
        return _generate(n_leads, months, seed, end, policy)


def _generate(n: int, months: int, seed: int, end: datetime, policy: Policy) -> list[dict]:
    """The generator proper (see generate_history)."""
    rng = np.random.default_rng(seed)
    end_s = int(end.timestamp())
    created = _created_times(rng, n, months, end_s)
    scored = _scored_times(rng, created, end_s)
    a = _lead_attributes(rng, n, policy)
    a["z"] = _interest(rng, a)
    inquiry_names = np.array(list(V.INQUIRY_TYPES) + [""], dtype=object)
    a["inquiry"] = inquiry_names[a["inquiry_code"]]
    a["unsupported_crm"] = np.isin(
        np.char.lower(a["crm"].astype(str)), [c.lower() for c in policy.firmographics.unsupported_crms]
    )
    buf = _activity(rng, a, created, scored, end_s)
    lead, code, at = buf.arrays()
    keep = at <= end_s  # follow-ups (attendance, cancellations) that would land after the end never happened
    counts, last_meaningful = E.before_scoring(lead[keep], code[keep], at[keep], scored, n)
    days_quiet = (scored - np.where(np.isnan(last_meaningful), created, last_meaningful)) / DAY
    terms = O.log_odds_terms(a, counts, days_quiet)
    gate = O.gate_reasons(a, counts)
    sql, _ = O.draw_sql(rng, terms, gate != "")
    won = O.draw_won(rng, a, counts, sql)
    sql_at = O.sql_times(rng, scored, end_s)
    reasons = O.rejection_reasons(rng, terms, a, gate, counts)
    _post_sql_events(rng, buf, sql, scored, sql_at)
    lead, code, at = buf.arrays()
    keep = at <= end_s
    a["events"] = event_lists(lead[keep], code[keep], at[keep], n)
    outcome = {
        "sql": sql,
        "sql_at": sql_at,
        "won": won,
        "reasons": reasons,
        "factors": O.negative_factors(terms),
    }
    return build_records(rng, a, created, scored, outcome, policy, seed)


def reported_outcomes(records: list[dict]) -> list[dict]:
    """The generator's outcomes as sales would report them (`leadgate outcomes import` rows)."""
    return [
        {
            "lead_id": r["lead_id"],
            "sql": r["outcome"]["sql"],
            "won": r["outcome"].get("won", False),
            "rejection_reason": None
            if r["outcome"]["sql"]
            else (r["outcome"].get("rejection_reason") or None),
        }
        for r in records
    ]


def check_history_path(path: str | Path) -> Path:
    """The path, when its name says JSON lines (a history is nested: no CSV or Parquet); ValueError otherwise."""
    path = Path(path)
    if not path.name.lower().endswith(HISTORY_SUFFIXES):
        raise ValueError(
            f"{path}: a history is written as JSON lines: name it {' or '.join('*' + s for s in HISTORY_SUFFIXES)}"
        )
    return path


def write_history(records: list[dict], path: str | Path) -> Path:
    """Write records as JSON lines, gzip-compressed when the path ends with .gz."""
    path = check_history_path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    encode = json.JSONEncoder(separators=(",", ":")).encode
    with _open(path, "wt") as handle:
        for start in range(0, len(records), 10_000):  # batched writes: fewer, larger compressor calls
            handle.write("".join(encode(r) + "\n" for r in records[start : start + 10_000]))
    return path


def read_history(path: str | Path) -> list[dict]:
    """Read records written by write_history (plain or gzip JSON lines)."""
    with paused_gc(), _open(Path(path), "rt") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _open(path: Path, mode: str):
    """A text handle, through gzip (level 6: near-best size at a fraction of level 9's time) for .gz."""
    if path.suffix == ".gz":
        return gzip.open(path, mode, compresslevel=6, encoding="utf-8")
    return open(path, mode, encoding="utf-8")
