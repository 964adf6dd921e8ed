"""The words of each built-in reason family, true of the lead they describe, and which leads have its value."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from leadgate.decision.count_words import company_size, counted, plural, times
from leadgate.decision.form_words import data_quality_renderer
from leadgate.decision.size_words import size_places, target_span
from leadgate.decision.title_reasons import function_words, seniority_words
from leadgate.features import signals
from leadgate.features.builder import CATEGORICALS, COUNTS, FAMILIES, FEATURES
from leadgate.features.channel_labels import channel_label
from leadgate.features.derived import DEFAULT_EMPLOYEES_TARGET, WEBSITE_EVENTS, Derived, unlisted_class

# Built-in features come first in every model's matrix, so their column indexes are the same in all.
_FEATURE_INDEX = {spec.name: j for j, spec in enumerate(FEATURES)}


def _num(x: np.ndarray, i: int, name: str) -> float:
    return float(x[i, _FEATURE_INDEX[name]])


Renderer = Callable[[Derived, np.ndarray, int, bool], str]


def _email(d: Derived, x: np.ndarray, i: int, negative: bool) -> str:
    # The class the model weighed: a listed competitor or our own domain is the gates' business, not its.
    cls, domain, site = unlisted_class(d, i), d.email_domain[i], d.website_domain[i]
    if cls == "missing":
        # An address typed without a domain was given, just not usable.
        return "Email address without a domain" if d.table.text["email"][i] else "Email address not given"
    if cls in ("free", "corporate") and signals.is_placeholder_domain(domain):
        # test.com is on the free-mail list and example.com looks corporate; neither is a real mailbox.
        return f"Placeholder email domain ({domain})"
    label = {
        "free": "Personal email address",
        "academic": "Academic email address",
        "disposable": "Disposable email address",
    }.get(cls, "Company email address")
    if cls == "corporate" and site and domain != site and not domain.endswith("." + site):
        return f"Email domain {domain} does not match company website {site}"
    if cls == "corporate" and site:
        return f"Company email address on the company's own domain ({domain})"
    return f"{label} ({domain})" if domain else label


def size_renderer(target: tuple[int, int]) -> Renderer:
    """Company size against the target range the model was trained with, named: a policy given at decision
    time may name another range, and the reason must be true of the one the model's columns measure."""
    span = target_span(target)

    def render(d: Derived, x: np.ndarray, i: int, negative: bool) -> str:
        employees = d.table.numbers["employees"][i]
        if employees != employees:
            return "Company size not given"
        fewest, most = d.table.numbers["employees_low"][i], d.table.numbers["employees_high"][i]
        if fewest != most:  # a band: where all of it lies, which the model's one size for it cannot say
            [where] = size_places(np.array([fewest]), np.array([most]), target)
            return f"Company size {company_size(fewest, most)}, {where} the target range {span}"
        below = _num(x, i, "log10_below_target_size") > 0
        above = _num(x, i, "log10_above_target_size") > 0
        where = "below" if below else "above" if above else "in"
        return f"Company size {company_size(fewest, most)}, {where} the target range {span}"

    return render


_size = size_renderer(DEFAULT_EMPLOYEES_TARGET)  # a model's own range replaces it (ReasonBook)


def _revenue(d: Derived, x: np.ndarray, i: int, negative: bool) -> str:
    revenue = d.table.numbers["annual_revenue"][i]
    # "USD", not "$": the field is in US dollars (a mapped export converts), and '$' is many currencies' sign.
    return "Annual revenue not given" if revenue != revenue else f"Annual revenue USD {revenue:,.0f}"


# The schema's codes for a company type or an inquiry, in the words a rep reads ("b2b" is a code, not a word).
CODE_WORDS = {
    "company_type": {"b2b": "B2B", "b2c": "B2C", "government": "government", "nonprofit": "nonprofit"},
    "inquiry_type": {"rfp": "RFP (request for proposal)"},
}


def _category(label: str, column: str) -> Renderer:
    words = CODE_WORDS.get(column, {})

    def render(d: Derived, x: np.ndarray, i: int, negative: bool) -> str:
        value = d.table.text[column][i]
        return f"{label}: {words.get(value, value)}" if value else f"{label} not given"

    return render


def channel_renderer(channels_learned: bool = True) -> Renderer:
    """Channel and campaign in words; a model whose training leads named no channel (an export with only a
    campaign column) never speaks of one (walk AB: "Channel not given" for a blank campaign)."""

    def render(d: Derived, x: np.ndarray, i: int, negative: bool) -> str:
        channel, campaign = d.table.text["channel"][i], d.table.text["campaign"][i]
        if not channel and not channels_learned:
            return f"Campaign {campaign}" if campaign else "Campaign not given"
        if not channel:
            return f"Campaign {campaign}, channel not given" if campaign else "Channel not given"
        return f"Came from {channel_label(channel)}" + (f" (campaign {campaign})" if campaign else "")

    return render


_channel = channel_renderer()  # a model's own book says whether it learned channels (ReasonBook)


Floors = dict[str, int]  # event type → the count from which it may stand for more (see count_words.at_least)


def asked_for_demo(d: Derived, i: int) -> bool:
    """Whether the lead's form asked for a demo (`inquiry_type: demo`): a demo request in the rep's eyes."""
    return d.table.text["inquiry_type"][i] == "demo"


def _demo(floors: Floors) -> Renderer:
    def render(d: Derived, x: np.ndarray, i: int, negative: bool) -> str:
        count = d.count_of("demo_request", i)
        if count:
            return f"Requested a demo ({times(count, floors.get('demo_request'))})"
        # The model's count is of demo-request events; a demo form is one too, in the rep's eyes and in ours.
        if asked_for_demo(d, i):
            return "Asked for a demo in the form only" if negative else "Asked for a demo in the form"
        return "No demo request"

    return render


