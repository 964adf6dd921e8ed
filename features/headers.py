"""A mapping against an export's header: each column exact, or the same name up to spaces and Unicode form."""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

from leadgate.features.mapping import Mapping, MappingError

# A UTF-8 byte-order mark before an export's first name: U+FEFF where a tool kept it (pandas with "utf-8"), and
# 'ï»¿' where its three bytes were read as cp1252 or latin-1 (Excel puts a BOM before cp1252 text too).
BOMS = ("\ufeff", "\u00ef\u00bb\u00bf")


def without_bom(name: str) -> str:
    """A header name without a leading byte-order mark, in either of its forms."""
    for bom in BOMS:
        if name.startswith(bom):
            return name[len(bom) :]
    return name


def same_name(name: str) -> str:
    """A column name as two spellings of it compare: NFC ("é" one code point or two), without a leading
    byte-order mark and without surrounding spaces."""
    return without_bom(unicodedata.normalize("NFC", str(name))).strip()


def _loose(name: str) -> str:
    return " ".join(same_name(name).casefold().split())


@dataclass
class HeaderMatch:
    """How a mapping's names were found in a header: renamed, missing (with a near match), or ambiguous."""

    renamed: dict[str, str] = field(default_factory=dict)  # mapping's name -> the export's spelling
    missing: dict[str, str | None] = field(default_factory=dict)  # mapping's name -> closest header name
    ambiguous: dict[str, list[str]] = field(default_factory=dict)

    def notes(self) -> list[str]:
        """What was resolved, in words, to say once."""
        return [
            f"mapping column {name!r} read from the export's {spelling!r} ({_difference(name, spelling)})"
            for name, spelling in self.renamed.items()
        ]


def _difference(name: str, spelling: str) -> str:
    marked = without_bom(spelling) != spelling
    spelling = without_bom(spelling)
    parts = ["a byte-order mark before it"] if marked else []
    if name.strip() != name or spelling.strip() != spelling:
        parts.append("spaces around it")
    if name.strip() != spelling.strip():
        parts.append("Unicode form, NFC/NFD")
    return ", ".join(parts)


def match_names(names: list[str], header: list[str]) -> HeaderMatch:
    """Find each name in the header: exactly, else by `same_name` when that is unambiguous, else a near match."""
    present = set(header)
    by_same: dict[str, list[str]] = {}
    for column in header:
        by_same.setdefault(same_name(column), []).append(column)
    by_loose = {_loose(column): column for column in header}
    result = HeaderMatch()
    for name in dict.fromkeys(names):
        if name in present:
            continue
        candidates = by_same.get(same_name(name), [])
        if len(candidates) == 1:
            result.renamed[name] = candidates[0]
        elif candidates:
            result.ambiguous[name] = candidates
        else:
            close = difflib.get_close_matches(_loose(name), list(by_loose), n=1, cutoff=0.75)
            result.missing[name] = by_loose[close[0]] if close else None
    return result


def duplicates(names: list[str], header: list[str]) -> list[str]:
    """For each name the mapping reads that the export repeats: which copy is read and how the others are named.

    The reader names repeated headers as pandas does: the first keeps its name, later ones get '.1', '.2'.
    """
    notes = []
    for name in dict.fromkeys(names):
        copies = [c for c in header if re.fullmatch(re.escape(name) + r"\.\d+", str(c))]
        if name in header and copies:
            shown = ", ".join(repr(c) for c in copies)
            notes.append(
                f"the export has {len(copies) + 1} columns named {name!r}: the mapping reads the first; "
                f"the others are {shown} (map them by that name)"
            )
    return notes


def delimiter_hint(header: list) -> str | None:
    """When the header was read as one column that another common delimiter splits ('Lead-ID;Vorname;…' read
    with ','): what to say, naming that delimiter; None for any other header."""
    if len(header) != 1:
        return None
    name = str(header[0])
    widths = {
        delimiter: len([part for part in name.split(delimiter) if part.strip()]) for delimiter in ";\t|,"
    }
    delimiter = max(widths, key=widths.__getitem__)
    if widths[delimiter] < 2:
        return None
    shown = name if len(name) <= 40 else name[:40] + "…"
    return f"the header was read as one column {shown!r}: is the delimiter {delimiter!r}?"


def fit_header(mapping: Mapping, header: list[str], outcome: bool = True) -> tuple[Mapping, list[str]]:
    """The mapping with its column names as this export spells them, and what to say about that once.

    A name the header holds only up to surrounding spaces or Unicode form ('Budget' for 'Budget ', NFC for NFD
    'Région') is read from the export's column. Refused: an export lacking a column the mapping reads (label
    columns only when training; with a near match named), or whose after_contact list names a column the
    export spells otherwise (a typo there would let it leak).
    """
    needed = mapping.required_columns()
    if not outcome:
        needed = [
            c
            for c in needed
            if c not in set(mapping.label_columns()) - set(mapping.feature_columns().values())
        ]
    found = match_names([*needed, *mapping.after_contact], header)
    unclear = [f"{name!r} (the export has {', '.join(map(repr, c))})" for name, c in found.ambiguous.items()]
    if unclear:
        raise MappingError(
            f"mapping {mapping.name!r} names {'; '.join(unclear)}: spell the one to read exactly"
        )
    missing = [name for name in needed if name in found.missing]
    hint = delimiter_hint(header)
    if missing and hint:  # the near matches and the list of names would hide the one thing wrong
        raise MappingError(f"{hint} ({len(missing)} columns mapping {mapping.name!r} reads are missing)")
    if missing:
        hints = [f"{found.missing[name]!r} for {name!r}" for name in missing if found.missing[name]]
        # No near match: the export is another shape than the mapping's (a shipped mapping's CRM set up its
        # own way), so a mapping of its own, drafted from its header, is the way on.
        raise MappingError(
            f"the export has no column(s) {missing} that mapping {mapping.name!r} reads"
            + (
                f"; did you mean {', '.join(hints)}?"
                if hints
                else ": drop them from a copy of the mapping, or draft one from this export (leadgate "
                "draft-mapping FILE > my_crm.yaml)"
            )
        )
    by_loose = {_loose(column): column for column in header}
    misspelt = [
        f"{name!r} (the export has {by_loose[_loose(name)]!r})"
        for name in mapping.after_contact
        if name in found.missing and _loose(name) in by_loose
    ]
    if misspelt:
        raise MappingError(
            f"after_contact names {', '.join(misspelt)}: spell them as the export does, or those columns "
            "would count as known at creation (leakage)"
        )
    resolved = mapping.renamed(found.renamed) if found.renamed else mapping
    return resolved, [*found.notes(), *duplicates(resolved.required_columns(), header)]


def check_header(mapping: Mapping, header: list[str], outcome: bool = True) -> Mapping:
    """`fit_header`'s mapping: the one to read this export's rows with."""
    return fit_header(mapping, header, outcome)[0]


def unique_names(header: list[str]) -> list[str]:
    """Header names made unique as pandas did ('a', 'a.1'; 'Unnamed: 3' for a blank one)."""
    seen: dict[str, int] = {}
    columns = []
    for index, name in enumerate(header):
        name = name or f"Unnamed: {index}"
        count = seen.get(name, 0)
        seen[name] = count + 1
        columns.append(f"{name}.{count}" if count else name)
    return columns
