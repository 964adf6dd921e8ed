"""A label's listed values checked against an export's cells: unheld ones said, other spellings refused."""

from __future__ import annotations

from collections import Counter

from leadgate.features.mapping import Label, MappingError, fold
from leadgate.training.crm_mappings import shipped_label_values


def unheld_values(label: Label, values: Counter, won: Counter | None = None) -> list[str]:
    """Notes for the label's listed values that no row holds (`values`: the outcome column's cells, `won`: the
    won column's); a MappingError when rows hold another spelling of a listed value the label does not list,
    since those rows would silently count as not SQL, not won (or as outcomes)."""
    lists = (("sql_positive", label.sql_positive, "not SQL"), ("open", label.open, "outcomes"))
    notes, wrong = _listed_values(label.sql.column, label.sql_value, values, lists)
    if label.won is not None and won is not None:
        won_lists = (("won_positive", label.won_positive, "not won"),)
        # HubSpot's won column is its SQL column: a value listed under both is said once.
        same_column = label.won.column == label.sql.column
        noted = {fold(v) for _, listed, _ in lists for v in listed} if same_column else set()
        won_notes, won_wrong = _listed_values(label.won.column, label.won_value, won, won_lists, noted)
        notes += won_notes
        wrong += won_wrong
    if wrong:
        raise MappingError("; ".join(wrong))
    return notes


# Above this similarity a listed value no row holds is taken as a typo of a held one ('Sales Qualifed Lead':
# 0.97); 'Qualified' and 'Unqualified' (0.90), 'Closed Won' and 'Closed Lost' (0.76) are different outcomes.
TYPO_RATIO = 0.92


def _letters(text: str) -> str:
    """A value's letters and digits only: 'Sales Qualified Lead', 'sales_qualified-lead' and
    'salesqualifiedlead' are one value spelt three ways."""
    return "".join(ch for ch in fold(text) if ch.isalnum())


def _listed_values(
    column: str, read, values: Counter, lists, noted: frozenset[str] | set[str] = frozenset()
) -> tuple[list[str], list[str]]:
    """The notes and the refusals of `unheld_values` for one column: `read` maps a cell through its value map,
    `lists` are (option, values listed, what an unlisted value counts as), `noted` the values another list of the
    same column has already named (their notes are not repeated)."""
    from difflib import SequenceMatcher, get_close_matches

    held: dict[str, str] = {}
    rows: Counter = Counter()
    for text, count in values.items():
        if text is not None and (mapped := read(text)):
            held.setdefault(fold(mapped), mapped)
            rows[fold(mapped)] += count
    listed_anywhere = {fold(v) for _, listed, _ in lists for v in listed}
    unlisted = [key for key in held if key not in listed_anywhere]
    notes, wrong, named, seen = [], [], set(), set()
    for where, listed, kind in lists:
        for value in listed:
            key = fold(value)
            if key in seen:
                continue  # Salesforce's ['true', 'True', 'TRUE']: one value, said once
            seen.add(key)
            # Walk M: rows in another spelling count as not SQL even when the listed one is held too (435 SQLs
            # lost); only letters and digits are compared, as a typo-level match takes 'Closed Lost' for 'Closed Won'.
            same = [k for k in unlisted if _letters(k) and _letters(k) == _letters(key) and k not in named]
            if key in held:
                said = f"label {where} lists {value!r}, which {_holding(rows[key], column)}"
            else:
                said = f"label {where} lists {value!r}, which no row of {column} holds"
                # Walk K: HubSpot's labels listed, its internal values exported: half the SQLs became non-SQLs.
                # A typo of the listed value stops too; a merely similar value is another outcome ('Closed
                # Lost' beside 'Closed Won', 'Disqualified' beside 'Qualified'), named as a hint only.
                near = get_close_matches(key, unlisted, n=1, cutoff=0.75)
                typo = [k for k in near if SequenceMatcher(None, k, key).ratio() > TYPO_RATIO]
                same = same or typo
                sibling = any(_letters(k) == _letters(key) for k in held if k in listed_anywhere)
                # A CRM's own value a shipped mapping lists (HubSpot's 'Evangelist') is no typo of the user's:
                # many exports hold none, and saying so on every train only teaches people to skip the notes.
                shipped = key in shipped_label_values()[where]
                if not same and not sibling and (near or not shipped):  # sibling: a spelling for both
                    hint = f" (did you mean {held[near[0]]!r}?)" if near else ""
                    if key not in noted:  # already noted for the same column's other list
                        notes.append(said + hint)
            for other in same:
                named.add(other)
                wrong.append(
                    f"{said}, while {_holding(rows[other])} {held[other]!r}, counted as {kind}: list "
                    f"{held[other]!r} under {where} if it is the same, or correct the spelling"
                )
    return notes, wrong


def _holding(count: int, column: str = "") -> str:
    """'1 row holds', '435 rows hold', '894 rows of Stage hold'."""
    rows = "1 row" if count == 1 else f"{count:,} rows"
    return f"{rows}{f' of {column}' if column else ''} {'holds' if count == 1 else 'hold'}"