def _counter(event: str, did: str, did_not: str, floors: Floors) -> Renderer:
    def render(d: Derived, x: np.ndarray, i: int, negative: bool) -> str:
        count = d.count_of(event, i)
        return f"{did} ({times(count, floors.get(event))})" if count else did_not

    return render


def _flag_event(event: str, did: str, did_not: str) -> Renderer:
    def render(d: Derived, x: np.ndarray, i: int, negative: bool) -> str:
        return did if d.count_of(event, i) else did_not

    return render


def _events(names: tuple[str, ...], label: str, floors: Floors) -> Renderer:
    def render(d: Derived, x: np.ndarray, i: int, negative: bool) -> str:
        parts = [counted(d.count_of(n, i), n, floors.get(n)) for n in names if d.count_of(n, i)]
        return f"{label}: {', '.join(parts)}" if parts else f"No {label.lower()}"

    return render


def _website(floors: Floors) -> Renderer:
    def render(d: Derived, x: np.ndarray, i: int, negative: bool) -> str:
        parts = [counted(d.count_of(n, i), n, floors.get(n)) for n in WEBSITE_EVENTS if d.count_of(n, i)]
        return website_text(d, i, parts)

    return render


def website_text(d: Derived, i: int, parts: list[str]) -> str:
    """'Website activity: …' from the lead's counted parts (plain or windowed), or that there was none."""
    if not parts:
        return "No website activity recorded"
    text = f"Website activity: {', '.join(parts)}"
    # The model's page-view count leaves pricing and careers visits to their own families: say so.
    if not d.count_of("page_view", i):
        other = d.count_of("pricing_page", i) or d.count_of("careers_page", i)
        text += ", no other page views" if other else ", no page views"
    return text


def event_renderers(floors: Floors) -> dict[str, Renderer]:
    """The event families' renderers; a count from its type's floor on reads '100 or more page views'."""
    return {
        "demo": _demo(floors),
        "pricing": _counter(
            "pricing_page", "Visited the pricing page", "Never visited the pricing page", floors
        ),
        "reply": _counter("email_reply", "Replied to our emails", "Never replied to our emails", floors),
        "meeting": _events(("meeting_booked", "meeting_cancelled"), "Meetings", floors),
        "content": _counter("content_download", "Downloaded content", "No content downloads", floors),
        "webinar": _events(("webinar_registered", "webinar_attended", "webinar_no_show"), "Webinars", floors),
        "email_engagement": _events(("email_open", "email_click"), "Email engagement", floors),
        "web_activity": _website(floors),
        "careers": _counter("careers_page", "Visited the careers page", "No careers page visits", floors),
    }


def _ago(days: float) -> str:
    # "today" would be false of 23 hours ago on the calendar's yesterday; 24-hour periods are what is counted.
    return "in the last 24 hours" if days < 1 else f"{plural(days, 'day')} ago"


# Events that show buying intent in themselves; without one, recent activity is little buying activity.
HIGH_INTENT_EVENTS = ("demo_request", "meeting_booked", "email_reply")


def _staleness(d: Derived, x: np.ndarray, i: int, negative: bool) -> str:
    # Words from the lead's own events: the form that created the lead is not activity unless we say so.
    since_event = d.days_since_meaningful[i]
    since_created = d.table.numbers["scored_days"][i] - d.table.numbers["created_days"][i]
    if since_event != since_event:
        arrived = f"lead arrived {_ago(since_created)}"
        return f"No meaningful activity recorded ({arrived})" if negative else arrived.capitalize()
    arrived_later = int(since_created) < int(since_event)
    if since_event >= 1:
        if negative:
            text = f"No meaningful activity for {plural(since_event, 'day')}"
            return text + (f" (lead arrived {_ago(since_created)})" if arrived_later else "")
        last = f"last meaningful activity {_ago(since_event)}"
        return f"Lead arrived {_ago(since_created)}, {last}" if arrived_later else last.capitalize()
    if negative and not any(d.count_of(event, i) for event in HIGH_INTENT_EVENTS):
        if asked_for_demo(d, i):
            # The form asked for a demo: "no demo request" would contradict the lead's own form (and the
            # inquiry reason beside it); what is missing is the rest.
            return (
                "Active in the last 24 hours, but with little buying activity beyond the demo asked for in "
                "the form (no meeting or reply)"
            )
        return (
            "Active in the last 24 hours, but with little buying activity (no demo request, meeting or reply)"
        )
    if negative and since_created >= 1:
        return f"Active in the last 24 hours; the lead arrived {plural(since_created, 'day')} ago"
    return "Active in the last 24 hours"


RENDERERS: dict[str, Renderer] = {
    "email_domain": _email,
    "company_size": _size,
    "revenue": _revenue,
    "seniority": seniority_words,
    "function": function_words,
    "industry": _category("Industry", "industry"),
    "company_type": _category("Company type", "company_type"),
    "country": _category("Country", "country"),
    "stack": _category("CRM in use", "crm"),
    "inquiry": _category("Inquiry type", "inquiry_type"),
    "channel": _channel,
    **event_renderers({}),
    "opt_out": _flag_event("unsubscribe", "Asked not to receive email", "Has not opted out of email"),
    "staleness": _staleness,
    "data_quality": data_quality_renderer(),
}
assert set(RENDERERS) == set(FAMILIES), "every reason family needs a renderer"

assert {c for _, c in CATEGORICALS} | {f for *_, f in COUNTS} <= set(FAMILIES)
