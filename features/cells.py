"""One export cell's text as a lead value: placeholders as missing, value maps, numbers, flags, dates."""

from __future__ import annotations

from leadgate.features import number_marks
from leadgate.features.dates import moment


class Row:
    """One export row with placeholders already read as missing, and each number column's decimal mark."""

    def __init__(self, raw: dict, placeholders: set[str], decimal: str = ".", marks: dict | None = None):
        self.raw = raw
        self.placeholders = placeholders
        self.decimal = decimal
        self.marks = marks or {}

    def mark(self, column: str) -> str:
        """The decimal mark the column's numbers are read with."""
        return self.marks.get(column, self.decimal)

    def text(self, column: str) -> str | None:
        """The cell as stripped text, None when empty or a placeholder."""
        value = self.raw.get(column)
        if value is None:
            return None
        value = str(value).strip()
        return None if value in self.placeholders else value


def cell_text(value) -> str:
    """A DataFrame or Parquet cell as the text a CSV export holds: '' when missing, '3' for a float 3.0."""
    if value is None or type(value).__name__ == "NAType":
        return ""
    if isinstance(value, float):
        if value != value:
            return ""
        # pandas turns an integer column with a blank into floats; the export said 3, not 3.0.
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
    return str(value)


def convert(rule, row: Row):
    """The value of `rule`'s column in this row (None when missing), typed as the rule says."""
    value = row.text(rule.column)
    if value is not None and value in rule.values:
        value = rule.values[value]
    if value is None:
        return None
    if rule.type in ("number", "integer"):
        number = _number(value, rule.decimal or row.mark(rule.column))
        if rule.type == "integer" and not number.is_integer():
            raise ValueError(f"expected a whole number, got {value!r}")
        return int(number) if rule.type == "integer" else number
    if rule.type == "flag":
        return flag(rule, value)
    if rule.type == "datetime":
        return moment(value, rule.date_format).isoformat()
    return value


def flag(rule, value: str) -> bool:
    """True or False by the rule's true and false values, in any case; other text is an error, not a silent no."""
    folded = value.casefold()
    if folded in {v.casefold() for v in rule.true_values}:
        return True
    if folded in {v.casefold() for v in rule.false_values}:
        return False
    raise ValueError(
        f"{value!r} is neither a yes ({', '.join(rule.true_values)}) nor a no ({', '.join(rule.false_values)}): "
        "add it to the column's true_values or false_values"
    )


def _number(text: str, mark: str) -> float:
    number = number_marks.read(text, mark)
    if number is None:
        if number_marks.read(text, "," if mark == "." else ".") is not None:
            raise ValueError(
                f"{text!r} is not a number with the decimal mark {mark!r} the column is read with "
                "(give the column its own `decimal`)"
            )
        raise ValueError(
            f"{text!r} is not a number (a currency sign or code, % and grouping spaces are read; "
            "map other text with the column's `values`)"
        )
    return number


def checked(rule, row: Row):
    """`convert`, with the column's name in the error."""
    try:
        return convert(rule, row)
    except ValueError as error:
        raise ValueError(f"{rule.column}: {error}") from None
