"""A first mapping drafted from an export's header and cells: each column's role and type guessed, said why."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from leadgate.features.cells import NumberCell, TimeCell
from leadgate.features.date_suggestions import FIRST_TRIED, SAMPLE, best_date_format
from leadgate.features.mapping_columns import FALSE_VALUES, TRUE_VALUES
from leadgate.features.mapping_label import fold
from leadgate.features.number_marks import read
from leadgate.training.crm_mappings import load_mapping, shipped_label_values, shipped_mappings

# Cells many CRMs write for "not given": read as blanks, as the mapping's placeholders are.
PLACEHOLDERS = (
    "N/A",
    "n/a",
    "#N/A",
    "NA",
    "null",
    "NULL",
    "-",
    "--",
    "Select",
    "(blank)",
    "unknown",
    "Unknown",
)
# Lead fields by the header names CRMs give them (lower case, punctuation as spaces, Salesforce's __c dropped).
FIELD_NAMES = {
    "contact.email": ("email", "e mail", "email address", "e mail address", "work email", "business email"),
    "contact.first_name": ("first name", "firstname", "given name", "vorname"),
    "contact.last_name": ("last name", "lastname", "surname", "family name", "nachname"),
    "contact.job_title": ("title", "job title", "jobtitle", "position", "job role", "designation"),
    "company.name": ("company", "company name", "account name", "organization", "organisation", "firma"),
    "company.website": ("website", "website url", "web site", "company domain name", "domain", "webseite"),
    "company.country": ("country", "country region", "billing country", "country name", "land"),
    "company.industry": ("industry", "sector", "vertical", "branche"),
    "company.employees": (
        "employees", "number of employees", "no of employees", "employee count", "company size", "headcount",
        "mitarbeiter", "anzahl mitarbeiter",
    ),
    "company.annual_revenue": ("annual revenue", "revenue", "jahresumsatz", "umsatz"),
    "source.channel": ("lead source", "source", "original source", "channel", "lead channel", "leadquelle"),
    "source.campaign": ("campaign", "campaign name", "utm campaign", "kampagne"),
    "form.message": ("message", "description", "comments", "inquiry", "nachricht"),
}  # fmt: skip
ID_NAMES = ("id", "lead id", "record id", "contact id", "prospect id", "person id", "lead number", "lead no")
CREATED_NAMES = (
    "create date", "created", "created date", "created at", "created time", "creation date", "date created",
    "lead created date", "created on", "erstellt am", "erstellungsdatum", "angelegt am",
)  # fmt: skip
LABEL_NAMES = (
    "lead status", "status", "lifecycle stage", "lead stage", "stage", "converted", "is converted", "outcome",
    "qualified", "sql", "result", "ergebnis",
)  # fmt: skip
# Words of a column known only once sales works the lead: listed under after_contact for the user to check.
LATE = re.compile(
    r"\b(last|recent|modified|updated|converted|conversion|closed?|"
    r"lost|won|disqualif\w*|unqualif\w*|reason|owner|score|grade|rating|quality|tags?|next step|deal|"
    r"opportunit\w*|meeting|sales activit\w*|became|stage|status)\b"
)
SQL_WORDS = re.compile(r"\b(sql|sales qualified|qualified|converted|opportunity|customer|won)\b")
# Marketing-qualified is a stage before sales looks at a lead: not an SQL.
NOT_SQL_WORDS = re.compile(
    r"\b(not|un|dis|non)[\s-]?(qualified|converted)|\bunqualified|\bdisqualified|\blost\b|"
    r"marketing qualified|\bmql\b"
)
OPEN_WORDS = re.compile(r"\b(new|open|working|contacted|attempted|in progress|nurtur\w*|pending|follow)\b")
MAX_CATEGORIES = 200  # more distinct values in a text column than this, and mostly distinct: free text
MAX_LABEL_VALUES = 30
IDENTIFIER = "an identifier"
YES = ("1", "yes", "true", "y", "ja")
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
    left_out: dict[str, str] = field(default_factory=dict)  # column: why
    shipped: list[str] = field(default_factory=list)  # shipped mappings every column of which the export has
    sequence: str | None = None  # a column of distinct whole numbers: perhaps the order leads were created in
    # Why each custom field reads its column so, by column (a multi-select's flags by column and value).
    notes: dict = field(default_factory=dict)


def header_words(column: str) -> str:
    """'Lead Source' and 'Lead_Source__c' both read 'lead source'."""
    return re.sub(r"[^0-9a-z]+", " ", re.sub(r"__c$", "", column.strip()).casefold()).strip()


def custom_name(column: str, taken: set[str]) -> str:
    """A custom field name from a header: lower case, digits and _, starting with a letter, unique."""
    name = re.sub(r"[^a-z0-9]+", "_", header_words(column)).strip("_")[:55] or "column"
    name = name if name[0].isalpha() else f"c_{name}"
    unique, n = name, 2
    while unique in taken:
        unique, n = f"{name}_{n}", n + 1
    return unique


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


def column_kind(cells: list, rows: int) -> tuple[str, dict, str]:
    """A column's type as a custom field ('' to leave it out), the rule's extra keys, and why, from its cells."""
    texts = [str(c).strip() for c in cells]
    counts = Counter(texts)
    if not texts:
        return "", {}, "empty"
    if len(counts) == 1:
        return "", {}, f"one value only ({texts[0]!r})"
    folded = {t.casefold() for t in counts}
    if len(folded) == 2 and folded <= {*TRUE_VALUES, *FALSE_VALUES}:
        return "flag", {}, f"two values, {' and '.join(sorted(counts))}"
    if all(isinstance(c, NumberCell) for c in cells) or _number_texts(texts):
        whole = all(
            float(read(t, ".") if read(t, ".") is not None else read(t, ",")).is_integer() for t in texts
        )
        if len(counts) == len(texts) and len(texts) >= 0.9 * rows and whole:
            return "", {}, f"a different whole number on every row: {IDENTIFIER}"
        return ("integer" if whole else "number"), {}, f"numbers ({len(counts):,} distinct)"
    dated, date_format = _date_format(cells)
    if dated:
        return "datetime", ({"date_format": date_format} if date_format else {}), "dates"
    if "@" in texts[0] and sum("@" in t for t in texts) > 0.9 * len(texts):
        return "", {}, "email addresses: one per person, no pattern to learn"
    if len(counts) > MAX_CATEGORIES and len(counts) > 0.5 * len(texts):
        return "", {}, f"free text ({len(counts):,} distinct values): map words that matter with contains:"
    return "category", {}, f"{len(counts):,} distinct values"


def label_guess(
    values: Counter, known: dict[str, frozenset[str]] | None = None
) -> tuple[list[str], list[str]]:
    """The values that read as SQL and as still open, by their words or as a shipped mapping lists them
    (`known`: crm_mappings.shipped_label_values); the user checks them."""
    known = known or {}
    sql, still_open = [], []
    for value in values:
        words, folded = value.casefold(), fold(value)
        negative = NOT_SQL_WORDS.search(words)
        if folded in known.get("sql_positive", ()) or (
            not negative and (words in YES or SQL_WORDS.search(words))
        ):
            sql.append(value)
        elif folded in known.get("open", ()) or (not negative and OPEN_WORDS.search(words)):
            still_open.append(value)
    return sql, still_open


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
        sql, still_open = label_guess(values, shipped_label_values())
        if draft.label is None or (sql and not draft.label["sql_positive"]):
            draft.label = {
                "sql": {"column": column},
                "sql_positive": sql,
                **({"open": still_open} if still_open else {}),
            }
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
        if target is not None and target not in draft.fields:
            draft.fields[target] = column
        elif LATE.search(words[column]):
            draft.after_contact.append(column)
        elif (listed := multi_select(cells[column])) is not None:
            _select_flags(draft, column, listed, len(rows), taken)
        else:
            kind, extra, why = column_kind(cells[column], len(rows))
            if not kind:
                draft.left_out[column] = why
                if why.endswith(IDENTIFIER) and draft.sequence is None:
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
