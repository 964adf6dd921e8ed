"""What would change a decision, for sales, per negative reason family (a gate's: decision.gate_recovery)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from leadgate.decision.count_words import listed
from leadgate.decision.custom_targets import target_recovery
from leadgate.decision.custom_words import level_shown
from leadgate.decision.form_words import data_quality_recovery
from leadgate.decision.reason_words import asked_for_demo
from leadgate.decision.reference import ReasonReference
from leadgate.decision.title_reasons import function_unread, seniority_unread, title_unread
from leadgate.features import signals
from leadgate.features.custom import CustomField
from leadgate.features.derived import DEFAULT_EMPLOYEES_TARGET, Derived, unlisted_class

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


def email_recovery(website_read: bool = True) -> Recovery:
    """The email family's recovery; `website_read`: whether the training leads' email and website ever matched
    and ever did not (walk V: an export without a website column had "the company's website" for a recovery, and
    giving one left P(SQL) exactly where it was)."""

    def recover(d: Derived, x: np.ndarray, i: int) -> str:
        cls, domain, site = unlisted_class(d, i), d.email_domain[i], d.website_domain[i]
        matches = bool(site) and (domain == site or domain.endswith("." + site))
        if cls == "corporate" and not signals.is_placeholder_domain(domain):
            if not website_read:  # a company address already: nothing else on the form moves this family
                return _correction("email address")
            if (
                not site
            ):  # walk Q: no website to be on the domain of; giving one (sfahdj.com) is what would count
                return "the company's website"
            return (
                _correction("email address")
                if matches
                else "an email address on the company website's domain"
            )
        return "a company email address on the company's own domain"

    return recover


_email = email_recovery()


IN_TARGET = "none from the lead: the company size is in the target range"


def size_recovery(target: tuple[int, int]) -> Recovery:
    """Company size: a band is no mistake to correct, an exact head count is what would place the company —
    unless all of the band lies outside the `target` range, where any head count in it would too. A head count
    inside the range is no mistake either: nothing the lead could give changes it."""

    def recover(d: Derived, x: np.ndarray, i: int) -> str:
        low, high = d.table.numbers["employees_low"][i], d.table.numbers["employees_high"][i]
        banded = low == low and low != high  # NaN: no size given, which _company_size asks for
        if not banded:
            # Walk: "157 employees, in the target range 50–5,000 | only a correction of the company size
            # changes this" asked a rep to doubt a size the policy itself wants.
            if target[0] <= low <= target[1]:
                return IN_TARGET
            return _company_size(d, x, i)
        # Walk U: "an exact head count" for a 10–49 band, where every head count is below a target from 50.
        if high < target[0] or low > target[1]:
            return _correction("company size")
        return "an exact head count (the size given is a band)"

    return recover


_size = size_recovery(
    DEFAULT_EMPLOYEES_TARGET
)  # a model's own range replaces it (ReasonBook), as the renderer's


_company_size = _value("company size", _number("employees"))


def _activity(what: str) -> Recovery:
    text = f"{what} lifts this"
    return lambda d, x, i: text


_STALE = "new activity (a demo request, a reply or a meeting) lifts this"
# A lead whose form asked for a demo has asked for one: a rep cannot ask it for "a demo request" again.
_STALE_DEMO_FORM = "new activity (a reply or a meeting) lifts this"


def _title(unread: Callable[[Derived, int], bool], what: str) -> Recovery:
    """A title the rules read: only its correction changes this; one they do not read (or read no `what` in)
    is no error to correct."""
    given = _value("job title", _text("job_title"))
    whole = "none from the lead: leadgate's title rules do not read this title"
    # A title read in part: "do not read this title" would be false of "Director of Sustainability" (walk Y).
    part = f"none from the lead: leadgate's title rules read no {what} in this title"

    def recover(d: Derived, x: np.ndarray, i: int) -> str:
        if not unread(d, i):
            return given(d, x, i)
        return whole if title_unread(d, i) else part

    return recover


def levels_above(
    reference: ReasonReference | None, column: int | None, levels: list[str] | tuple[str, ...]
) -> list[tuple[int, str]] | None:
    """(code, level) of a category column whose training leads converted clearly above average, best first;
    None for a model without statistics."""
    if reference is None or column is None:
        return None
    return [(code, levels[code]) for code in reference.codes_above(column) if code < len(levels)]


def inquiry_recovery(better: list[tuple[int, str]] | None = None, column: int | None = None) -> Recovery:
    """The inquiry type is what the lead asked for, not a fact to correct: a new inquiry of a type that
    converted above average in training (`better`, from `levels_above`) changes it."""
    no_other = (
        "none known: this model has no statistics on inquiry types"
        if better is None
        else "none known: no other inquiry type converted clearly above average in training"
    )

    def recover(d: Derived, x: np.ndarray, i: int) -> str:
        inquiry = d.table.text["inquiry_type"][i]
        if not inquiry:
            return "the inquiry type"
        if better is None:
            # Without statistics: a demo, the request leadgate weighs most as intent (a demo form is one).
            asked = [] if inquiry == "demo" else ["demo"]
        else:
            asked = [level for code, level in better if code != x[i, column]]
        if not asked:
            return no_other
        # The lead's own inquiry is what it sent: only a new submission, a new lead, can ask for another.
        return f"only a new inquiry (a new lead, with inquiry type {listed(asked[:3])}) changes this"

    return recover


RECOVERIES: dict[str, Recovery] = {
    "email_domain": _email,
    "company_size": _size,
    "revenue": _value("annual revenue", _number("annual_revenue")),
    "seniority": _title(seniority_unread, "seniority"),
    "function": _title(function_unread, "job function"),
    "industry": _value("industry", _text("industry")),
    "company_type": _value("company type", _text("company_type")),
    "country": _value("country", _text("country")),
    "stack": _value("CRM in use", _text("crm")),
    "inquiry": inquiry_recovery(),
    "channel": _value("channel the lead came from", _text("channel")),
    "demo": _activity("a new demo request"),
    "pricing": _activity("a visit to the pricing page"),
    "reply": _activity("a reply to our emails"),
    "meeting": _activity("a booked meeting that takes place"),
    "content": _activity("a content download"),
    "webinar": _activity("attending a webinar"),
    "email_engagement": _activity("opening or clicking our emails"),
    # Without the model's reference statistics (older models): what moves the family, without a number.
    "web_activity": _activity("more page views"),
    # Only careers page visits move this reason: other buying activity shows in reasons of its own.
    "careers": lambda d, x, i: "only the careers page visits on record count here, not other activity",
    "opt_out": lambda d, x, i: "only the contact opting back in to email changes this",
    "staleness": lambda d, x, i: _STALE_DEMO_FORM if asked_for_demo(d, i) else _STALE,
    "data_quality": data_quality_recovery(),
}


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def better_flag(field: CustomField, reference: ReasonReference | None, column: int | None) -> bool | None:
    """The flag value that converts better: the mapping's direction, else the model's training statistics
    when they show one clearly better than the other; None when neither says."""
    if field.direction:
        return field.direction == "increasing"
    if reference is None or column is None:
        return None
    for value in (True, False):
        if reference.converts_better(column, float(value), float(not value)):
            return value
    return None


def _flag_recovery(field: CustomField, better: bool | None, has_statistics: bool) -> Recovery:
    """A flag: the value that converts better; without one known, nothing claimed of either value. A yes is
    never asked to become a no: it records what happened (an interest stated, an opt-out), which only a
    correction changes."""
    label = field.label
    # Walk: "Interested in Mobile: yes" had "Interested in Mobile: no" for a recovery, which no rep can bring
    # about. A no (or a blank) can become a yes by asking or verifying; a yes on record can only be wrong.
    taken_back = f"only a correction of {label} to no changes this"

    def recover(d: Derived, x: np.ndarray, i: int) -> str:
        value = d.table.custom[i].get(field.name)
        if better is not None:
            if value is None or bool(value) != better:
                return taken_back if value else f"{label}: {_yes_no(better)}"
            return f"no other value of {label} converts better"
        if not has_statistics:  # a model without statistics (older ones): as before them
            if value is None:
                return f"a value for {label}"
            return taken_back if value else f"{label}: yes"
        # "No" would take the reason away as surely as "yes" (walk: P(SQL) 0.122 -> 0.118): name neither.
        if value is None:
            return f"a value for {label}; training does not show whether yes or no converts better"
        return f"none known: training does not show that {label}: {_yes_no(not value)} converts better"

    return recover


def _category_recovery(
    field: CustomField, better: list[tuple[int, str]] | None, column: int | None
) -> Recovery:
    """A category leadgate cannot know the meaning of (a fact to correct, or a state that changes): the values
    that converted above average in training, with which the reason is no longer against; else none named."""
    label = field.label

    def recover(d: Derived, x: np.ndarray, i: int) -> str:
        missing = d.table.custom[i].get(field.name) is None
        if better is None:  # a model without statistics: nothing known of any value
            return (
                f"a value for {label}" if missing else f"none known: this model has no statistics on {label}"
            )
        own = x[i, column]
        others = [level_shown(field, level) for code, level in better if code != own]
        if others:
            return f"{label}: {listed(others[:3])} (converted above average in training)"
        if missing:
            return f"a value for {label}; no value of it converted clearly above average in training"
        return f"none known: no other value of {label} converted clearly above average in training"

    return recover


def custom_recovery(
    field: CustomField,
    reference: ReasonReference | None = None,
    column: int | None = None,
    levels: list[str] | tuple[str, ...] = (),
) -> Recovery:
    """A custom field: the value that would count, by its type and direction and the model's statistics
    (`reference`, with the field's model `column` and, for a category, its `levels` by code)."""
    if field.type == "flag":
        return _flag_recovery(field, better_flag(field, reference, column), reference is not None)
    if field.type == "category":
        return _category_recovery(field, levels_above(reference, column, levels), column)
    return target_recovery(field, reference, column)


# Counts where more is activity a rep can ask for (a demo request, a page view), by model column; not the ones
# that read as a bad sign however the model weighs them (a cancelled meeting, a no-show, a careers visit).
