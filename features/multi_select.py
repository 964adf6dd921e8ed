"""Multi-select cells written with another separator than the mapping's: a contains: flag would read them as no."""

from __future__ import annotations

import logging
from collections import Counter
from typing import NamedTuple

from leadgate.features.cells import Row
from leadgate.features.mapping import MappingError

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
    # Of `count`, cells the other separator splits into nothing but values the contains: fields list, none of
    # them listed whole ('API;SSO' for contains: API and contains: SSO): no reading makes such a cell one value.
    exact: int = 0

    def refused(self) -> bool:
        """Whether training refuses: more misread leads than the bad rows it tolerates, under a separator the
        mapping left at its default (written out, it is the data scientist's word: 'CRM/ERP' is one value),
        or whatever the mapping writes when the cells are `unambiguous`."""
        return self.count > REFUSED_SHARE * self.filled and (not self.written or self.unambiguous())

    def unambiguous(self) -> bool:
        """Whether more misread leads than the bad rows training tolerates list values by the other separator
        beyond doubt: all but a tolerated share of the misread cells split into values the mapping lists (walk
        AE: 'Enterprise Suite;CRM Basic' under a written-out '|', half the product flags wrong). Scoring
        refuses these too; a written separator cannot make such a cell one value."""
        tolerated = REFUSED_SHARE * self.filled
        return self.count > tolerated and self.count - self.exact <= tolerated


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
        filled, split, other, exact = 0, 0, Counter(), Counter()
        example: dict[str, str] = {}
        exact_example: dict[str, str] = {}  # the first cell of `exact`, the one an unambiguous finding shows
        listed = set(values)
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
                if (
                    separator != declared
                    and separator in text
                    and listed & (parts := _listed(text, separator))
                ):
                    other[separator] += 1
                    # Every part a listed value, the whole cell none ('CRM/ERP' listed is read as one value).
                    if parts - {""} <= listed and text.strip().casefold() not in listed:
                        exact[separator] += 1
                        exact_example.setdefault(separator, text)
                    example.setdefault(separator, text)
                    break
        if other:
            separator, count = other.most_common(1)[0]
            found = Misread(
                column,
                declared,
                separator,
                count,
                filled,
                split,
                example[separator],
                (column, declared) in written,
                exact[separator],
            )
            findings.append(
                found._replace(example=exact_example[separator]) if found.unambiguous() else found
            )
    return findings


def separator_line(mapping, found: Misread, refusing: bool = False) -> str:
    """One line for a finding: the cells, the separator they use, and the mapping key to set (or, when the
    column mixes separators, that the export must write one); `refusing`: training's refusal, which says how
    to keep the reading when such a cell is one value."""
    column, declared, separator, count, filled, split, example, _, exact = found
    names = [n for n, r in mapping.custom.items() if r.contains is not None and r.column == column]
    fields = f"custom field {names[0]}" if len(names) == 1 else f"custom fields {', '.join(names)}"
    fix = (
        f"add separator: {separator!r} to {'it' if len(names) == 1 else 'each'}"
        if not split
        else f"{split:,} other cells use {declared!r}: write one separator in the export, a contains: field "
        "splits on one"
    )
    keep = ""
    if refusing and found.unambiguous():  # no separator written out reads these cells as one value
        lists = "it lists" if len(names) == 1 else "these fields list"
        keep = f" ({exact:,} of them split into nothing but values {lists})"
    elif refusing:
        keep = (
            f" (if such a cell is one value, write separator: {declared!r} out to read it so, with this line as "
            "a note)"
        )
    return (
        f"{column}: {count:,} of its {filled:,} filled cells {'separates' if count == 1 else 'separate'} values "
        f"by {separator!r}, not {declared!r} "
        f"(such as {example!r}), so {fields} (contains:) read a value they list as no: {fix}{keep}"
    )


def say_separators(mapping, rows, where: str = "") -> None:
    """Log each finding's line (`where`: the file, 'new_leads.csv: '): scoring still decides every row, since
    the line names the mapping key that reads them right; the Python API gives it as a warning. Cells that
    split into nothing but the values the mapping lists (`Misread.unambiguous`) are refused instead, as
    training refuses them: every such lead would be decided with its flags read as no (walk AE)."""
    found = separator_findings(mapping, rows)
    if refused := [f"{where}{separator_line(mapping, f, refusing=True)}" for f in found if f.unambiguous()]:
        raise MappingError("; ".join(refused))
    for finding in found:
        log.warning("%s%s", where, separator_line(mapping, finding))
