"""One export cell's text as a lead value: placeholders as missing, value maps, numbers, flags, dates."""

from __future__ import annotations

from datetime import UTC, datetime


class Row:
    """One export row with placeholders already read as missing."""

    def __init__(self, raw: dict, placeholders: set[str], decimal: str = "."):
        self.raw = raw
        self.placeholders = placeholders
        self.decimal = decimal

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
        number = _number(value, row.decimal)
        if rule.type == "integer" and not number.is_integer():
            raise ValueError(f"expected a whole number, got {value!r}")
        return int(number) if rule.type == "integer" else number
    if rule.type == "flag":
        return flag(rule, value)
    if rule.type == "datetime":
        moment = datetime.strptime(value, rule.date_format) if rule.date_format else _iso(value)
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()
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


def _number(text: str, decimal: str) -> float:
    # Thousands separators go; the decimal mark becomes a point ("1.234,5" with decimal "," is 1234.5).
    text = text.replace(" ", "")
    text = text.replace(".", "").replace(",", ".") if decimal == "," else text.replace(",", "")
    number = float(text)
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError(f"not a finite number: {text!r}")
    return number


def _iso(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def checked(rule, row: Row):
    """`convert`, with the column's name in the error."""
    try:
        return convert(rule, row)
    except ValueError as error:
        raise ValueError(f"{rule.column}: {error}") from None
