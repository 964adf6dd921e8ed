"""Lead ids on more than one row of a file, counted and the first few named; email addresses leads share."""

from __future__ import annotations

import unicodedata
from array import array
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

SHOWN = 3  # repeated ids named in a note, by their first row
SHOWN_ROWS = 5  # rows named per id


@dataclass(frozen=True)
class Repeats:
    """How many lead ids appear on more than one row, and the first SHOWN of them with their rows."""

    count: int
    shown: tuple[tuple[str, tuple[int, ...]], ...]
    extra_rows: int  # rows beyond the first of each repeated id

    def words(self) -> str:
        """'3 lead ids appear on more than one row (a1 rows 2, 9; b7 rows 4, 5; …)'."""
        listed = "; ".join(f"{lead_id} rows {_rows(rows)}" for lead_id, rows in self.shown)
        more = "; …" if self.count > len(self.shown) else ""
        subject = "1 lead id appears" if self.count == 1 else f"{self.count:,} lead ids appear"
        return f"{subject} on more than one row ({listed}{more})"


def _rows(rows: tuple[int, ...]) -> str:
    shown = ", ".join(str(row) for row in rows[:SHOWN_ROWS])
    return shown + (f" and {len(rows) - SHOWN_ROWS:,} more" if len(rows) > SHOWN_ROWS else "")


def repeats_of(rows: Iterable[tuple[str, int]]) -> Repeats | None:
    """The Repeats among (lead id, row) pairs held in memory; None when every id is on one row."""
    found: dict[str, list[int]] = {}
    for lead_id, row in rows:
        found.setdefault(lead_id, []).append(row)
    repeated = [(lead_id, tuple(rows)) for lead_id, rows in found.items() if len(rows) > 1]
    if not repeated:
        return None
    repeated.sort(key=lambda item: item[1][0])
    extra = sum(len(rows) - 1 for _, rows in repeated)
    return Repeats(len(repeated), tuple(repeated[:SHOWN]), extra)


class RowIds:
    """The lead ids of a stream of rows, read once, told apart at the end in 12 bytes a row (a hash and the
    row number) and a fixed 16 MiB filter: keeping every id would make a streamed batch's memory grow."""

    _BITS = 1 << 27

    def __init__(self) -> None:
        self._hashes = array("q")
        self._rows = array("I")
        self._filter = bytearray(self._BITS // 8)
        # Ids whose hash met the filter set already: every repeat's second row, and a few strangers.
        self._names: dict[int, str] = {}

    def add(self, lead_id: str, row: int) -> None:
        """Note that `lead_id` is on `row`."""
        code = hash(lead_id)
        self._hashes.append(code)
        self._rows.append(row)
        bit = code & (self._BITS - 1)
        byte, mask = bit >> 3, 1 << (bit & 7)
        if self._filter[byte] & mask:
            self._names.setdefault(code, lead_id)
        else:
            self._filter[byte] |= mask

    def repeats(self) -> Repeats | None:
        """The ids seen on more than one row; None when there is none."""
        if not self._names:
            return None
        hashes = np.frombuffer(self._hashes, dtype=np.int64)
        values, counts = np.unique(hashes, return_counts=True)
        repeated = values[counts > 1]
        if not len(repeated):
            return None
        rows = np.frombuffer(self._rows, dtype=np.uint32)
        first: list[int] = []  # the first SHOWN repeated hashes, by their first row
        for code in hashes[np.isin(hashes, repeated)]:
            if code not in first:
                first.append(int(code))
                if len(first) == SHOWN:
                    break
        shown = tuple((self._names[code], tuple(int(r) for r in rows[hashes == code])) for code in first)
        return Repeats(len(repeated), shown, int(counts[counts > 1].sum() - len(repeated)))


def address_key(email: str | None) -> str | None:
    """An email address as it names one person: in any case, surrounding spaces ignored; None when blank or no
    address at all ('n/a', 'anna@'), which many leads hold without being one person."""
    key = unicodedata.normalize("NFC", email).strip().casefold() if email else ""
    name, at, domain = key.rpartition("@")
    return key if name and at and domain else None


def earlier_holders(emails: Iterable[str | None]) -> list[tuple[int, int]]:
    """(i, first) for each lead i whose email address an earlier lead holds (in the order given), with the
    first lead holding it."""
    first: dict[str, int] = {}
    found = []
    for i, email in enumerate(emails):
        key = address_key(email)
        if key is None:
            continue
        if key in first:
            found.append((i, first[key]))
        else:
            first[key] = i
    return found
