"""Property: every rendered reason of every built-in family is true of the generated lead.

Each check below reads the lead as sent (its events, fields and times), never the pipeline's derived signals,
so the words are checked against the data, not against the code that wrote them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from leadgate.decision.policy import load_policy
from leadgate.decision.reason_words import CODE_WORDS
from leadgate.features.channel_labels import channel_label
from leadgate.features.derived import MEANINGFUL_EVENTS
from leadgate.features.schema import EventType, InquiryType, Lead
from leadgate.features.titles import parse_title

SCORED_AT = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)
FREE = ("gmail.com", "yahoo.com", "outlook.com")
PLACEHOLDER = ("test.com", "example.com", "example.org", "sales.example.net")
CORPORATE = ("nordwerk.de", "acme-robotics.com")
DISPOSABLE = ("mailinator.com",)
WEBSITE = {
    "page view": "page_view",
    "pricing page visit": "pricing_page",
    "careers page visit": "careers_page",
    "form submission": "form_submit",
}
HIGH_INTENT = ("demo_request", "meeting_booked", "email_reply")
TARGET = tuple(load_policy().firmographics.employees_target)


def _maybe(values) -> st.SearchStrategy:
    return st.one_of(st.none(), st.sampled_from(values))


# Ages in whole minutes that never land on a day boundary, so "N days" has one right answer.
_age_minutes = st.builds(lambda days, minute: days * 1440 + minute, st.integers(0, 200), st.integers(1, 1438))
_event = st.builds(
    lambda kind, minutes: {"type": kind, "at": (SCORED_AT - timedelta(minutes=minutes)).isoformat()},
    st.sampled_from([e.value for e in EventType]),
    st.one_of(_age_minutes, st.integers(-3 * 1440, -1)),  # some after the decision time: not yet happened
)
_email = st.one_of(
    st.none(),
    st.just("maria.keller"),
    st.builds(lambda d: f"maria@{d}", st.sampled_from(FREE + PLACEHOLDER + CORPORATE + DISPOSABLE)),
)
leads = st.builds(
    lambda created, contact, company, form, source, events: {
        "lead_id": "p-1",
        "created_at": (SCORED_AT - timedelta(minutes=created)).isoformat(),
        "scored_at": SCORED_AT.isoformat(),
        "contact": contact,
        "company": company,
        "form": form,
        "source": source,
        "events": events,
    },
    _age_minutes,
    st.fixed_dictionaries(
        {
            "first_name": st.just("Maria"),
            "last_name": st.just("Keller"),
            "email": _email,
            "job_title": _maybe(
                [
                    "VP Operations",
                    "IT Director",
                    "Marketing Intern",
                    "Florist",
                    "Geschäftsführerin",
                    "Prezes Zarządu",
                ]
            ),
        }
    ),
    st.fixed_dictionaries(
        {
            "name": _maybe(["Nordwerk GmbH"]),
            "website": _maybe(["https://www.nordwerk.de", "acme-robotics.com"]),
            "employees": _maybe([3, 400, 20_000, "1-10", "51-200", "11-50", "1001-5000", "10001+"]),
            "annual_revenue": _maybe([1e6, 6e7]),
            "industry": _maybe(["manufacturing", "software", "retail"]),
            "country": _maybe(["US", "DE", "Brazil"]),
            "company_type": _maybe(["b2b", "b2c", "education"]),
            "crm": _maybe(["salesforce", "hubspot"]),
        }
    ),
    st.fixed_dictionaries(
        {
            "inquiry_type": _maybe([i.value for i in InquiryType]),
            "message": _maybe(["Please show us a demo.", "x" * 400]),
            "seconds_on_form": _maybe([4.0, 62.0]),
        }
    ),
    st.fixed_dictionaries(
        {
            "channel": _maybe(
                ["organic", "paid_search", "events", "content_syndication", "LinkedIn Lead Gen"]
            ),
            "campaign": _maybe(["q4-launch"]),
        }
    ),
    st.lists(_event, max_size=12),
)


def _days(delta: timedelta) -> float:
    return delta.total_seconds() / 86_400


def _counts(lead: Lead) -> dict[str, int]:
    counts = dict.fromkeys((e.value for e in EventType), 0)
    for event in lead.events:
        if event.at <= SCORED_AT:
            counts[event.type.value] += 1
    return counts


@dataclass(frozen=True)
class Seen:
    """A lead's events of each type as the model's intent windows split them, read from the lead as sent."""

    inside: dict[str, int]  # within the type's window (every event of a type without one)
    older: dict[str, int]
    latest: dict[str, float]  # days since the most recent event of the type
    windows: dict[str, float]


def _seen(lead: Lead, windows: dict[str, float]) -> Seen:
    inside, older = dict.fromkeys(_counts(lead), 0), dict.fromkeys(_counts(lead), 0)
    latest: dict[str, float] = {}
    for event in lead.events:
        if event.at > SCORED_AT:
            continue
        kind, age = event.type.value, _days(SCORED_AT - event.at)
        latest[kind] = min(age, latest.get(kind, math.inf))
        if age <= windows.get(kind, math.inf):
            inside[kind] += 1
        else:
            older[kind] += 1
    return Seen(inside, older, latest, windows)


_HISTORY = re.compile(r"(\d+) days? ago \(outside the (\d+)-day intent window\)")


def _check_history(words: str, kind: str, seen: Seen) -> None:
    """'190 days ago (outside the 90-day intent window)': only older events, the latest that old."""
    days, window = map(int, _HISTORY.fullmatch(words).groups())
    assert seen.inside[kind] == 0 and seen.older[kind] > 0, (words, kind, seen)
    assert days == math.floor(seen.latest[kind]) and window == seen.windows[kind] < seen.latest[kind]


def _last_meaningful_days(lead: Lead) -> float | None:
    ages = [
        _days(SCORED_AT - e.at)
        for e in lead.events
        if e.type.value in MEANINGFUL_EVENTS and e.at <= SCORED_AT
    ]
    return min(ages) if ages else None


def _when_is_true(when: str, days: float) -> bool:
    """'in the last 24 hours' or 'N day(s) ago' said of something `days` days before the decision."""
    if when == "in the last 24 hours":
        return days < 1
    return int(when.split()[0]) == math.floor(days) >= 1


def _check_website(text: str, seen: Seen) -> None:
    web = {kind: seen.inside[kind] + seen.older[kind] for kind in WEBSITE.values()}
    if text == "No website activity recorded":
        assert not any(web.values())
        return
    assert text.startswith("Website activity: ") and "No website activity" not in text
    body = re.sub(r", no (other )?page views$", "", text.removeprefix("Website activity: "))
    said = {}
    for part in body.split(", "):  # no part has a comma of its own
        counted = re.fullmatch(r"(\d+) ([a-z ]+?)s?(?: \((\d+)× earlier\))?", part)
        if counted:
            kind = WEBSITE[counted.group(2)]
            said[kind] = int(counted.group(1))
            assert seen.inside[kind] == said[kind] and seen.older[kind] == int(counted.group(3) or 0), part
        else:
            word, history = re.fullmatch(r"([a-z ]+?) (\d+ days? ago .*)", part).groups()
            said[WEBSITE[word]] = 0
            _check_history(history, WEBSITE[word], seen)
    assert set(said) == {kind for kind, n in web.items() if n}, (text, web)
    if "no other page views" in text or "no page views" in text:
        assert web["page_view"] == 0


def _check_demo(text: str, seen: Seen, lead: Lead) -> None:
    asked_in_form = lead.form.inquiry_type == InquiryType.demo
    inside, older = seen.inside["demo_request"], seen.older["demo_request"]
    if text == "No demo request":
        assert inside + older == 0 and not asked_in_form
    elif text.startswith("Asked for a demo in the form"):
        assert asked_in_form and inside == 0
    elif _HISTORY.search(text):
        assert not asked_in_form
        _check_history(text.removeprefix("Requested a demo "), "demo_request", seen)
    else:
        said = re.fullmatch(r"Requested a demo \((\d+)×(?: in the last (\d+) days, (\d+)× earlier)?\)", text)
        assert int(said.group(1)) == inside >= 1, (text, seen)
        assert int(said.group(3) or 0) == older
        if older:
            assert int(said.group(2)) == seen.windows["demo_request"]


def _did(kind: str, did: str, did_not: str):
    """A one-event family: 'Did (2×)', 'Did (1× in the last 90 days, 2× earlier)', 'Did N days ago (outside ...)'."""

    def check(text: str, seen: Seen, lead: Lead) -> None:
        inside, older = seen.inside[kind], seen.older[kind]
        if text == did_not:
            assert inside + older == 0
        elif _HISTORY.search(text):
            _check_history(text.removeprefix(did + " "), kind, seen)
        else:
            said = re.fullmatch(
                re.escape(did) + r" \((\d+)×(?: in the last (\d+) days, (\d+)× earlier)?\)", text
            )
            assert int(said.group(1)) == inside >= 1 and int(said.group(3) or 0) == older, (text, seen)

    return check


def _check_staleness(text: str, seen: Seen, lead: Lead) -> None:
    counts = {kind: seen.inside[kind] + seen.older[kind] for kind in seen.inside}
    last = _last_meaningful_days(lead)
    arrived = _days(SCORED_AT - lead.created_at)
    for when in re.findall(r"[Ll]ead arrived (in the last 24 hours|\d+ days? ago)", text):
        assert _when_is_true(when, arrived), (text, arrived)
    if "No meaningful activity recorded" in text or re.fullmatch(
        r"Lead arrived (in the last 24 hours|\d+ days? ago)", text
    ):
        assert last is None
        return
    assert last is not None, text
    quiet = re.search(r"No meaningful activity for (\d+) days?", text)
    ago = re.search(r"[Mm]eaningful activity (\d+ days? ago)", text)
    if quiet:
        assert int(quiet.group(1)) == math.floor(last) >= 1
    elif ago:
        assert _when_is_true(ago.group(1), last)
    else:
        assert text.startswith("Active in the last 24 hours") and last < 1, text
        if "little buying activity" in text:
            assert not any(counts[kind] for kind in HIGH_INTENT)
        if "no demo request" in text:  # a form asking for a demo is a demo request (README, Demo)
            assert lead.form.inquiry_type != InquiryType.demo, text


def _check_channel(text: str, lead: Lead) -> None:
    channel, campaign = lead.source.channel, lead.source.campaign
    if text == "Channel not given":
        assert not channel and not campaign
    elif text.endswith("channel not given"):
        assert not channel and text == f"Campaign {campaign}, channel not given"
    else:
        said = channel_label(channel)  # leadgate's own codes in words, a CRM's own names as written
        assert text == f"Came from {said}" + (f" (campaign {campaign})" if campaign else "")


def _check_email(text: str, lead: Lead) -> None:
    email = lead.contact.email
    domain = email.rsplit("@", 1)[1] if email and "@" in email else ""
    inside = re.search(r"\(([^)]*)\)$", text)
    shown = inside.group(1) if inside else ""
    if text == "Email address not given":
        assert email is None
    elif text == "Email address without a domain":
        assert email and not domain
    elif text.startswith("Placeholder email domain"):
        assert shown == domain and domain in PLACEHOLDER
    elif text.startswith("Personal email address"):
        assert shown == domain and domain in FREE
    elif text.startswith("Disposable email address"):
        assert shown == domain and domain in DISPOSABLE
    else:
        assert domain in CORPORATE, text


# "<label> not given" for a single field: the lead as sent must leave it empty.
_NOT_GIVEN = {
    "Company size": lambda lead: lead.company.employees,
    "Annual revenue": lambda lead: lead.company.annual_revenue,
    "Job title": lambda lead: lead.contact.job_title,
    "Job function": lambda lead: lead.contact.job_title,
    "Industry": lambda lead: lead.company.industry,
    "Company type": lambda lead: lead.company.company_type,
    "Country": lambda lead: lead.company.country,
    "CRM in use": lambda lead: lead.company.crm,
    "Inquiry type": lambda lead: lead.form.inquiry_type,
    "Email address": lambda lead: lead.contact.email,
    "Channel": lambda lead: lead.source.channel,
}
_FORM_FIELDS = {
    "website": lambda lead: lead.company.website,
    "company name": lambda lead: lead.company.name,
    "message": lambda lead: lead.form.message,
}


def _check_not_given(text: str, family: str, lead: Lead) -> None:
    if not text.endswith("not given"):
        return
    label = text.removesuffix(" not given")
    if family == "data_quality":
        named = set(re.split(r", | and ", label.lower()))
        assert named == {field for field, value in _FORM_FIELDS.items() if not value(lead)}, text
    elif family == "channel":
        assert not lead.source.channel
    else:
        assert _NOT_GIVEN[label](lead) is None, text


def _check_size(text: str, lead: Lead, target: tuple[int, int]) -> None:
    if text == "Company size not given":
        return
    said = re.fullmatch(
        r"Company size ([\d,]+)(?:–([\d,]+)|(\+))? employees?, (below|partly in|in|above) the target range "
        r"([\d,]+)–([\d,]+)(?: \(converted above average in training\))?",
        text,
    )
    assert said, text
    number = lambda group: int(said.group(group).replace(",", ""))  # noqa: E731
    employees = lead.company.employees
    fewest = number(1)
    most = number(2) if said.group(2) else math.inf if said.group(3) else fewest
    # A band is quoted as the lead gave it, never as one count made up for it.
    assert (
        f"{fewest}-{most}" == employees
        if said.group(2)
        else f"{fewest}+" == employees
        if said.group(3)
        else (fewest == int(employees))
    ), text
    # The range named is the one the model measures, whatever range a policy given at decision time names.
    assert (number(5), number(6)) == target, text
    low, high = target
    inside = fewest >= low and most <= high
    where = "below" if most < low else "above" if fewest > high else "in" if inside else "partly in"
    assert said.group(4) == where, (text, target)


def _check_revenue(text: str, lead: Lead) -> None:
    if text != "Annual revenue not given":
        assert text == f"Annual revenue USD {lead.company.annual_revenue:,.0f}"


def _check_title(text: str, lead: Lead, family: str) -> None:
    title = lead.contact.job_title
    if text.startswith("Job title: "):  # what no rule reads of a title is quoted, nothing claimed of it
        parsed = parse_title(title)
        what = "seniority" if family == "seniority" else "job function"
        read = parsed.seniority_read if family == "seniority" else parsed.function_read
        said = f"Job title: {title} ({what} not recognised by leadgate's title rules)"
        assert text == said and not read, text
        return
    if not text.endswith("not given"):
        assert text.endswith(f"({title})"), text
        if text.startswith("Student or intern"):
            assert re.search(r"intern|student", lead.contact.job_title, re.I), text
        if text.startswith("Apprentice or trainee"):
            assert re.search(r"apprenti|trainee|azubi|auszubild", lead.contact.job_title, re.I), text


def _check_category(
    label: str, value, words: dict[str, str] | None = None
) -> Callable[[str, dict, Lead], None]:
    def check(text: str, counts: dict[str, int], lead: Lead) -> None:
        if not text.endswith("not given"):
            given = value(lead)
            code = getattr(given, "value", given)
            # A schema code reads as words ('b2b' as 'B2B'), never two codes as the same words.
            assert text == f"{label}: {(words or {}).get(code, code)}", text

    return check


def _check_form(text: str, lead: Lead) -> None:
    if text.endswith("not given"):
        return
    # Every form field given (any missing one reads "... not given"): each named, with the lead's own values.
    said = re.fullmatch(
        r"Website \((.+)\), company name and message \((\d+) characters?\) given"
        r"(?:, form filled in under a second|, form filled in (\d+) seconds?)?",
        text,
    )
    assert said, text
    assert said.group(1) in lead.company.website
    assert int(said.group(2)) == len(lead.form.message or "")
    seconds = lead.form.seconds_on_form
    if said.group(3):
        assert int(said.group(3)) == int(seconds)
    elif "under a second" in text:
        assert seconds < 1
    else:
        assert seconds is None


CHECKS = {
    "company_size": lambda text, counts, lead: _check_size(text, lead, TARGET),
    "revenue": lambda text, counts, lead: _check_revenue(text, lead),
    "seniority": lambda text, counts, lead: _check_title(text, lead, "seniority"),
    "function": lambda text, counts, lead: _check_title(text, lead, "function"),
    "industry": _check_category("Industry", lambda lead: lead.company.industry),
    "company_type": _check_category(
        "Company type", lambda lead: lead.company.company_type, CODE_WORDS["company_type"]
    ),
    "country": _check_category("Country", lambda lead: lead.company.country),
    "stack": _check_category("CRM in use", lambda lead: lead.company.crm),
    "inquiry": _check_category(
        "Inquiry type", lambda lead: lead.form.inquiry_type, CODE_WORDS["inquiry_type"]
    ),
    "data_quality": lambda text, counts, lead: _check_form(text, lead),
    "web_activity": lambda text, seen, lead: _check_website(text, seen),
    "demo": _check_demo,
    "pricing": _did("pricing_page", "Visited the pricing page", "Never visited the pricing page"),
    "reply": _did("email_reply", "Replied to our emails", "Never replied to our emails"),
    "content": _did("content_download", "Downloaded content", "No content downloads"),
    "staleness": _check_staleness,
    "channel": lambda text, seen, lead: _check_channel(text, lead),
    "email_domain": lambda text, seen, lead: _check_email(text, lead),
}


@settings(max_examples=100, deadline=None, database=None)
@given(data=leads)
def test_every_rendered_reason_is_true_of_the_lead(pipeline, data):
    lead = Lead.model_validate(data)
    decisions = pipeline.decide([lead])
    # The session model's windows (chosen from its history); events here are up to 200 days old.
    book, seen = pipeline.book, _seen(lead, dict(pipeline.model.builder.windows))
    for family, render in zip(book.families, book.renderers, strict=True):
        for negative in (True, False):
            text = render(decisions.derived, decisions.matrix, 0, negative)
            _check_not_given(text, family, lead)
            if family in CHECKS:
                CHECKS[family](text, seen, lead)
    for reason in decisions.reasons(0, negative=False):
        assert "not given" not in reason.text, reason
    # A size outside the target range said to convert above average: its training range did.
    size = book.renderers[book.families.index("company_size")](decisions.derived, decisions.matrix, 0, False)
    if size.endswith("(converted above average in training)"):
        column = pipeline.model.builder.feature_names.index("log10_employees")
        assert pipeline.model.reference.above_for(column, decisions.matrix[:, column])[0], size
