"""The header names and outcome words a first mapping is drafted from: which column is which, by its name."""

from __future__ import annotations

import re
from collections import Counter

from leadgate.features.mapping_label import fold

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
YES = ("1", "yes", "true", "y", "ja")
# Late-sounding names of what is known on arrival: the first form filled in, the source it came from.
ARRIVAL_WORDS = ("first ", "original ")
ID_END = re.compile(r"(^|\s)id$")  # 'Associated Company ID': an identifier whatever its share of blanks
WON_WORDS = re.compile(r"\b(customer|evangelist|won)\b")
NOT_WON_WORDS = re.compile(r"\blost\b|\bnot\b")
# HubSpot's lifecycle stages before sales qualifies a contact: still being worked for a while, then never SQL.
BEFORE_SALES = ("subscriber", "lead", "marketingqualifiedlead", "other")
OPEN_FOR_DAYS = 30  # drafted beside such stages: the user checks how long their leads are worked
# Columns leadgate reads as events (activity counts, or a yes that stops contact), by their header names.
EVENT_NAMES = {
    "page_view": ("number of pageviews", "pageviews", "page views", "number of page views"),
    "form_submit": ("number of form submissions", "form submissions"),
    "email_open": ("marketing emails opened", "emails opened", "email opens"),
    "email_click": ("marketing emails clicked", "emails clicked", "email clicks"),
    "webinar_attended": ("webinars attended",),
    "content_download": ("content downloads", "downloads"),
    "unsubscribe": (
        "unsubscribed from all email", "unsubscribed", "email opt out", "do not email", "has opted out of email",
        "opted out of email", "hasoptedoutofemail",
    ),
    "do_not_call": ("do not call", "donotcall"),
}  # fmt: skip
FLAG_EVENTS = ("unsubscribe", "do_not_call")


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


def label_guess(values: Counter, known: dict[str, frozenset[str]] | None = None, dated: bool = True) -> dict:
    """The label's lists for an outcome column, by its values' words or as a shipped mapping lists them
    (`known`: crm_mappings.shipped_label_values): sql_positive, open (with open_for_days beside a lifecycle
    stage before sales, when the leads are `dated`: else such a stage is not SQL), won_positive; the user
    checks them."""
    known = known or {}
    sql, still_open, won = [], [], []
    before_sales = False
    for value in values:
        words, folded = value.casefold(), fold(value)
        negative = NOT_SQL_WORDS.search(words)
        if dated and folded.replace(" ", "") in BEFORE_SALES:
            still_open.append(value)
            before_sales = True
        elif folded in known.get("sql_positive", ()) or (
            not negative and (words in YES or SQL_WORDS.search(words))
        ):
            sql.append(value)
        elif folded in known.get("open", ()) or (not negative and OPEN_WORDS.search(words)):
            still_open.append(value)
        if value in sql and (
            folded in known.get("won_positive", ())
            or (WON_WORDS.search(words) and not NOT_WON_WORDS.search(words))
        ):
            won.append(value)
    label = {"sql_positive": sql}
    if still_open:
        label["open"] = still_open
    if before_sales:
        label["open_for_days"] = OPEN_FOR_DAYS
    if won:
        label["won_positive"] = won
    return label
