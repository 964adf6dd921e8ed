"""A first mapping drafted from an export's header and cells: each column's role and type guessed, said why."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from leadgate.features.cells import NumberCell, TimeCell
from leadgate.features.date_suggestions import FIRST_TRIED, SAMPLE, best_date_format
from leadgate.features.mapping_columns import FALSE_VALUES, TRUE_VALUES
from leadgate.features.number_marks import read
from leadgate.training.crm_mappings import load_mapping, shipped_label_values, shipped_mappings
from leadgate.training.mapping_draft_names import (
    ARRIVAL_WORDS,
    CREATED_NAMES,
    EVENT_NAMES,
    FIELD_NAMES,
    FLAG_EVENTS,
    ID_END,
    ID_NAMES,
    LABEL_NAMES,
    LATE,
    PLACEHOLDERS,
    custom_name,
    header_words,
    label_guess,
)

PHONE = re.compile(r"\+?[\d\s().\-/]{7,}")  # '+49 30 1234567', '(555) 010-1234': digits and their marks
MAX_CATEGORIES = 200  # more distinct values in a text column than this, and mostly distinct: free text
MAX_LABEL_VALUES = 30
IDENTIFIER = "an identifier"
WHOLE_NUMBERS = "a different whole number on every row"
SEPARATORS = (";", "|")  # what CRMs put between a multi-select cell's values
MAX_SELECT_VALUES = 60
SELECT_SHARE = 0.02  # a multi-select value listed by this share of the rows or more becomes a flag of its own
SELECT_FLAGS = 10


@dataclass
class Draft:
    """What was guessed for the export's columns: the mapping's parts and a note for each decision."""

    name: str
    placeholders: list[str] = field(default_factory=list)
    lead_id: str | None = None
    created_at: dict | None = None
    fields: dict[str, str] = field(default_factory=dict)
    custom: dict[str, dict] = field(default_factory=dict)
    label: dict | None = None
    label_values: list[tuple[str, int]] = field(default_factory=list)
    after_contact: list[str] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    left_out: dict[str, str] = field(default_factory=dict)  # column: why
    shipped: list[str] = field(default_factory=list)  # shipped mappings every column of which the export has
    sequence: str | None = None  # a column of distinct whole numbers: perhaps the order leads were created in
    # Why each custom field reads its column so, by column (a multi-select's flags by column and value).
    notes: dict = field(default_factory=dict)


def _filled(rows: list[dict], column: str, placeholders: set[str]) -> list:
    cells = (row.get(column) for row in rows)
    return [c for c in cells if c is not None and str(c).strip() and str(c).strip() not in placeholders]


def _number_texts(texts: list[str]) -> bool:
    return all(read(t, ".") is not None or read(t, ",") is not None for t in texts)


def _date_format(cells: list) -> tuple[bool, str | None]:
    """(the cells are dates, the date_format that reads them; None for ISO 8601 or typed dates)."""
    if all(isinstance(c, TimeCell) for c in cells):
        return True, None
    texts = list(dict.fromkeys(str(c).strip() for c in cells if not isinstance(c, TimeCell)))[:SAMPLE]
    if not texts or _number_texts(texts[:FIRST_TRIED]):
        return False, None
    best, read = best_date_format(texts)
    return read >= 0.98 * len(texts), best


def column_kind(cells: list, rows: int, named_id: bool = False) -> tuple[str, dict, str]:
    """A column's type as a custom field ('' to leave it out), the rule's extra keys, and why, from its cells
    (`rows`: how many rows were read, blanks too; `named_id`: its header ends in 'ID')."""
    texts = [str(c).strip() for c in cells]
    counts = Counter(texts)
    if not texts:
        return "", {}, "empty"
    if len(counts) == 1 and texts[0].casefold() in TRUE_VALUES and len(texts) < rows:
        # HubSpot and Salesforce write a checkbox's no as a blank cell (walk AF: 'Unsubscribed' left out).
        return "flag", {"false_values": [""]}, f"{texts[0]!r} or blank, a blank read as no"
    if len(counts) == 1:
        return "", {}, f"one value only ({texts[0]!r})"
    folded = {t.casefold() for t in counts}
    if len(folded) == 2 and folded <= {*TRUE_VALUES, *FALSE_VALUES}:
        return "flag", {}, f"two values, {' and '.join(sorted(counts))}"
    if all(isinstance(c, NumberCell) for c in cells) or _number_texts(texts):
        whole = all(
            float(read(t, ".") if read(t, ".") is not None else read(t, ",")).is_integer() for t in texts
        )
        if len(counts) == len(texts) and whole and (named_id or len(texts) >= 0.9 * rows):
            return "", {}, f"{WHOLE_NUMBERS}: {IDENTIFIER}"
        return ("integer" if whole else "number"), {}, f"numbers ({len(counts):,} distinct)"
    dated, date_format = _date_format(cells)
    if dated:
        return "datetime", ({"date_format": date_format} if date_format else {}), "dates"
    if named_id and len(counts) > 0.5 * len(texts):
        return "", {}, f"named an id, {len(counts):,} distinct values: {IDENTIFIER}"
    if sum(PHONE.fullmatch(t) is not None for t in texts) > 0.9 * len(texts):
        return "", {}, "phone numbers: one per person, no pattern to learn"
    if "@" in texts[0] and sum("@" in t for t in texts) > 0.9 * len(texts):
        return "", {}, "email addresses: one per person, no pattern to learn"
    if len(counts) > MAX_CATEGORIES and len(counts) > 0.5 * len(texts):
        return "", {}, f"free text ({len(counts):,} distinct values): map words that matter with contains:"
    return "category", {}, f"{len(counts):,} distinct values"


def multi_select(cells: list) -> list[tuple[str, int]] | None:
    """A multi-select column's separator, then its values by how many cells list them ('CRM;API'); None for
    another column: a separator in a fifth of the cells or more, and fewer values than combinations of them."""
    texts = [str(c) for c in cells]
    for separator in SEPARATORS:
        if sum(separator in t for t in texts) < 0.2 * len(texts):
            continue
        parts = Counter(p.strip() for t in texts for p in set(t.split(separator)) if p.strip())
        if len(parts) <= MAX_SELECT_VALUES and len(parts) < len(set(texts)):
            return [(separator, 0), *parts.most_common()]
    return None


def draft_mapping(name: str, columns: list[str], rows: list[dict]) -> Draft:
    """Each column's role (id, creation time, lead field, custom field, outcome, after contact, left out) and
    type, guessed from its header and the cells of `rows` (a sample of the export)."""
    draft = Draft(name=custom_name(name, set()))
    draft.shipped = [m for m in shipped_mappings() if set(load_mapping(m).required_columns()) <= set(columns)]
    found = {str(c).strip() for row in rows for c in row.values() if c is not None}
    draft.placeholders = ["", *(p for p in PLACEHOLDERS if p in found)]
    blanks = set(draft.placeholders) - {""}
    cells = {column: _filled(rows, column, blanks) for column in columns}
    words = {column: header_words(column) for column in columns}
    taken: set[str] = set()

    def unique(column: str) -> bool:
        values = [str(c).strip() for c in cells[column]]
        return len(values) >= 0.99 * len(rows) and len(set(values)) == len(values)

    draft.lead_id = next((c for c in columns if words[c] in ID_NAMES and unique(c)), None)
    for column in sorted(
        columns, key=lambda c: CREATED_NAMES.index(words[c]) if words[c] in CREATED_NAMES else 99
    ):
        dated, date_format = _date_format(cells[column]) if cells[column] else (False, None)
        if words[column] in CREATED_NAMES and dated:
            draft.created_at = {
                "column": column,
                "type": "datetime",
                **({"date_format": date_format} if date_format else {}),
            }
            break
    # The outcome: the first column named so whose values say which are SQL, else the first named so.
    for column in sorted(
        columns, key=lambda c: LABEL_NAMES.index(words[c]) if words[c] in LABEL_NAMES else 99
    ):
        values = Counter(str(c).strip() for c in cells[column])
        if words[column] not in LABEL_NAMES or not 2 <= len(values) <= MAX_LABEL_VALUES:
            continue
        guessed = label_guess(values, shipped_label_values(), dated=draft.created_at is not None)
        if draft.label is None or (guessed["sql_positive"] and not draft.label["sql_positive"]):
            won = {"won": {"column": column}} if "won_positive" in guessed else {}
            draft.label = {"sql": {"column": column}, **guessed, **won}
            draft.label_values = values.most_common()
    placed = {
        draft.lead_id,
        (draft.created_at or {}).get("column"),
        (draft.label or {}).get("sql", {}).get("column"),
    }
    for column in columns:
        if column in placed:
            continue
        target = next((t for t, names in FIELD_NAMES.items() if words[column] in names), None)
        event = next((t for t, names in EVENT_NAMES.items() if words[column] in names), None)
        if target is not None and target not in draft.fields:
            draft.fields[target] = column
        elif event is not None and _event(draft, column, event, cells[column], len(rows)):
            continue
        elif LATE.search(words[column]) and not words[column].startswith(ARRIVAL_WORDS):
            draft.after_contact.append(column)
        elif (listed := multi_select(cells[column])) is not None:
            _select_flags(draft, column, listed, len(rows), taken)
        else:
            kind, extra, why = column_kind(cells[column], len(rows), ID_END.search(words[column]) is not None)
            if not kind:
                draft.left_out[column] = why
                # A whole number on (nearly) every row may be the order leads came in: offered for created_at.
                complete = len(cells[column]) >= 0.99 * len(rows)
                if why.startswith(WHOLE_NUMBERS) and complete and draft.sequence is None:
                    draft.sequence = column
                continue
            key = custom_name(column, taken)
            taken.add(key)
            draft.custom[key] = {"column": column, **({"type": kind} if kind != "category" else {}), **extra}
            draft.notes[column] = why
    return draft


def _select_flags(
    draft: Draft, column: str, listed: list[tuple[str, int]], rows: int, taken: set[str]
) -> None:
    """One flag per value of a multi-select column listed often enough to learn from; the rest said."""
    (separator, _), *values = listed
    kept = [(value, n) for value, n in values if n >= SELECT_SHARE * rows][:SELECT_FLAGS]
    for value, n in kept:
        key = custom_name(f"{column} {value}", taken)
        taken.add(key)
        draft.custom[key] = {
            "column": column,
            "contains": value,
            **({"separator": separator} if separator != ";" else {}),
        }
        draft.notes[(column, value)] = f"a multi-select value listed in {n:,} rows"
    if len(kept) < len(values):
        draft.left_out[f"{column} (other values)"] = (
            f"{len(values) - len(kept)} of its {len(values)} values, each listed in under "
            f"{SELECT_SHARE:.0%} of the rows or past the {SELECT_FLAGS} most listed"
        )


def _event(draft: Draft, column: str, event: str, cells: list, rows: int) -> bool:
    """Draft a column named like an event as one (a count, or a flag that stops contact); False when its cells
    are not what that event reads (text where a count is wanted), so it is typed as any other column."""
    kind, extra, why = column_kind(cells, rows)
    wanted = "flag" if event in FLAG_EVENTS else "integer"
    if kind != wanted or any(rule["type"] == event for rule in draft.events):
        return False
    draft.events.append(
        {"type": event, "column": column, **({"kind": "flag"} if kind == "flag" else {}), **extra}
    )
    draft.notes[("event", column)] = why
    return True
