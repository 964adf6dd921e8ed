"""Small lead factory for tests: a good-fit lead by default, overridden per test."""

from __future__ import annotations

from copy import deepcopy

from leadgate.features.schema import Lead, parse_lead

BASE = {
    "lead_id": "t-1",
    "created_at": "2026-11-01T09:00:00Z",
    "scored_at": "2026-11-03T09:00:00Z",
    "contact": {
        "first_name": "Maria",
        "last_name": "Keller",
        "email": "maria.keller@nordwerk.de",
        "job_title": "VP Operations",
    },
    "company": {
        "name": "Nordwerk GmbH",
        "website": "https://www.nordwerk.de",
        "employees": 400,
        "annual_revenue": 60000000,
        "industry": "manufacturing",
        "country": "DE",
        "company_type": "b2b",
        "crm": "salesforce",
    },
    "form": {
        "inquiry_type": "demo",
        "message": "We would like to see a demo for our sales team.",
        "seconds_on_form": 62,
    },
    "source": {"channel": "organic", "campaign": "", "ip": "203.0.113.9"},
    "events": [{"type": "pricing_page", "at": "2026-11-01T09:10:00Z"}],
}


def lead_dict(**sections) -> dict:
    """BASE with sections merged in: lead_dict(contact={"email": ...}, events=[...])."""
    data = deepcopy(BASE)
    for key, value in sections.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key].update(value)
        else:
            data[key] = value
    return data


def make_lead(**sections) -> Lead:
    """A validated lead built by `lead_dict`."""
    return parse_lead(lead_dict(**sections))


# Every optional field of BASE left out: what "not given" reasons and their recoveries are tested on.
NOTHING_GIVEN = {
    "contact": {"job_title": None},
    "company": {
        "name": None,
        "website": None,
        "employees": None,
        "annual_revenue": None,
        "industry": None,
        "country": None,
        "company_type": None,
        "crm": None,
    },
    "form": {"inquiry_type": None, "message": None},
    "source": {"channel": None, "campaign": None},
}


def lead_with_nothing_given(**sections) -> Lead:
    """A validated lead with every optional field of BASE missing, then `sections` merged in."""
    merged = {k: {**NOTHING_GIVEN.get(k, {}), **v} if isinstance(v, dict) else v for k, v in sections.items()}
    return make_lead(**{**NOTHING_GIVEN, **merged})


def events(*pairs: tuple[str, str]) -> list[dict]:
    """[(type, iso time), ...] as event dicts."""
    return [{"type": kind, "at": at} for kind, at in pairs]
