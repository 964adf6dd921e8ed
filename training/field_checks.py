"""What training notices about the custom fields themselves: multi-select cells, heavy pooling, dates after
the decision, and values no SQL (or only SQLs) ever has — each a line the data scientist can act on."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import numpy as np

from leadgate.decision.custom_words import level_shown
from leadgate.features.builder import FeatureBuilder
from leadgate.features.category_levels import usual_spellings
from leadgate.features.custom import CustomField
from leadgate.training.late_dates import MIN_DATED, after_decision_notes, future_notes
from leadgate.training.score_fields import score_notes

# Separators of the multi-select properties CRMs export (HubSpot and Salesforce write ';'). A comma is left
# out: company names and free text hold commas in plain category cells.
MULTI_SEPARATORS = (";", "|")
MULTI_SHARE = 0.2  # of a category's filled cells listing several values
POOLED_SHARE = 0.25  # of a category's filled training cells in "(other)"
CODE_SHARE = 0.9  # of a pooled category's filled training cells that look like codes (a postal code)
CODE_LENGTH = 12  # a code's characters at most
NUMBER_SHARE = 0.95  # of a pooled category's filled cells that read as numbers: a number column left untyped
NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)")
# A value this many training leads hold, with this many SQLs expected at the overall rate, and none seen: far
# beyond chance (e^-20), so the value is set (or left blank) by what happened to the lead.
ONE_SIDED_LEADS = 100
ONE_SIDED_EXPECTED = 20.0


# What to do, in the words of a mapped export or of a JSON history without a mapping.
ADVICE = {
    True: {
        "multi": "is learnt better as one flag per value (contains:, README: Custom fields)",
        "pooled": "group the levels in the mapping's values: map, or leave the field out",
        "prefix": "reading them by their first {chars} (prefix: {n})",
        "late": "list its column under after_contact",
        "constant": "check its true_values (or contains: value) against the export's cells",
        "blank no": 'if a blank cell means no, add false_values: [""] to its column',
        "number": "declare type: {type} in its column",
    },
    False: {
        "multi": "is learnt better as one flag per value, each a custom field of its own",
        "pooled": "group the levels before training, or leave the field out",
        "prefix": "grouping them by their first {chars} before training",
        "late": "leave it out of the history",
        "constant": "check how the history was made",
        "blank no": "if a missing value means no, write false for it in the history",
        "number": "write its values as JSON numbers in the history, not text",
    },
}


@dataclass(frozen=True)
class FieldNote:
    """One custom field's line, and, when the line says the field is known only after contact, what showed it."""

    field: str  # the custom field's name
    feature: str  # its model feature
    text: str
    late: str | None = None  # e.g. "after the decision moment in 100% of the training leads that have it"
    advice: str = ""  # what to do about a late field, in the words of a mapped export or a JSON history
    if_read: bool = False  # said only when the model reads the field (a question about it, not a finding)


def field_notes(
    builder: FeatureBuilder,
    custom: list[dict],
    matrix: np.ndarray,
    y: np.ndarray,
    train: np.ndarray,
    mapped: bool = True,
    columns: dict[str, str] | None = None,
) -> list[FieldNote]:
    """One note per custom field that needs a second look, in field order, with what it found (`mapped`: read
    through a mapping; `columns`: its export column by lead path, 'custom.demo': 'Demo Date'): `train` prints
    their text, the leak rule reads what they found."""
    columns = columns or {}
    notes: list[FieldNote] = []
    rows = np.flatnonzero(train)
    y_train = np.asarray(y, dtype=bool)[rows]
    advice = ADVICE[mapped]
    for field in builder.custom_fields:
        values = [custom[i].get(field.name) for i in rows]
        found = []
        if field.type == "category":
            vocabulary = builder.vocabularies_.get(field.feature, [])
            found += [(text, None) for text in _category_notes(field, values, vocabulary, builder, advice)]
        if field.type == "datetime":
            days_before = matrix[rows, builder.feature_names.index(field.feature)]
            most_after = future_notes(field, days_before, advice)
            # Only some dates after the decision: named when those leads convert unlike the rest.
            found += most_after or [
                (text, None)
                for text in after_decision_notes(
                    field, days_before, y_train, advice, columns.get(f"custom.{field.name}")
                )
            ]
        constant = _constant_notes(field, values, advice)
        found += [(text, None) for text in constant] or _one_sided_notes(field, values, y_train, advice)
        notes += [FieldNote(field.name, field.feature, text, late, advice["late"]) for text, late in found]
        if not found:
            scored = score_notes(field, columns.get(f"custom.{field.name}"), advice)
            notes += [FieldNote(field.name, field.feature, text, if_read=True) for text in scored]
    return notes


