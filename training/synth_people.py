"""Vectorized draws of who a synthetic lead is: company, person, email, channel and form."""

from __future__ import annotations

import numpy as np

from leadgate.decision.policy import Policy
from leadgate.training import synth_vocab as V

# Mutually exclusive personas; everything but "normal" is a gate-type condition that converts ~never.
SEGMENTS = (
    "normal",
    "student",
    "job_seeker",
    "competitor",
    "own_test",
    "bot",
    "fake_name",
    "disposable",
    "dne",
)
SEGMENT_SHARES = (0.873, 0.03, 0.02, 0.01, 0.005, 0.03, 0.015, 0.015, 0.002)
EMAIL_KINDS = (
    "corporate",
    "free",
    "academic",
    "disposable",
    "competitor",
    "own",
    "dne",
    "missing",
    "invalid",
)
CORPORATE, FREE, ACADEMIC, DISPOSABLE, COMPETITOR, OWN, DNE, MISSING, INVALID = range(len(EMAIL_KINDS))
COMPANY_TYPES = ("b2b", "b2c", "government", "education", "nonprofit", "")
COMPANY_TYPE_SHARES = (0.78, 0.07, 0.05, 0.04, 0.04, 0.02)
COMPANY_POOL_MAX = len(V.COMPANY_PREFIXES) * len(V.COMPANY_CORES) * len(V.COMPANY_KINDS)


def _pick(rng: np.random.Generator, weights, size: int) -> np.ndarray:
    """Indexes drawn with the given (unnormalised) weights."""
    p = np.asarray(weights, dtype=float)
    return rng.choice(len(p), size=size, p=p / p.sum())


def draw_companies(rng: np.random.Generator, m: int, policy: Policy) -> dict[str, np.ndarray]:
    """A pool of m distinct companies with firmographics shared by all their leads."""
    triples = rng.choice(COMPANY_POOL_MAX, m, replace=False)
    kind, rest = triples % len(V.COMPANY_KINDS), triples // len(V.COMPANY_KINDS)
    core, prefix = rest % len(V.COMPANY_CORES), rest // len(V.COMPANY_CORES)
    firm = policy.firmographics
    supported = list(firm.supported_countries)
    unsupported = [c for c in V.UNSUPPORTED_COUNTRIES if c not in supported]
    countries = np.array(supported + unsupported, dtype=object)
    weights = [V.COUNTRY_WEIGHTS.get(c, V.DEFAULT_COUNTRY_WEIGHT) for c in supported]
    # Unsupported regions make up ~7% of companies whatever the size of the supported list.
    weights += [0.07 * sum(weights) / 0.93 / max(len(unsupported), 1)] * len(unsupported)
    industries = [name for name, _, _ in V.INDUSTRIES] + [b.title() for b in firm.blocked_industries]
    industry_w = [w for _, w, _ in V.INDUSTRIES] + [2.5 / max(len(firm.blocked_industries), 1)] * len(
        firm.blocked_industries
    )
    crms = list(V.SUPPORTED_CRMS) + [c.title() if c.isalpha() else c.upper() for c in firm.unsupported_crms]
    crm_w = [30, 25, 12, 8, 6, 4][: len(V.SUPPORTED_CRMS)] + [3.0 / max(len(firm.unsupported_crms), 1)] * len(
        firm.unsupported_crms
    )
    # Log-normal headcount around ~120 people: a long tail of enterprises and some below the floor.
    employees = np.clip(np.rint(np.exp(rng.normal(np.log(120), 1.7, m))), 1, 2_000_000).astype(np.int64)
    revenue = employees * np.exp(rng.normal(np.log(160_000), 0.5, m))
    return {
        "prefix": prefix,
        "core": core,
        "kind": kind,
        "hyphen": rng.random(m) < 0.5,
        "country": countries[_pick(rng, weights, m)],
        "industry": np.array(industries, dtype=object)[_pick(rng, industry_w, m)],
        "crm": np.array(crms + [""], dtype=object)[_pick(rng, crm_w + [25], m)],
        "company_type": np.array(COMPANY_TYPES, dtype=object)[_pick(rng, COMPANY_TYPE_SHARES, m)],
        "employees": employees,
        "revenue": np.round(revenue, -3),
    }


