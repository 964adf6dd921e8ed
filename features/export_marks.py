"""The decimal mark of each number column of an export, checked against its cells or inferred, and its currencies."""

from __future__ import annotations

from collections.abc import Iterator

from leadgate.features.blank_cells import cell
from leadgate.features.cells import NumberCell, Row
from leadgate.features.column_currencies import mixed_currencies, shared_currencies
from leadgate.features.mapping import Column, Mapping, MappingError
from leadgate.features.money_marks import (
    CurrencyMarkError,
    converts_several,
    currency_of,
    marks_by_currency,
    per_currency_hint,
)
from leadgate.features.number_marks import column_mark, evidence


def decimal_marks(
    mapping: Mapping, raw_rows: list[dict], known: dict[str, str] | None = None, *, strays: float = 0.0
) -> dict[str, str]:
    """Each number column's decimal mark: the column's or the mapping's, checked against its cells, or inferred
    from them ('71,0' and '15.368,78' say ','); a column whose cells contradict or fit both is refused.

    `known` are the marks training read the columns with (stored with the model): a column the mapping gives
    no mark reads with training's when its cells show none ('1,500' is 1.5 when training read ','; '8048.17'
    still reads with '.'). `strays`: the share of a column's cells that show a mark which may write the other
    one, each then its row's error (see number_marks.column_mark); 0, any such cell refuses the column.
    """
    placeholders = set(mapping.placeholders)
    marks: dict[str, str] = {}
    for rule in mapping.number_rules():
        # A typed table's number cell (Parquet, .xlsx) is written with a point whatever the export's own mark.
        typed = [isinstance(raw.get(rule.column), NumberCell) for raw in raw_rows]
        cells = [cell(rule, Row(raw, placeholders)) for raw in raw_rows]
        texts = [
            text
            for text in (
                rule.values.get(c, c)
                for c, number in zip(cells, typed, strict=True)
                if c is not None and not number
            )
            if text is not None
        ]
        declared = rule.decimal or mapping.decimal
        trained = (known or {}).get(rule.column)
        if converts_several(rule):
            marks[rule.column] = _money_mark(rule, cells, texts, declared, trained, strays)
            continue
        try:
            marks[rule.column] = column_mark(rule.column, texts, declared, trained=trained, strays=strays)
        except ValueError as error:
            raise MappingError(f"{error}{_rows_of_strays(rule, cells, declared)}") from None
    return marks


def _money_mark(rule, cells, texts, declared, trained, strays: float) -> str | dict[str, str]:
    """The mark of a column converting several currencies: one for the whole column when its cells agree (or
    one is declared), else one per currency (money_marks.marks_by_currency) when each currency's cells agree."""
    several = isinstance(declared, dict) or isinstance(trained, dict)
    if not several:
        try:
            return column_mark(rule.column, texts, declared, trained=trained, strays=strays)
        except ValueError as error:
            # Only a mix, such as '$2,500,000' beside '€1.250.000', may be each currency writing its own mark.
            if declared is not None or "mixes decimal marks" not in str(error):
                hint = per_currency_hint(rule, texts) if declared is not None else ""
                raise MappingError(f"{error}{_rows_of_strays(rule, cells, declared)}{hint}") from None
    try:
        return marks_by_currency(
            rule,
            texts,
            declared if isinstance(declared, dict) else None,
            trained if isinstance(trained, dict) else None,
            strays=strays,
        )
    except CurrencyMarkError as error:
        # Where that currency's cells off its mark are: the rows of the other currencies are not at fault.
        own = [
            c if c is not None and currency_of(rule, rule.values.get(c, c) or "") == error.currency else None
            for c in cells
        ]
        mark = declared.get(error.currency) if isinstance(declared, dict) else None
        raise MappingError(f"{error}{_rows_of_strays(rule, own, mark)}") from None


def _unconverted(mapping: Mapping, raw_rows: list[dict]) -> Iterator[tuple[str, Column, list[str]]]:
    """(lead path, rule, filled cells) of each number column naming no `currency` (a currency makes its cells
    in another each their row's error)."""
    placeholders = set(mapping.placeholders)
    rules = {**mapping.fields, **{f"custom.{name}": rule for name, rule in mapping.custom.items()}}
    for path, rule in rules.items():
        if rule.type not in ("number", "integer") or rule.column is None or rule.currency is not None:
            continue
        if converts_several(rule):  # each cell converted from its own currency: several are what it holds
            continue
        cells = (cell(rule, Row(raw, placeholders)) for raw in raw_rows)
        yield (
            path,
            rule,
            [t for t in (rule.values.get(c, c) for c in cells if c is not None) if t is not None],
        )


def mixed_currency_columns(mapping: Mapping, raw_rows: list[dict]) -> list[str]:
    """The number columns without a `currency` whose cells are amounts in different currencies, each a line."""
    found = (mixed_currencies(rule.column, texts) for _, rule, texts in _unconverted(mapping, raw_rows))
    return [problem for problem in found if problem]


def column_currencies(mapping: Mapping, raw_rows: list[dict]) -> dict[str, list[str]]:
    """Per lead path of a number column naming no `currency`, the currencies its marked cells are in ('custom.
    budget': ['EUR']), kept with the model: scoring refuses a cell in another."""
    found = {path: shared_currencies(texts) for path, _, texts in _unconverted(mapping, raw_rows)}
    return {path: list(codes) for path, codes in found.items() if codes}


def _rows_of_strays(rule, cells: list[str | None], declared: str | None) -> str:
    """Where the cells off the column's mark are (header = row 1): a big export is not searched by eye."""
    shown = [None if c is None else evidence(rule.values.get(c, c) or "") for c in cells]
    marks = [kind for kind in shown if kind in (".", ",")]
    if not marks:
        return ""  # nothing written with a mark: the cells read either way, no row is at fault
    # Off the declared mark; else the mark fewer cells write.
    odd = ("," if declared == "." else ".") if declared else min((".", ","), key=marks.count)
    rows = [number for number, kind in enumerate(shown, start=2) if kind == odd]
    if not rows or len(rows) == len(marks):
        return ""
    more = f" and {len(rows) - 3:,} more" if len(rows) > 3 else ""
    return f" (rows {', '.join(map(str, rows[:3]))}{more})"