def _constant_notes(field: CustomField, values: list, advice: dict) -> list[str]:
    """A field with one value for every training lead that has it teaches the model nothing."""
    given = [_text(field, v).lower() for v in values if v is not None]
    filled = set(given)
    # One date is still many ages at decision time; a field given on a handful of leads proves nothing.
    if field.type == "datetime" or len(filled) != 1 or len(given) < MIN_DATED:
        return []
    [only] = filled
    shown = {"false": "no", "true": "yes"}.get(only, only) if field.type == "flag" else only
    # Walk M: `contains: Analytic` where the cells say Analytics trained as a silent constant "no".
    said = advice["constant"] if field.type == "flag" else "leave it out, or check the export"
    missing = len(values) - len(given)
    if field.type == "flag" and shown == "yes" and missing > len(given):
        # An SAP or Excel export writes a yes as 'X' and a no as nothing: its no is the blank.
        said = f"{missing:,} of the {len(values):,} training leads have none; {advice['blank no']}"
    return [
        f"custom field {field.name}: {shown!r} for every training lead that has it, so the model can learn only "
        f"whether it is given, not from its value: {said}"
    ]


def _category_notes(
    field: CustomField, values: list, vocabulary: list[str], builder: FeatureBuilder, advice: dict
) -> list[str]:
    filled = [str(v).strip() for v in values if v is not None and str(v).strip()]
    if not filled:
        return []
    levels = len({v.lower() for v in filled})
    for separator in MULTI_SEPARATORS:
        listing = sum(separator in v for v in filled) / len(filled)
        if listing >= MULTI_SHARE:
            return [
                f"custom field {field.name}: {listing:.0%} of its filled cells list several values separated by "
                f"'{separator}' ({levels:,} combinations, each a level of its own): a multi-select property "
                f"{advice['multi']}"
            ]
    known = set(vocabulary[1:])
    read = [field.level(v) for v in filled]
    levels = len({v.lower() for v in read})
    pooled = sum(v.lower() not in known for v in read) / len(read)
    if pooled >= POOLED_SHARE and (number := _number_advice(field, filled, advice)):
        return [
            f"custom field {field.name}: {pooled:.0%} of the training leads that have it hold a level too rare "
            f"to learn ({levels:,} levels), pooled as '(other)': {number}"
        ]
    if pooled >= POOLED_SHARE:
        return [
            f"custom field {field.name}: {pooled:.0%} of the training leads that have it hold a level too rare "
            f"to learn ({levels:,} levels; fewer than {builder.min_category_count} leads each, or beyond the "
            f"{builder.max_categories} most common), pooled as '(other)': "
            f"{_prefix_advice(field, read, builder, advice)}"
        ]
    if field.prefix and (number := _number_advice(field, filled, advice)):
        # Walk V: a 0-100 score read by prefix: 1, as the old advice said, trained without a word ('1.3 (read
        # as 1.)', 100 in the level of the 1x scores).
        return [
            f"custom field {field.name}: read by its first {_characters(field.prefix)} (prefix: {field.prefix}), {number}"
        ]
    return []


def _prefix_advice(field: CustomField, read: list[str], builder: FeatureBuilder, advice: dict) -> str:
    """For levels that look like codes (a postal code, a product code): the most characters to read them by
    that keep most leads out of '(other)', as the mapping's prefix: would, else the advice for pooled levels.

    A field read by its prefix already is told so, and only a shorter prefix is suggested (walk W: a prefix: 2
    field was told 'its levels look like codes ('51', '41', …)', the levels its prefix made)."""
    already = (
        f"read by their first {_characters(field.prefix)} (prefix: {field.prefix}), its levels are still too "
        "many to learn: "
        if field.prefix
        else ""
    )
    if sum(_is_code(v) for v in read) >= CODE_SHARE * len(read):
        for n in range(max(map(len, read)) - 1, 0, -1):
            counts = Counter(v[:n].lower() for v in read)
            common = [
                c for _, c in counts.most_common(builder.max_categories) if c >= builder.min_category_count
            ]
            kept = sum(common) / len(read)
            if 1 - kept < POOLED_SHARE and len(common) > 1:  # one level left would teach nothing
                examples = ", ".join(repr(v) for v, _ in Counter(read).most_common(2))
                codes = already or f"its levels look like codes ({examples}, …): "
                shorter = advice["prefix"].format(n=n, chars=_characters(n))
                return f"{codes}{shorter} would keep {kept:.0%} of them in levels of their own; else {advice['pooled']}"
    return f"{already}{advice['pooled']}"