def company_text(companies: dict[str, np.ndarray], index: int) -> tuple[str, str]:
    """(name, domain) of one pooled company."""
    prefix = V.COMPANY_PREFIXES[companies["prefix"][index]]
    core = V.COMPANY_CORES[companies["core"][index]]
    kind = V.COMPANY_KINDS[companies["kind"][index]]
    tld = V.COUNTRY_TLD.get(companies["country"][index], "com")
    stem = f"{prefix}{core}-{kind}" if companies["hyphen"][index] else f"{prefix}{core}{kind}"
    return f"{prefix}{core} {kind}", f"{stem.lower()}.{tld}"


def draw_segments(rng: np.random.Generator, n: int, policy: Policy) -> np.ndarray:
    """Persona per lead; personas whose policy list is empty fall back to normal."""
    seg = _pick(rng, SEGMENT_SHARES, n)
    empty = {
        "competitor": not policy.domains.competitors,
        "own_test": False,
        "dne": not policy.domains.do_not_engage,
    }
    for name, is_empty in empty.items():
        if is_empty:
            seg[seg == SEGMENTS.index(name)] = 0
    return seg


def draw_titles(rng: np.random.Generator, seg: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(role index into TITLE_ROLES plus student/job_seeker, title string or '') per lead."""
    n = len(seg)
    roles = [name for name, _, _ in V.TITLE_ROLES] + ["student", "job_seeker"]
    role = _pick(rng, [w for _, w, _ in V.TITLE_ROLES], n)
    role[seg == SEGMENTS.index("student")] = roles.index("student")
    role[seg == SEGMENTS.index("job_seeker")] = roles.index("job_seeker")
    pick = rng.random(n)
    titles = np.empty(n, dtype=object)
    for r, name in enumerate(roles):
        mask = role == r
        pool = np.array(V.TITLES.get(name, ("",)), dtype=object)
        titles[mask] = pool[(pick[mask] * len(pool)).astype(int)]
    return role, titles


def draw_email_kind(rng: np.random.Generator, seg: np.ndarray, employees: np.ndarray) -> np.ndarray:
    """Email kind per lead: personal email is likelier at small companies; personas set their own."""
    n = len(seg)
    u = rng.random(n)
    p_free = 0.13 + 0.17 * (employees < 50)
    # Thresholds on one uniform: free, then ~1% academic (gated as student context), ~0.4% missing, ~0.4% invalid.
    kind = np.select(
        [u < p_free, u < p_free + 0.01, u < p_free + 0.014, u < p_free + 0.018],
        [FREE, ACADEMIC, MISSING, INVALID],
        default=CORPORATE,
    )
    v = rng.random(n)
    by_segment = {
        "student": np.where(v < 0.35, ACADEMIC, np.where(v < 0.9, FREE, CORPORATE)),
        "job_seeker": np.where(v < 0.85, FREE, CORPORATE),
        "competitor": np.where(v < 0.85, COMPETITOR, FREE),  # the rest give the competitor's website
        "own_test": np.where(v < 0.6, OWN, np.where(v < 0.8, FREE, CORPORATE)),
        "bot": np.where(v < 0.5, FREE, np.where(v < 0.8, DISPOSABLE, CORPORATE)),
        "fake_name": np.where(v < 0.6, FREE, np.where(v < 0.75, DISPOSABLE, CORPORATE)),
        "disposable": np.full(n, DISPOSABLE),
        "dne": np.full(n, DNE),
    }
    for name, values in by_segment.items():
        mask = seg == SEGMENTS.index(name)
        kind[mask] = values[mask]
    return kind


def draw_channels(rng: np.random.Generator, seg: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(channel index into CHANNELS, cost or NaN) per lead; bots only arrive through web forms."""
    n = len(seg)
    channel = _pick(rng, [c[1] for c in V.CHANNELS], n)
    names = [c[0] for c in V.CHANNELS]
    bots = seg == SEGMENTS.index("bot")
    web = np.array([names.index(c) for c in ("paid_search", "organic", "direct", "paid_social")])
    channel[bots] = web[rng.integers(0, len(web), int(bots.sum()))]
    known = rng.random(n) < np.array([c[2] for c in V.CHANNELS])[channel]
    median = np.array([c[3] for c in V.CHANNELS])[channel]
    cost = np.round(median * np.exp(rng.normal(0.0, 0.45, n)), 2)
    return channel, np.where(known & (median > 0), cost, np.nan)


def draw_inquiry(rng: np.random.Generator, channel: np.ndarray) -> np.ndarray:
    """Inquiry type index (or -1 for none) per lead, by channel."""
    n = len(channel)
    names = [c[0] for c in V.CHANNELS]
    web = _pick(rng, [28, 14, 30, 22, 2, 4], n)  # demo, pricing, contact, content, rfp, none
    inquiry = np.where(web == 5, -1, web)
    u = rng.random(n)
    syndicated = channel == names.index("content_syndication")
    inquiry[syndicated] = np.where(u[syndicated] < 0.9, 3, -1)
    offline = (channel == names.index("events")) | (channel == names.index("outbound"))
    inquiry[offline] = np.where(u[offline] < 0.3, 2, -1)
    return inquiry


def draw_bot_flags(rng: np.random.Generator, seg: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(honeypot filled, too fast, link spam) per lead; every bot shows at least one."""
    n = len(seg)
    bots = seg == SEGMENTS.index("bot")
    flags = rng.random((3, n)) < np.array([[0.5], [0.55], [0.4]])
    none = bots & ~flags.any(axis=0)
    flags[rng.integers(0, 3, n), np.arange(n)] |= none
    return flags[0] & bots, flags[1] & bots, flags[2] & bots


def draw_form_and_source(rng, a, created: np.ndarray, policy: Policy) -> dict[str, list]:
    """Form fields (message, timing, honeypot) and source fields (campaign, ip) per lead."""
    n = len(created)
    submitted = a["submitted"]
    human = np.exp(rng.normal(np.log(50.0), 0.6, n)).clip(policy.bots.min_seconds_on_form + 0.5, None)
    fast = rng.uniform(0.2, min(2.0, max(policy.bots.min_seconds_on_form, 0.3)), n)
    seconds = np.where(a["too_fast"], fast, np.round(human, 1))
    u = rng.random((n, 3))
    messages = []
    for i, inquiry in enumerate(a["inquiry"].tolist()):
        if a["link_spam"][i]:
            messages.append(V.SPAM_MESSAGES[int(u[i, 0] * len(V.SPAM_MESSAGES))])
        elif inquiry and u[i, 1] < (0.15 if inquiry == "content" else 0.55):
            pool = V.MESSAGES[inquiry]
            messages.append(pool[int(u[i, 0] * len(pool))])
        else:
            messages.append(None)
    honeypot = np.where(
        a["honeypot_filled"], np.array(V.HONEYPOT_VALUES, dtype=object)[(u[:, 2] * 4).astype(int)], None
    )
    honeypot = np.where(~a["honeypot_filled"] & submitted & (u[:, 2] < 0.15), "", honeypot)
    names = np.array([c[0] for c in V.CHANNELS], dtype=object)[a["channel"]]
    month = np.datetime_as_string(created.astype("datetime64[s]").astype("datetime64[M]")).tolist()
    theme = rng.integers(0, len(V.CAMPAIGN_THEMES), n).tolist()
    no_campaign = {"organic", "direct", "referral"}
    octets = rng.integers(1, 255, (n, 4))
    octets[a["segment"] == a["seg_code"]["bot"], :2] = (185, 220)  # bots come from a few hosting ranges
    return {
        "seconds": [
            float(s) if ok else None for s, ok in zip(seconds.tolist(), submitted.tolist(), strict=True)
        ],
        "message": messages,
        "honeypot": [h if ok else None for h, ok in zip(honeypot.tolist(), submitted.tolist(), strict=True)],
        "channel": names.tolist(),
        "campaign": [
            None if c in no_campaign else f"{m}-{c}-{V.CAMPAIGN_THEMES[t]}"
            for c, m, t in zip(names.tolist(), month, theme, strict=True)
        ],
        "ip": [".".join(map(str, row)) for row in octets.tolist()],
    }
