"""Tables that keep every value whole on any terminal width, however many columns they have."""

from __future__ import annotations

import copy
from dataclasses import replace

from rich.console import Console
from rich.measure import Measurement
from rich.table import Table

UNBOUNDED = 10_000  # wide enough that rich measures what a column needs, not what it would get


def print_table(console: Console, table: Table, keys: int = 1) -> None:
    """Print `table` with no value cut short, on any terminal width.

    Each column gets at least its longest word; when the columns do not fit side by side so, the table is
    printed in parts that each repeat the first `keys` columns (the row's names). Left to itself, rich shortens
    cells to "…" and leaves whole columns off on a narrow terminal or a pipe.
    """
    for column in table.columns:
        column.overflow = "fold"  # the last resort: a single word wider than the terminal
    for column in table.columns[:keys]:
        if column.min_width is not None:  # names kept whole, yet never more than their share of the width
            column.min_width = min(column.min_width, max(console.width // (2 * keys), 10))
    needs = [_need(console, column) for column in table.columns]
    for number, group in enumerate(_groups(console, table, keys)):
        indices = [*range(keys), *group]
        part = _part(table, indices)
        if number and table.title:
            part.title = f"{table.title} (continued)"
        _fit(console, part, [needs[i] for i in indices])
        console.print(part)


def _need(console: Console, column) -> tuple[int, int]:
    """A column's narrowest width with no word broken, and its width with no cell wrapped."""
    options = console.options.update_width(UNBOUNDED)
    sizes = [Measurement.get(console, options, cell) for cell in [column.header, *column.cells]]
    least = max(max(size.minimum for size in sizes), column.min_width or 0)
    return least, max(least, *(size.maximum for size in sizes))


def _least_width(console: Console, table: Table) -> int:
    """The narrowest the table renders with no word of any cell broken (borders and padding included)."""
    return Measurement.get(console, console.options.update_width(UNBOUNDED), table).minimum


def _groups(console: Console, table: Table, keys: int) -> list[list[int]]:
    """The other columns, in order, in as few parts as fit the console beside the key columns."""
    groups: list[list[int]] = [[]]
    for index in range(keys, len(table.columns)):
        trial = [*groups[-1], index]
        if groups[-1] and _least_width(console, _part(table, [*range(keys), *trial])) > console.width:
            groups.append([index])
        else:
            groups[-1] = trial
    return groups


def _fit(console: Console, part: Table, needs: list[tuple[int, int]]) -> None:
    """Fix the column widths when the part must wrap: each its least, the room left shared by what they lack.

    Rich's own shrinking takes from the widest columns first, below their longest word, and folds it.
    """
    overhead = _least_width(console, part) - sum(least for least, _ in needs)
    room = console.width - overhead
    if sum(most for _, most in needs) <= room or sum(least for least, _ in needs) > room:
        return  # fits unwrapped, or cannot fit at all (then rich folds)
    widths = [least for least, _ in needs]
    lacking = [most - least for least, most in needs]
    spare = room - sum(widths)
    total = sum(lacking)
    shares = [spare * lack // total for lack in lacking]
    for column, width, share in zip(part.columns, widths, shares, strict=True):
        column.width, column.min_width = width + share, None


def _part(table: Table, indices: list[int]) -> Table:
    """A copy of the table with only these columns (same title, rows, sections and look)."""
    part = copy.copy(table)
    part.columns = [replace(table.columns[i], _index=n) for n, i in enumerate(indices)]
    return part
