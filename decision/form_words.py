"""The data-quality family in words: the form fields a lead gave or left empty, of those its model weighed."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from leadgate.decision.count_words import listed, plural
from leadgate.features.derived import Derived

FORM_FIELDS = (("website", "website"), ("company name", "company_name"), ("message", "message"))


# The model column telling whether each form field was given: a field no training lead had is left unsaid.
FORM_FEATURES = {
    "website": "has_website",
    "company_name": "has_company_name",
    "message": "log10_message_chars",
}


def form_fields_told(varied: Callable[[str], bool]) -> tuple[tuple[str, str], ...]:
    """The FORM_FIELDS whose model column varied among the training leads (`varied`, by feature name): walk AC,
    "Website not given" on every lead of an export without a website column."""
    return tuple((label, column) for label, column in FORM_FIELDS if varied(FORM_FEATURES[column]))


def missing_fields(d: Derived, i: int, fields: tuple[tuple[str, str], ...]) -> list[str]:
    """The labels of the form `fields` one lead left empty: what its reason and its recovery both name."""
    return [label for label, column in fields if not d.table.text[column][i]]


def data_quality_renderer(fields: tuple[tuple[str, str], ...] = FORM_FIELDS) -> Callable[..., str]:
    """The form's completeness in words, naming only `fields` (form_fields_told), missing or given."""

    def render(d: Derived, x: np.ndarray, i: int, negative: bool) -> str:
        missing = missing_fields(d, i, fields)
        if missing:
            return f"{listed(missing, 'and').capitalize()} not given"
        return form_given_text(d, i, fields)

    return render


def form_given_text(d: Derived, i: int, fields: tuple[tuple[str, str], ...]) -> str:
    """'Website (acme.de), company name and message (42 characters) given, form filled in 12 seconds': the
    `fields` one lead gave, all of them, and its time on the form if known. Walk AE: a CRM export without a
    form read "Form filled with a 0-character message" of a lead whose website was what the model weighed."""
    parts = []
    for label, column in fields:
        if column == "website":
            domain = d.website_domain[i]
            parts.append(f"website ({domain})" if domain else "website")
        elif column == "message":
            parts.append(f"message ({plural(len(d.table.text['message'][i]), 'character')})")
        else:
            parts.append(label)
    seconds = d.table.numbers["seconds_on_form"][i]
    timed = (
        ""
        if seconds != seconds
        else "form filled in under a second"
        if seconds < 1
        else f"form filled in {plural(seconds, 'second')}"
    )
    text = ", ".join(filter(None, (f"{listed(parts, 'and')} given" if parts else "", timed)))
    # Nothing the model weighed is known of the lead's form: its time on the form is all the family has left.
    return text[0].upper() + text[1:] if text else "Time on the form not given"


def form_given(fields: tuple[tuple[str, str], ...] = FORM_FIELDS) -> Callable[[Derived], np.ndarray]:
    """Which leads gave every one of `fields` (form_fields_told); with none told, which gave a time on the form:
    a missing value is never a reason *for*, and a field the model never weighed is no missing value."""

    def given(d: Derived) -> np.ndarray:
        # Text columns hold "" where a value is missing. One pass in C per column: a batch's cost stays small.
        text, n = d.table.text, d.table.n
        if not fields:
            return ~np.isnan(d.table.numbers["seconds_on_form"])
        result = np.ones(n, dtype=bool)
        for _, column in fields:
            result &= np.fromiter(map(bool, text[column]), dtype=bool, count=n)
        return result

    return given


def data_quality_recovery(fields: tuple[tuple[str, str], ...] = FORM_FIELDS) -> Callable[..., str]:
    """What would change the family's reason: the missing fields among `fields` (form_fields_told); with all
    given, a new submission where the model weighed a message, else a correction of the fields (walk AE: a CRM
    export without a form has no submission to make again)."""
    labels = [label for label, column in fields if column != "message"]
    if labels and len(labels) == len(fields):
        given = f"only a correction of the {listed(labels, 'and')} changes this"
    else:
        given = "only a new, complete submission changes this"

    def recover(d: Derived, x: np.ndarray, i: int) -> str:
        missing = missing_fields(d, i, fields)
        return f"the {listed(missing, 'and')}" if missing else given

    return recover
