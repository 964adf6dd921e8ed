"""Which lead input feeds each model column: the one table messages name a column's input by."""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter

from leadgate.features.builder import COUNTS, FeatureBuilder
from leadgate.features.schema import Lead

# The lead path each built-in column is read from, when one input feeds it (a mapping's feature_columns names
# the export column by this path); the others mix several inputs (email_matches_website,
# company_unidentified, decayed_intent) or count days up to the decision.
INPUT_PATHS: dict[str, str] = {
    "log10_employees": "fields.company.employees",
    "log10_below_target_size": "fields.company.employees",
    "log10_above_target_size": "fields.company.employees",
    "log10_revenue": "fields.company.annual_revenue",
    "seniority_rank": "fields.contact.job_title",
    "function": "fields.contact.job_title",
    "job_title": "fields.contact.job_title",
    "email_domain_class": "fields.contact.email",
    "industry": "fields.company.industry",
    "company_type": "fields.company.company_type",
    "country": "fields.company.country",
    "crm": "fields.company.crm",
    "inquiry_type": "fields.form.inquiry_type",
    "channel": "fields.source.channel",
    "campaign": "fields.source.campaign",
    "log10_cost": "fields.source.cost",
    "has_website": "fields.company.website",
    "has_company_name": "fields.company.name",
    "log10_message_chars": "fields.form.message",
    "log10_seconds_on_form": "fields.form.seconds_on_form",
    **{f"n_{event}": f"events.{event}" for event, *_ in COUNTS},
}

# The built-in columns that stand for their input one to one, with the input in words, as messages name it
# where no export column does; the size bands, seniority and function read an input already named here.
INPUT_WORDS: dict[str, str] = {
    "channel": "channel",
    "campaign": "campaign",
    "industry": "industry",
    "country": "country",
    "company_type": "company type",
    "crm": "CRM in use",
    "inquiry_type": "inquiry type",
    "job_title": "job title",
    "log10_employees": "company size",
    "log10_revenue": "annual revenue",
}


# The built-in columns no one input feeds, in words: what a reader of `monitor`'s drift table is to check.
MIXED_WORDS: dict[str, str] = {
    "email_matches_website": "email domain and website",
    "company_unidentified": "company name, website and email",
    "decayed_intent": "recent buying events",
    "days_since_meaningful": "days since the last buying event",
    "lead_age_days": "days since the lead was created",
}


def input_names(builder: FeatureBuilder) -> dict[str, str]:
    """Each model column, the input it reads in words: a custom field's label, else the lead path or events."""
    names = {feature: path.removeprefix("fields.") for feature, path in INPUT_PATHS.items()}
    names.update({f"n_{event}": f"{event} events" for event, *_ in COUNTS})
    return {**names, **MIXED_WORDS, **{field.feature: field.label for field in builder.custom_fields}}


def input_paths(builder: FeatureBuilder) -> dict[str, str]:
    """Each of a model's columns one input feeds, with that input's lead path, its custom fields included."""
    return {**INPUT_PATHS, **{field.feature: f"custom.{field.name}" for field in builder.custom_fields}}


def input_reader(path: str) -> Callable[[Lead], object]:
    """A reader of a lead's value at a field's or custom field's path ('fields.source.channel')."""
    kind, _, rest = path.partition(".")
    if kind == "custom":
        return lambda lead: lead.custom.get(rest)
    if kind != "fields":
        raise ValueError(f"{path} is not a field's or custom field's lead path")
    # Parsed once per batch, not once per lead: a batch reads millions of leads through it.
    return attrgetter(rest)


def input_check(path: str) -> Callable[[Lead], bool]:
    """A check that a lead has the input at a path: a value (0 is one), or for an event type one event."""
    kind, _, event = path.partition(".")
    if kind == "events":
        return lambda lead: any(e.type == event for e in lead.events)
    read = input_reader(path)
    return lambda lead: (value := read(lead)) is not None and value != ""
