"""SHAP contributions grouped by reason family and rendered in words with the lead's own values."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from leadgate.decision.record import Reason
from leadgate.features.builder import CATEGORICALS, COUNTS, FAMILIES, FEATURES, FeatureBuilder
from leadgate.features.custom import CustomField
from leadgate.features.derived import Derived

TOP_NEGATIVE = 3
TOP_POSITIVE = 2
# Built-in features come first in every model's matrix, so their column indexes are the same in all.
_FEATURE_INDEX = {spec.name: j for j, spec in enumerate(FEATURES)}
# Contributions smaller than this (log-odds) are noise, not a reason worth a sales rep's time.
MIN_CONTRIBUTION = 0.01


def top_families(by_family: np.ndarray, negative: bool, k: int) -> np.ndarray:
    """(n, k) family indices ordered by strength; -1 where fewer than k families qualify."""
    signed = by_family if negative else -by_family
    order = np.argsort(signed, axis=1, kind="stable")[:, :k]
    strength = np.take_along_axis(signed, order, axis=1)
    return np.where(strength < -MIN_CONTRIBUTION, order, -1)


def _num(x: np.ndarray, i: int, name: str) -> float:
    return float(x[i, _FEATURE_INDEX[name]])


def _plural(count: float, word: str) -> str:
    n = int(count)
    return f"{n} {word}{'' if n == 1 else 's'}"


Renderer = Callable[[Derived, np.ndarray, int, bool], str]


def _email(d: Derived, x: np.ndarray, i: int, negative: bool) -> str:
    cls, domain, site = d.domain_class[i], d.email_domain[i], d.website_domain[i]
    label = {
        "free": "Personal email address",
        "academic": "Academic email address",
        "disposable": "Disposable email address",
        "missing": "No email address",
        "competitor": "Competitor email domain",
        "own": "Our own email domain",
    }.get(cls, "Company email address")
    if cls == "corporate" and site and domain != site and not domain.endswith("." + site):
        return f"Email domain {domain} does not match company website {site}"
    if cls == "corporate" and site:
        return f"Company email address on the company's own domain ({domain})"
    return f"{label} ({domain})" if domain else label


def _size(d: Derived, x: np.ndarray, i: int, negative: bool) -> str:
    employees = d.table.numbers["employees"][i]
    if employees != employees:
        return "Company size unknown"
    below = _num(x, i, "log10_below_target_size") > 0
    above = _num(x, i, "log10_above_target_size") > 0
    where = (
        "below the target range" if below else "above the target range" if above else "in the target range"
    )
    return f"Company size {int(employees):,} employees, {where}"


def _revenue(d: Derived, x: np.ndarray, i: int, negative: bool) -> str:
    revenue = d.table.numbers["annual_revenue"][i]
    return "Annual revenue unknown" if revenue != revenue else f"Annual revenue ${revenue:,.0f}"


def _seniority(d: Derived, x: np.ndarray, i: int, negative: bool) -> str:
    title = d.table.text["job_title"][i]
    if not title:
        return "No job title given"
    kind = {
        "executive": "Executive / founder",
        "vp": "VP-level role",
        "director": "Director-level role",
        "manager": "Manager-level role",
        "individual": "Individual-contributor role",
        "junior": "Junior role",
        "student": "Student or intern",
    }.get(d.seniority[i], "Role")
    return f"{kind} ({title})"


def _category(label: str, column: str) -> Renderer:
    def render(d: Derived, x: np.ndarray, i: int, negative: bool) -> str:
        value = d.table.text[column][i]
        return f"{label}: {value}" if value else f"{label} not given"

    return render


def _function(d: Derived, x: np.ndarray, i: int, negative: bool) -> str:
    title = d.table.text["job_title"][i]
    return f"Job function {d.function[i]} ({title})" if title else "Job function unknown"


def _channel(d: Derived, x: np.ndarray, i: int, negative: bool) -> str:
    channel, campaign = d.table.text["channel"][i] or "unknown", d.table.text["campaign"][i]
    return f"Came from {channel}" + (f" (campaign {campaign})" if campaign else "")


def _counter(event: str, did: str, did_not: str) -> Renderer:
    def render(d: Derived, x: np.ndarray, i: int, negative: bool) -> str:
        count = d.count(event)[i]
        return f"{did} ({int(count)}×)" if count else did_not

    return render


def _flag_event(event: str, did: str, did_not: str) -> Renderer:
    def render(d: Derived, x: np.ndarray, i: int, negative: bool) -> str:
        return did if d.count(event)[i] else did_not

    return render


def _events(names: tuple[str, ...], label: str) -> Renderer:
    def render(d: Derived, x: np.ndarray, i: int, negative: bool) -> str:
        parts = [_plural(d.count(n)[i], n.replace("_", " ")) for n in names if d.count(n)[i]]
        return f"{label}: {', '.join(parts)}" if parts else f"No {label.lower()}"

    return render


def _staleness(d: Derived, x: np.ndarray, i: int, negative: bool) -> str:
    days = _num(x, i, "days_since_meaningful")
    if days >= 1:
        return (
            f"No meaningful activity for {_plural(days, 'day')}"
            if negative
            else f"Active {_plural(days, 'day')} ago"
        )
    # Recent but still held against the lead: what pulls it down is how little the activity was.
    return "Active today, but with little buying activity" if negative else "Active today"


def _data_quality(d: Derived, x: np.ndarray, i: int, negative: bool) -> str:
    missing = [
        label
        for label, col in (("website", "website"), ("company name", "company_name"))
        if not d.table.text[col][i]
    ]
    if missing:
        return f"Missing {' and '.join(missing)}"
    message = d.table.text["message"][i]
    if not message:
        return "No message with the request"
    return (
        f"Form filled with a {len(message)}-character message" if not negative else "Short or thin form entry"
    )


RENDERERS: dict[str, Renderer] = {
    "email_domain": _email,
    "company_size": _size,
    "revenue": _revenue,
    "seniority": _seniority,
    "function": _function,
    "industry": _category("Industry", "industry"),
    "company_type": _category("Company type", "company_type"),
    "country": _category("Country", "country"),
    "stack": _category("CRM in use", "crm"),
    "inquiry": _category("Inquiry type", "inquiry_type"),
    "channel": _channel,
    "demo": _counter("demo_request", "Requested a demo", "No demo request"),
    "pricing": _counter("pricing_page", "Visited the pricing page", "Never visited the pricing page"),
    "reply": _counter("email_reply", "Replied to our emails", "Never replied to our emails"),
    "meeting": _events(("meeting_booked", "meeting_cancelled"), "Meetings"),
    "content": _counter("content_download", "Downloaded content", "No content downloads"),
    "webinar": _events(("webinar_registered", "webinar_attended", "webinar_no_show"), "Webinars"),
    "email_engagement": _events(("email_open", "email_click"), "Email engagement"),
    "web_activity": _events(("page_view", "form_submit"), "Website activity"),
    "careers": _counter("careers_page", "Visited the careers page", "No careers page visits"),
    "opt_out": _flag_event("unsubscribe", "Asked not to receive email", "Has not opted out of email"),
    "staleness": _staleness,
    "data_quality": _data_quality,
}
assert set(RENDERERS) == set(FAMILIES), "every reason family needs a renderer"
assert {c for _, c in CATEGORICALS} | {f for *_, f in COUNTS} <= set(FAMILIES)


def _shown(field: CustomField, value, days: float) -> str:
    """A custom value as a person reads it."""
    if field.type == "flag":
        return "yes" if value else "no"
    if field.type == "datetime":
        if days != days:  # not a readable moment: shown as sent
            return str(value)
        if days < 0:
            return f"in {_plural(-days, 'day')}" if days <= -1 else "today"
        return "today" if days < 1 else f"{_plural(days, 'day')} ago"
    if field.type in ("number", "integer") and not isinstance(value, str):
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")
    return str(value)


def custom_renderer(field: CustomField, column: int) -> Renderer:
    """'Label: value' (or the field's own template) with this lead's value; 'Label not given' when missing."""
    template = field.reason or "{label}: {value}"

    def render(d: Derived, x: np.ndarray, i: int, negative: bool) -> str:
        value = d.table.custom[i].get(field.name)
        if value is None:
            return f"{field.label} not given"
        return template.format(label=field.label, value=_shown(field, value, float(x[i, column])))

    return render


@dataclass(frozen=True)
class ReasonBook:
    """One model's reason families: how its columns sum into families and how each family is put in words."""

    families: tuple[str, ...]
    to_families: np.ndarray  # (features, families) 0/1
    renderers: tuple[Renderer, ...]  # by family index

    @classmethod
    def for_builder(cls, builder: FeatureBuilder) -> ReasonBook:
        """The book of a fitted builder: built-in families, then one per custom field."""
        features, families = builder.features, builder.families
        to_families = np.zeros((len(features), len(families)))
        for j, spec in enumerate(features):
            to_families[j, families.index(spec.family)] = 1.0
        renderers = dict(RENDERERS)
        for field in builder.custom_fields:
            renderers[field.feature] = custom_renderer(field, builder.feature_names.index(field.feature))
        return cls(families, to_families, tuple(renderers[family] for family in families))

    def by_family(self, contributions: np.ndarray) -> np.ndarray:
        """(n, families) sums of per-feature contributions (the base value column is dropped)."""
        return contributions[:, : len(self.to_families)] @ self.to_families

    def render(
        self,
        derived: Derived,
        matrix: np.ndarray,
        by_family: np.ndarray,
        index: int,
        picks: np.ndarray,
        negative: bool,
    ) -> list[Reason]:
        """The picked families of one lead as Reasons (`by_family` already rounded)."""
        reasons = []
        for family_index in picks.tolist():
            if family_index < 0:
                continue
            text = self.renderers[family_index](derived, matrix, index, negative)
            reasons.append(Reason(self.families[family_index], text, float(by_family[index, family_index])))
        return reasons
