"""Turning the generator's arrays into nested lead dicts in the schema's JSON form."""

from __future__ import annotations

import numpy as np

from leadgate.training import synth_people as P
from leadgate.training import synth_vocab as V
from leadgate.training.synth_events import EVENT_NAMES
from leadgate.training.synth_people import company_text, draw_form_and_source

_WEBSITE_FORMS = ("https://www.{}", "www.{}", "{}", "https://{}/", "http://www.{}")
# Free providers repeated by market share so one uniform draw picks them in proportion.
_FREE_POOL = tuple(d for d, w in zip(V.FREE_DOMAINS, V.FREE_WEIGHTS, strict=True) for _ in range(int(w)))


def iso(seconds: np.ndarray) -> list[str]:
    """ISO-8601 UTC strings for epoch seconds, vectorized."""
    return np.datetime_as_string(np.asarray(seconds, dtype="datetime64[s]"), timezone="UTC").tolist()


def _stem(domain: str) -> str:
    """A company name guessed from its domain: 'pipelineiq.com' -> 'Pipelineiq'."""
    return domain.split(".")[0].replace("-", " ").title()


def contact_fields(a: dict[str, np.ndarray], companies, policy) -> dict[str, list]:
    """First/last name, email, company name and website per lead (string work, one loop)."""
    n = len(a["segment"])
    rng_vals = a["text_draws"]  # (n, 8) uniforms fixed up-front so the loop stays deterministic
    own, competitors, dne = policy.domains.own, policy.domains.competitors, policy.domains.do_not_engage
    out: dict[str, list] = {k: [None] * n for k in ("first", "last", "email", "company", "website")}
    fake = a["segment"] == a["seg_code"]["fake_name"]
    competitor = a["segment"] == a["seg_code"]["competitor"]
    for i in range(n):
        u = rng_vals[i]
        if fake[i]:
            first, last = V.FAKE_NAMES[int(u[0] * len(V.FAKE_NAMES))]
        else:
            first = V.FIRST_NAMES[int(u[0] * len(V.FIRST_NAMES))]
            last = V.LAST_NAMES[int(u[1] * len(V.LAST_NAMES))]
        name, domain = company_text(companies, a["company"][i])
        kind = a["email_kind"][i]
        if competitor[i]:  # competitor staff: their own company and website, whatever the email
            domain = competitors[int(u[2] * len(competitors))]
            name = _stem(domain)
        elif kind == P.OWN:
            domain = own[int(u[2] * len(own))]
            name = _stem(domain)
        elif kind == P.DNE:
            domain = dne[int(u[2] * len(dne))]
            name = _stem(domain)
        if a["test_company"][i]:
            name = V.TEST_COMPANIES[int(u[2] * len(V.TEST_COMPANIES))]
        out["first"][i], out["last"][i] = first, (last if u[3] > 0.01 else None)
        out["email"][i] = _email(kind, first.lower(), last.lower(), domain, u)
        out["company"][i] = name if a["has_name"][i] else None
        out["website"][i] = _WEBSITE_FORMS[int(u[5] * 5)].format(domain) if a["has_website"][i] else None
    return out


def _email(kind: int, first: str, last: str, domain: str, u: np.ndarray) -> str | None:
    """An address of the drawn kind; free addresses get the digits people add to taken names."""
    pattern = int(u[4] * 4)
    local = (f"{first}.{last}", f"{first[0]}{last}", first, f"{first}_{last}")[pattern]
    if kind in (P.CORPORATE, P.COMPETITOR, P.OWN, P.DNE):
        return f"{local}@{domain}"
    if kind == P.FREE:
        free = _FREE_POOL[int(u[2] * len(_FREE_POOL))]
        return f"{local}{int(u[6] * 1000) if u[7] > 0.3 else ''}@{free}"
    if kind == P.ACADEMIC:
        return f"{local}@{V.ACADEMIC_DOMAINS[int(u[2] * len(V.ACADEMIC_DOMAINS))]}"
    if kind == P.DISPOSABLE:
        return f"{local}{int(u[6] * 100)}@{V.DISPOSABLE_DOMAINS[int(u[2] * len(V.DISPOSABLE_DOMAINS))]}"
    if kind == P.MISSING:
        return None
    return (f"{first}@", "n/a", f"{first} at {domain}", f"{local}@{domain.split('.')[0]}")[pattern]


def event_lists(lead: np.ndarray, code: np.ndarray, at: np.ndarray, n: int) -> list[list[dict]]:
    """Per lead, its events as {type, at} dicts (arrays already sorted by lead, then time)."""
    names = np.array(EVENT_NAMES, dtype=object)[code].tolist()
    stamps = iso(at)
    bounds = np.searchsorted(lead, np.arange(n + 1)).tolist()
    return [
        [
            {"type": t, "at": s}
            for t, s in zip(names[bounds[i] : bounds[i + 1]], stamps[bounds[i] : bounds[i + 1]], strict=True)
        ]
        for i in range(n)
    ]


def as_list(values: np.ndarray) -> list:
    """Python values for a column, with NaN and '' turned into None."""
    out = values.tolist()
    if values.dtype.kind == "f":
        return [None if v != v else v for v in out]
    return [None if v == "" else v for v in out]


def build_records(rng, a, created, scored, outcome, policy, seed: int) -> list[dict]:
    """Assemble the nested lead dicts, one loop over leads."""
    n = len(created)
    people = contact_fields(a, a["companies"], policy)
    fs = draw_form_and_source(rng, a, created, policy)
    created_s, scored_s, sql_at_s = iso(created), iso(scored), iso(outcome["sql_at"])
    employees = [None if e != e else int(e) for e in a["employees"].tolist()]
    cols = {
        "revenue": as_list(a["revenue"]),
        "industry": as_list(a["industry"]),
        "country": as_list(a["country"]),
        "company_type": as_list(a["company_type"]),
        "crm": as_list(a["crm"]),
        "title": as_list(a["title"]),
        "inquiry": as_list(a["inquiry"]),
        "cost": as_list(a["cost"]),
    }
    sql, won, reasons = outcome["sql"].tolist(), outcome["won"].tolist(), outcome["reasons"].tolist()
    records = []
    for i in range(n):
        records.append(
            {
                "lead_id": f"lead-{seed}-{i + 1:07d}",  # the seed keeps ids of separate batches apart
                "created_at": created_s[i],
                "scored_at": scored_s[i],
                "contact": {
                    "first_name": people["first"][i],
                    "last_name": people["last"][i],
                    "email": people["email"][i],
                    "job_title": cols["title"][i],
                },
                "company": {
                    "name": people["company"][i],
                    "website": people["website"][i],
                    "employees": employees[i],
                    "annual_revenue": cols["revenue"][i],
                    "industry": cols["industry"][i],
                    "country": cols["country"][i],
                    "company_type": cols["company_type"][i],
                    "crm": cols["crm"][i],
                },
                "form": {
                    "inquiry_type": cols["inquiry"][i],
                    "message": fs["message"][i],
                    "seconds_on_form": fs["seconds"][i],
                    "honeypot": fs["honeypot"][i],
                },
                "source": {
                    "channel": fs["channel"][i],
                    "campaign": fs["campaign"][i],
                    "cost": cols["cost"][i],
                    "ip": fs["ip"][i],
                },
                "events": a["events"][i],
                "outcome": {
                    "sql": sql[i],
                    "sql_at": sql_at_s[i] if sql[i] else None,
                    "won": won[i],
                    "rejection_reason": None if sql[i] else reasons[i],
                    "true_negative_factors": outcome["factors"][i],
                },
            }
        )
    return records
