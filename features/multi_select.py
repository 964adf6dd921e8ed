"""Multi-select cells written with another separator than the mapping's: a contains: flag would read them as no."""

from __future__ import annotations

import logging
from collections import Counter
from typing import NamedTuple

from leadgate.features.cells import Row

log = logging.getLogger(__name__)

# Separators tools write between a multi-select cell's values: HubSpot and Salesforce ';', re-exports ', ' or '|'.
SEPARATORS = (";", ",", "|", "/")
# Above this share of a column's filled cells read as no while they list the value, training refuses: as many
# misread leads as the bad rows training tolerates (training/exports.py, max_bad_share).
REFUSED_SHARE = 0.01


class Misread(NamedTuple):
    """A multi-select column whose cells list values by another separator than the mapping's."""

    column: str
    declared: str  # the mapping's separator
    separator: str  # the one these cells use
    count: int  # cells the declared separator does not split, listing a contains: value by the other one
    filled: int  # the column's filled cells
    split: int  # of them, cells the declared separator does split
    example: str
    written: bool  # whether the mapping writes its separator out rather than leaving the default

    def refused(self) -> bool:
        """Whether training refuses: more misread leads than the bad rows it tolerates, under a separator the
        mapping left at its default (written out, it is the data scientist's word: 'CRM/ERP' is one value)."""
        return self.count > REFUSED_SHARE * self.filled and not self.written


def _listed(text: str, separator: str) -> set[str]:
    return {part.strip().casefold() for part in text.split(separator)}


def separator_findings(mapping, rows) -> list[Misread]:
    """Each column read by contains: fields whose cells list a field's value by another separator while the
    mapping's does not split them: each such cell reads as a silent 'no' (walk V: 'Analytics, Integrations')."""
    placeholders = set(mapping.placeholders)
    columns: dict[tuple[str, str], list[str]] = {}
    written: set[tuple[str, str]] = set()
    for rule in mapping.custom.values():
        if rule.contains is not None and rule.column is not None:
            columns.setdefault((rule.column, rule.separator), []).append(rule.contains.strip().casefold())
            if "separator" in rule.model_fields_set:
                written.add((rule.column, rule.separator))
    findings = []
    for (column, declared), values in columns.items():
        filled, split, other = 0, 0, Counter()
        example: dict[str, str] = {}
        for raw in rows:
            text = Row(raw, placeholders).text(column)
            if text is None:
                continue
            filled += 1
            if declared in text:
                split += 1
                continue
            for separator in SEPARATORS:
                # Only a cell whose value is a part once split this way: 'CRM, Analytics' for contains: CRM.
                if separator != declared and separator in text and set(values) & _listed(text, separator):
                    other[separator] += 1
                    example.setdefault(separator, text)
                    break
        if other:
            separator, count = other.most_common(1)[0]
            findings.append(
                Misread(
                    column,
                    declared,
                    separator,
                    count,
                    filled,
                    split,
                    example[separator],
                    (column, declared) in written,
                )
            )
    return findings


def separator_line(mapping, found: Misread, refusing: bool = False) -> str:
    """One line for a finding: the cells, the separator they use, and the mapping key to set (or, when the
    column mixes separators, that the export must write one); `refusing`: training's refusal, which says how
    to keep the reading when such a cell is one value."""
    column, declared, separator, count, filled, split, example, _ = found
    names = [n for n, r in mapping.custom.items() if r.contains is not None and r.column == column]
    fields = f"custom field {names[0]}" if len(names) == 1 else f"custom fields {', '.join(names)}"
    fix = (
        f"add separator: {separator!r} to {'it' if len(names) == 1 else 'each'}"
        if not split
        else f"{split:,} other cells use {declared!r}: write one separator in the export, a contains: field "
        "splits on one"
    )
    keep = (
        f" (if such a cell is one value, write separator: {declared!r} out to read it so, with this line as a note)"
        if refusing
        else ""
    )
    return (
        f"{column}: {count:,} of its {filled:,} filled cells {'separates' if count == 1 else 'separate'} values "
        f"by {separator!r}, not {declared!r} "
        f"(such as {example!r}), so {fields} (contains:) read a value they list as no: {fix}{keep}"
    )


def say_separators(mapping, rows, where: str = "") -> None:
    """Log each finding's line (`where`: the file, 'new_leads.csv: '): scoring still decides every row, since
    the line names the mapping key that reads them right; the Python API gives it as a warning."""
    for found in separator_findings(mapping, rows):
        log.warning("%s%s", where, separator_line(mapping, found))
