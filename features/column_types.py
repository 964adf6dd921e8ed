"""A custom column whose cells mostly fail the type it is declared: one line naming the type that reads them,
instead of an error on every row (walk V: 4,000 rows of 'Campaign: ... is not a number')."""

from __future__ import annotations

from leadgate.features.cells import Row, convert

# Of a column's filled cells failing its declared type, the share past which the type, not the cells, is wrong.
WRONG_TYPE_SHARE = 0.5


def type_mismatches(mapping, rows: list[dict], marks: dict[str, str]) -> list[str]:
    """One line per custom number or integer column most of whose filled cells its type cannot read: text
    (is it a category?) or decimals under integer (type: number)."""
    placeholders, lines = set(mapping.placeholders), []
    for name, rule in mapping.custom.items():
        if rule.type not in ("number", "integer") or rule.column is None:
            continue
        filled, text, decimal = 0, [], []
        for raw in rows:
            row = Row(raw, placeholders, mapping.decimal or ".", marks)
            if row.text(rule.column) is None:
                continue
            filled += 1
            try:
                convert(rule, row)
            except ValueError as error:
                said = str(error)  # other problems (a decimal mark, a currency) keep their own row errors
                if said.startswith("expected a whole number"):
                    decimal.append(row.text(rule.column))
                elif "is not a number (" in said:
                    text.append(row.text(rule.column))
        where = f"custom field {name}"
        if filled and len(text) >= WRONG_TYPE_SHARE * filled:
            lines.append(
                f"{where}: {len(text):,} of the {filled:,} filled cells of {rule.column} are text, not numbers "
                f"(such as {text[0]!r}): is it a category? leave out its type: {rule.type} (category is the "
                "default)"
            )
        elif filled and len(decimal) >= WRONG_TYPE_SHARE * filled:
            lines.append(
                f"{where}: {len(decimal):,} of the {filled:,} filled cells of {rule.column} are not whole "
                f"numbers (such as {decimal[0]!r}): declare type: number"
            )
    return lines