def _number_advice(field: CustomField, filled: list[str], advice: dict) -> str:
    """For a category whose cells are numbers, not codes: what declares it a number (walk V: a 0–100 score left
    at the default type was told prefix: 1, and following it read 100 as a 1x score), else ''."""
    numbers = [v for v in filled if NUMBER.fullmatch(v)]
    if len(numbers) < NUMBER_SHARE * len(filled):
        return ""
    whole = all(v.lstrip("+-").isdigit() for v in numbers)
    # Codes are whole: with a leading zero ('01067') or of one width, 3 or more digits (postal codes): prefix: fits.
    widths = {len(v) for v in numbers}
    if whole and (
        any(len(v) > 1 and v[0] == "0" for v in numbers) or (len(widths) == 1 and min(widths) >= 3)
    ):
        return ""
    examples = ", ".join(repr(v) for v, _ in Counter(numbers).most_common(2))
    declared = advice["number"].format(type="integer" if whole else "number")
    drop = " and drop its prefix:" if field.prefix and advice is ADVICE[True] else ""
    return (
        f"{len(numbers) / len(filled):.0%} of its filled cells are numbers ({examples}, …), read as levels of a "
        f"category, so their order is lost: {declared}{drop}"
    )


def _characters(n: int) -> str:
    return "character" if n == 1 else f"{n} characters"


def _text(field: CustomField, value) -> str:
    """A value as the model reads it: a category's level (its first characters when it has a prefix)."""
    return field.level(value) if field.type == "category" else str(value).strip()


def _is_code(text: str) -> bool:
    """A short token with a digit: '80331', '01067', 'SW1A', 'AB-1234' (not 'Real estate')."""
    return len(text) <= CODE_LENGTH and any(c.isdigit() for c in text) and not any(c.isspace() for c in text)


def _one_sided_notes(field: CustomField, values: list, y: np.ndarray, advice: dict) -> list[tuple[str, str]]:
    rate = float(y.mean()) if len(y) else 0.0
    if not 0 < rate < 1:
        return []
    keys = ["(blank)" if v is None else _text(field, v).lower() for v in values]
    leads, sqls = Counter(keys), Counter(k for k, sql in zip(keys, y, strict=True) if sql)
    # Quoted as the export spells the value most often ('Closed Lost'), not as its key.
    spelled = usual_spellings(
        (k, _text(field, v)) for k, v in zip(keys, values, strict=True) if v is not None
    )
    for key, n in leads.most_common():
        if n < ONE_SIDED_LEADS:
            break
        written = spelled.get(key, key)
        shown = (
            "blank"
            if key == "(blank)"
            else repr(level_shown(field, written) if field.type == "category" else key)
        )
        if sqls[key] == 0 and n * rate >= ONE_SIDED_EXPECTED:
            said = f"none of the {n:,} training leads where it is {shown} became an SQL (about {n * rate:,.0f} would at the overall rate)"
        elif sqls[key] == n and n * (1 - rate) >= ONE_SIDED_EXPECTED:
            said = f"all {n:,} training leads where it is {shown} became SQLs"
        else:
            continue
        return [
            (
                f"custom field {field.name}: {said}: a value set (or left blank) by what happened to the lead "
                f"is known only after contact — {advice['late']}; if it is known when a lead arrives, it may be "
                "a gate worth writing",
                said,
            )
        ]
    return []


def training_notes(model, derived, matrix: np.ndarray, y: np.ndarray, train: np.ndarray, history):
    """What `train` says of its custom fields and titles, and the late fields the model reads (a leak): one
    place, so `train` and `report` never disagree on a model's leak line. `model`: a ScoringModel; `history`:
    the training.history.History the leads came from (read through a mapping or not, and its columns)."""
    from leadgate.training.leakage import late_fields_read
    from leadgate.training.title_checks import title_notes

    mapped, columns = bool(history.seen_columns), dict(history.field_columns)
    notes = field_notes(model.builder, derived.table.custom, matrix, y, train, mapped, columns)
    read = set(model.features_read())
    late = late_fields_read(notes, read)
    texts = said_notes(notes, read, late) + title_notes(derived, train, mapped=mapped)
    return texts, late


def said_notes(notes: list[FieldNote], read: set[str], late: list[FieldNote]) -> list[str]:
    """The notes train prints: not the late fields the model reads (the leak line names them, once), nor a
    question about a field the model does not read."""
    return [note.text for note in notes if note not in late and (note.feature in read or not note.if_read)]
