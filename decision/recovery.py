"""What would change a decision, for sales: per gate (policy text, lift wording) and per negative reason family."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from leadgate.decision.history_facts import HistoryRules
from leadgate.decision.policy import Lift, Policy
from leadgate.decision.policy_gates import GateSpec
from leadgate.decision.profile_checks import headcount
from leadgate.decision.reason_words import FORM_FIELDS
from leadgate.features import signals
from leadgate.features.custom import CustomField
from leadgate.features.derived import Derived, unlisted_class

_EVENT_WORDS = {
    "demo_request": "demo request",
    "meeting_booked": "booked meeting",
    "email_reply": "reply to our emails",
    "pricing_page": "pricing page visit",
    "content_download": "content download",
    "webinar_attended": "webinar attendance",
}


def _listed(words: list[str], joiner: str = "or") -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {joiner} {words[-1]}"


def lift_words(lift: Lift) -> str:
    """'a new demo request, booked meeting or reply to our emails (within 14 days) lifts this to verify'."""
    events = [_EVENT_WORDS.get(event.value, event.value.replace("_", " ")) for event in lift.events]
    days = f"{lift.within_days:g} day{'' if lift.within_days == 1 else 's'}"
    return f"a new {_listed(events)} (within {days}) lifts this to {lift.route.value}"


def _months(months: float) -> str:
    return f"{months:g} month{'' if months == 1 else 's'}"


# The policy's own numbers a gate's recovery may name, by check: "{floor}" reads "10 employees". Filled from
# the policy in force, so a recovery never quotes a threshold the policy no longer has.
POLICY_WORDS: dict[str, dict[str, Callable[[Policy], str]]] = {
    "below_size_floor": {"floor": lambda policy: headcount(policy.firmographics.employees_floor)},
    "recently_rejected_account": {
        "window": lambda policy: _months((policy.history or HistoryRules()).bad_fit_months)
    },
}
# The lead's own facts a gate's recovery may name, by check: its check gives them per lead (decision.gates).
LEAD_WORDS: dict[str, tuple[str, ...]] = {"recently_rejected_account": ("until",)}


def recovery_fields(check: str) -> tuple[str, ...]:
    """The placeholders a gate running this check may use in its recovery."""
    return tuple(POLICY_WORDS.get(check, ())) + LEAD_WORDS.get(check, ())


class _Kept(dict):
    # Formatting in two steps (the policy's words once per batch, the lead's per lead) keeps later fields.
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def gate_recovery(gate: GateSpec, policy: Policy) -> str | None:
    """The gate's own recovery with the policy's numbers, then for a liftable gate what lifts it; None: nothing does.

    Placeholders of the lead's own facts ({until}) are left for `lead_recovery`.
    """
    parts = []
    if gate.recovery:
        words = {name: word(policy) for name, word in POLICY_WORDS.get(gate.check, {}).items()}
        parts.append(gate.recovery.format_map(_Kept(words)) if words else gate.recovery)
    if gate.liftable:
        parts.append(lift_words(policy.lift))
    return "; ".join(parts) or None


def lead_recovery(recovery: str, words: dict[str, str] | None) -> str:
    """A gate's recovery with the lead's own facts filled in (`words` from its check)."""
    return recovery.format_map(_Kept(words)) if words else recovery


def still_held(codes: list[str]) -> str:
    """' (competitor_domain still holds this lead)': what a lift cannot change, after a lift's promise."""
    return f" ({_listed(codes, 'and')} still {'holds' if len(codes) == 1 else 'hold'} this lead)"


Recovery = Callable[[Derived, np.ndarray, int], str]


def _correction(label: str) -> str:
    return f"only a correction of the {label} changes this"


def _value(label: str, given: Callable[[Derived, int], bool]) -> Recovery:
    """Facts of the lead: the value when it was not given, else only a correction."""
    corrected, missing = _correction(label), f"the {label}"  # worded once: this runs for most reasons against
    return lambda d, x, i: corrected if given(d, i) else missing


def _text(column: str) -> Callable[[Derived, int], bool]:
    return lambda d, i: bool(d.table.text[column][i])


def _number(column: str) -> Callable[[Derived, int], bool]:
    return lambda d, i: d.table.numbers[column][i] == d.table.numbers[column][i]


def _email(d: Derived, x: np.ndarray, i: int) -> str:
    cls, domain, site = unlisted_class(d, i), d.email_domain[i], d.website_domain[i]
    matches = bool(site) and (domain == site or domain.endswith("." + site))
    if cls == "corporate" and not signals.is_placeholder_domain(domain):
        return _correction("email address") if matches else "an email address on the company website's domain"
    return "a company email address on the company's own domain"


def _activity(what: str) -> Recovery:
    text = f"{what} lifts this"
    return lambda d, x, i: text


def _data_quality(d: Derived, x: np.ndarray, i: int) -> str:
    missing = [label for label, column in FORM_FIELDS if not d.table.text[column][i]]
    if missing:
        return f"the {_listed(missing, 'and')}"
    return "only a new, complete submission changes this"


RECOVERIES: dict[str, Recovery] = {
    "email_domain": _email,
    "company_size": _value("company size", _number("employees")),
    "revenue": _value("annual revenue", _number("annual_revenue")),
    "seniority": _value("job title", _text("job_title")),
    "function": _value("job title", _text("job_title")),
    "industry": _value("industry", _text("industry")),
    "company_type": _value("company type", _text("company_type")),
    "country": _value("country", _text("country")),
    "stack": _value("CRM in use", _text("crm")),
    "inquiry": _value("inquiry type", _text("inquiry_type")),
    "channel": _value("channel the lead came from", _text("channel")),
    "demo": _activity("a new demo request"),
    "pricing": _activity("a visit to the pricing page"),
    "reply": _activity("a reply to our emails"),
    "meeting": _activity("a booked meeting that takes place"),
    "content": _activity("a content download"),
    "webinar": _activity("attending a webinar"),
    "email_engagement": _activity("opening or clicking our emails"),
    "web_activity": _activity("a new website visit (a page, the pricing page)"),
    "careers": _activity("buying activity beyond the careers page (a demo request, pricing visit or reply)"),
    "opt_out": lambda d, x, i: "only the contact opting back in to email changes this",
    "staleness": _activity("new activity (a demo request, a reply or a meeting)"),
    "data_quality": _data_quality,
}


def _changed(field: CustomField, value) -> str:
    """What other value of a given custom field would change the decision, as far as its type says."""
    if field.type == "flag":
        # Against, so the flag's other value is the one that counts for the lead.
        return f"{field.label}: {'no' if value else 'yes'}"
    if field.type == "category":
        return f"only a correction of {field.label} changes this"
    if field.type == "datetime":
        # A date is read as its age: an increasing direction means older dates convert better.
        earlier = {"increasing": "an earlier ", "decreasing": "a more recent "}.get(field.direction or "")
        return f"{earlier}{field.label}" if earlier else f"a change in {field.label}"
    higher = {"increasing": "a higher ", "decreasing": "a lower "}.get(field.direction or "")
    # A number without a known direction (calls, a score from another tool) can change: no "correction".
    return f"{higher}{field.label}" if higher else f"a change in {field.label}"


def custom_recovery(field: CustomField) -> Recovery:
    """A custom field: a value when it was not given, else the value that would count (by type and direction)."""

    def recover(d: Derived, x: np.ndarray, i: int) -> str:
        value = d.table.custom[i].get(field.name)
        return f"a value for {field.label}" if value is None else _changed(field, value)

    return recover
