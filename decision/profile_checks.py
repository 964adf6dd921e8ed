"""Gate checks of a lead's domains, firmographics, form and activity; importing this registers them."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from leadgate.decision.count_words import company_size
from leadgate.decision.gates import _sparse, _text, _values, check
from leadgate.decision.policy import Policy
from leadgate.features import signals
from leadgate.features.derived import Derived
from leadgate.features.industries import industry_listed
from leadgate.features.table import EVENT_CODE


@check("competitor_domain", reads=("email_domain",))
def _competitor(d: Derived, policy: Policy):
    competitors = policy.listed["competitors"]
    by_website = np.array([w in competitors for w in d.website_domain], dtype=bool)
    by_email = d.domain_class == "competitor"
    # Competitors' IP ranges are the competitor_network gate's (decision/lead_checks.py), file and store alike.
    return _values(by_email | by_website, np.where(by_email, d.email_domain, d.website_domain))


@check("employee_or_test")
def _employee_or_test(d: Derived, policy: Policy):
    own = d.domain_class == "own"
    company = _text(d, "company_name")
    test_company = np.array(
        [c.strip().lower() in {"test", "testing", "test company", "acme test"} for c in company], dtype=bool
    )
    return _values(own | test_company, np.where(own, d.email_domain, company))


@check("do_not_engage")
def _do_not_engage(d: Derived, policy: Policy):
    blocked = policy.listed["do_not_engage"]
    hit_email = np.array(
        [e in blocked or signals.registered_domain(e) in blocked for e in d.email_domain], dtype=bool
    )
    hit_site = np.array([w in blocked for w in d.website_domain], dtype=bool)
    return _values(hit_email | hit_site, np.where(hit_email, d.email_domain, d.website_domain))


@check("previously_rejected")
def _previously_rejected(d: Derived, policy: Policy):
    rejected = policy.listed["previously_rejected"]
    if not rejected:  # most policies name none: no domain lookups for a batch of millions
        return _values(np.zeros(d.table.n, dtype=bool), np.full(d.table.n, "", dtype=object))
    hit_email = np.array([signals.registered_domain(e) in rejected or e in rejected for e in d.email_domain])
    hit_site = np.array([w in rejected for w in d.website_domain], dtype=bool)
    hit_email = hit_email.astype(bool) & (d.domain_class != "free")  # a gmail address is no account
    return _values(hit_email | hit_site, np.where(hit_email, d.email_domain, d.website_domain))


# Kept for policy files that still name it (a model's own policy); the default policy treats an unsubscribe
# or a complaint as a suppression (decision.suppression), not as a disqualification.
@check("unsubscribed_or_complained", reads=("opt_out",))
def _unsubscribed(d: Derived, policy: Policy):
    complained = d.count("spam_complaint") > 0
    unsubscribed = d.count("unsubscribe") > 0
    return _values(complained | unsubscribed, np.where(complained, "spam complaint", "unsubscribed"))


@check("unsupported_country", reads=("country",))
def _unsupported_country(d: Derived, policy: Policy):
    supported = set(policy.firmographics.supported_countries)
    raw = _text(d, "country")
    # An unknown country is a data gap, not an exclusion: only a recognised, unserved country fires.
    mask = np.array([bool(c) and c not in supported for c in d.country], dtype=bool)
    return _values(mask, raw)


@check("unrecognised_country", reads=("country",))
def _unrecognised_country(d: Derived, policy: Policy):
    # The served-countries rule cannot judge a country it cannot read ('Narnia', 'XX', a typo): a person
    # checks it, rather than the lead passing the rule that stops its correctly spelt neighbour.
    raw = _text(d, "country")
    mask = np.array([bool(r.strip()) and not c for r, c in zip(raw, d.country, strict=True)], dtype=bool)
    return _values(mask, raw)


@check("blocked_industry", reads=("industry",))
def _blocked_industry(d: Derived, policy: Policy):
    blocked = tuple(policy.firmographics.blocked_industries)
    listed = [industry_listed(i, blocked) if i else "" for i in d.industry]
    raw = _text(d, "industry")
    # The lead's industry as it gave it, and the policy's entry when it reads otherwise ('GAMBLING_CASINOS').
    words = [
        "" if not entry else value if entry.lower() == value.strip().lower() else f"{value}: {entry}"
        for entry, value in zip(listed, raw, strict=True)
    ]
    return _values(np.array([bool(entry) for entry in listed], dtype=bool), words)


@check("excluded_company_type", reads=("company_type",))
def _excluded_type(d: Derived, policy: Policy):
    excluded = set(policy.firmographics.excluded_company_types)
    return _values(np.array([t in excluded for t in d.company_type], dtype=bool), d.company_type)


@check("unsupported_stack", reads=("stack",))
def _unsupported_stack(d: Derived, policy: Policy):
    unsupported = {c.lower() for c in policy.firmographics.unsupported_crms}
    return _values(np.array([c in unsupported for c in d.crm], dtype=bool), d.crm)


@check("below_size_floor", reads=("company_size",))
def _below_floor(d: Derived, policy: Policy):
    low, high = d.table.numbers["employees_low"], d.table.numbers["employees_high"]
    # A band fires only when all of it is below the floor: '1-10' is below 20, '11-50' may not be.
    with np.errstate(invalid="ignore"):
        mask = high < policy.firmographics.employees_floor  # NaN (unknown size) never fires
    return _sparse(mask, lambda i: company_size(low[i], high[i]))


@check("student_or_academic", reads=("seniority", "function", "email_domain"))
def _student(d: Derived, policy: Policy):
    academic = d.domain_class == "academic"
    title = _text(d, "job_title")
    return _values(d.is_student | academic, np.where(d.is_student, title, d.email_domain))


@check("job_seeker", reads=("seniority", "function"))
def _job_seeker(d: Derived, policy: Policy):
    return _values(d.is_job_seeker, _text(d, "job_title"))


@check("fake_name")
def _fake_name(d: Derived, policy: Policy):
    first, last = d.table.text["first_name"], d.table.text["last_name"]
    mask = (d.name_problem != "") & (d.name_problem != "missing name")
    return _sparse(mask, lambda i: f"{f'{first[i]} {last[i]}'.strip()}: {d.name_problem[i]}")


@check("invalid_email", reads=("email_domain",))
def _invalid_email(d: Derived, policy: Policy):
    return _values(~d.email_valid, _text(d, "email"))


def placeholder_domain(d: Derived) -> np.ndarray:
    """Leads writing from test.com, example.com or another domain no real contact writes from."""
    return np.array(
        [
            c in ("free", "corporate") and signals.is_placeholder_domain(e)
            for c, e in zip(d.domain_class, d.email_domain, strict=True)
        ],
        dtype=bool,
    )


@check("personal_email", reads=("email_domain",))
def _personal(d: Derived, policy: Policy):
    free = d.domain_class == "free"
    # test.com is on the free-mail list but is nobody's mailbox: a policy with the placeholder_email gate says
    # so there; one without it keeps capping such leads here rather than letting them through.
    if any(gate.check == "placeholder_email" for gate in policy.active_gates()):
        free &= ~placeholder_domain(d)
    return _values(free, d.email_domain)


@check("disposable_email", reads=("email_domain",))
def _disposable(d: Derived, policy: Policy):
    return _values(d.domain_class == "disposable", d.email_domain)


@check("honeypot_filled")
def _honeypot(d: Derived, policy: Policy):
    honeypot = _text(d, "honeypot")
    return _sparse(honeypot != "", lambda i: f"'{honeypot[i][:40]}'")


@check("too_fast_form")
def _too_fast(d: Derived, policy: Policy):
    seconds = d.table.numbers["seconds_on_form"]
    with np.errstate(invalid="ignore"):
        mask = seconds < policy.bots.min_seconds_on_form  # NaN (not measured) never fires
    return _sparse(mask, lambda i: f"{seconds[i]:.1f} s")


@check("abusive_message")
def _abusive(d: Derived, policy: Policy):
    return _values(d.message_problem != "", d.message_problem)


@check("hard_bounce")
def _hard_bounce(d: Derived, policy: Policy):
    # A bounce event carries no address: the reason quotes when it bounced, never the lead's current address,
    # which may be a newer one that never bounced.
    bounces = d.count("hard_bounce")
    ages = d.last_event_ages[:, EVENT_CODE["hard_bounce"]]
    scored = d.table.numbers["scored_days"]

    def word(i: int) -> str:
        day = datetime.fromtimestamp((scored[i] - ages[i]) * 86_400.0, UTC).date().isoformat()
        count = int(bounces[i])
        return f"on {day}" if count == 1 else f"{count} times, last on {day}"

    return _sparse(bounces > 0, word)


# A high-intent event as something the lead did, for the decay gate's value.
_DID = {
    "demo_request": "requested a demo",
    "meeting_booked": "booked a meeting",
    "email_reply": "replied to our emails",
}


def quiet_days(d: Derived) -> np.ndarray:
    """Days since the lead's last meaningful event or, if later, the form that created it."""
    numbers = d.table.numbers
    return np.fmin(d.days_since_meaningful, numbers["scored_days"] - numbers["created_days"])


@check("decay", reads=("staleness",))
def _decay(d: Derived, policy: Policy):
    # Formerly active (a high-intent event, however old) and now quiet for longer than the policy allows.
    events = [event.value for event in policy.decay.events]
    ages = d.last_event_ages[:, [EVENT_CODE[event] for event in events]]
    latest = np.where(np.isnan(ages), np.inf, ages).argmin(axis=1)
    last_intent = ages[np.arange(len(ages)), latest]
    quiet = quiet_days(d)
    with np.errstate(invalid="ignore"):
        mask = (last_intent == last_intent) & (quiet > policy.decay.stale_after_days)
    values = np.full(len(mask), "", dtype=object)
    scored = d.table.numbers["scored_days"]
    for i in np.flatnonzero(mask).tolist():
        # The lead's own dates, so a rep can check them in the CRM.
        day = datetime.fromtimestamp((scored[i] - last_intent[i]) * 86_400.0, UTC).date().isoformat()
        event = events[latest[i]]
        did = _DID.get(event, f"last {event.replace('_', ' ')}")
        values[i] = (
            f"{did} on {day} ({int(last_intent[i])} days ago), "
            f"no meaningful activity or new form for {int(quiet[i])} days"
        )
    return mask, values
