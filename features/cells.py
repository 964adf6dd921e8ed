"""One export cell's text as a lead value: placeholders as missing, value maps, numbers, money, flags, dates."""

from __future__ import annotations

from datetime import date, datetime

from leadgate.features import number_marks
from leadgate.features.blank_cells import cell
from leadgate.features.column_currencies import check_trained_currency
from leadgate.features.custom import prefix_number_problem
from leadgate.features.dates import moment
from leadgate.features.employee_bands import MAX_EMPLOYEES, read_band
from leadgate.features.money_cells import cell_currency, currency_marks, usd
from leadgate.features.money_marks import converts_several


class TimeCell(str):
    """A typed table's timestamp cell as its ISO 8601 text: already a time, so no column's date_format applies."""

    __slots__ = ()


class NumberCell(str):
    """A typed table's number cell as its text: '2107' for a postal code 02107 whose leading zero is gone."""

    __slots__ = ()


class BoolCell(str):
    """A typed table's boolean cell as its text ('True', or Excel's 'TRUE'): a flag's yes or no whatever its words."""

    __slots__ = ()

    def answer(self) -> bool:
        """The boolean the cell held."""
        return self.strip().casefold() == "true"


class Row:
    """One export row with placeholders already read as missing, and each number column's decimal mark."""

    def __init__(self, raw: dict, placeholders: set[str], decimal: str = ".", marks: dict | None = None):
        self.raw = raw
        self.placeholders = placeholders
        self.decimal = decimal
        self.marks = marks or {}

    def mark(self, column: str, currency: str | None = None) -> str:
        """The decimal mark the column's numbers are read with; a column converting several currencies may
        have one per currency (features/money_marks.py), that of `currency` (the mapping's, for one unseen)."""
        mark = self.marks.get(column, self.decimal)
        return mark.get(currency, self.decimal) if isinstance(mark, dict) else mark

    def text(self, column: str) -> str | None:
        """The cell as stripped text, None when empty or a placeholder."""
        value = self.raw.get(column)
        if value is None:
            return None
        value = str(value).strip()
        return None if value in self.placeholders else value

    def blank(self, column: str) -> bool:
        """Whether the cell is empty or spaces only (a placeholder such as 'N/A' is not blank)."""
        value = self.raw.get(column)
        return value is None or not str(value).strip()

    def is_time(self, column: str) -> bool:
        """Whether the column's cell was a timestamp in a typed table (DataFrame, Parquet), not text."""
        return isinstance(self.raw.get(column), TimeCell)

    def is_bool(self, column: str) -> bool:
        """Whether the column's cell was a boolean in a typed table (Parquet, .xlsx), not text."""
        return isinstance(self.raw.get(column), BoolCell)

    def answer(self, column: str) -> bool:
        """The boolean a typed table's cell held (is_bool): a flag's yes or no whatever its words."""
        return self.raw[column].answer()

    def is_number(self, column: str) -> bool:
        """Whether the column's cell was a number in a typed table (DataFrame, Parquet, JSON lines), not text."""
        return isinstance(self.raw.get(column), NumberCell)


def _python(value):
    """A typed table's cell as a Python value: None when missing, numpy values as Python's, timestamps kept."""
    # Missing: None, NaN, pandas' NaT and NA. numpy values become Python's.
    if value is None or type(value).__name__ in ("NAType", "NaTType"):  # NaT is a datetime: caught first
        return None
    if getattr(getattr(value, "dtype", None), "kind", None) == "M" and getattr(value, "ndim", 1) == 0:
        value = value.astype("datetime64[us]").tolist()  # numpy's own tolist() gives integer nanoseconds
    elif hasattr(value, "tolist"):  # numpy arrays and scalars from DataFrame columns
        value = value.tolist()
    if isinstance(value, float) and value != value:
        return None
    return value


def _iso(value: date) -> str:
    # As text, a timestamp meets the rules every lead time meets (naive is UTC, see schema_types.Moment),
    # and a datetime custom field reads it as its ISO text. datetime's own isoformat: to the microsecond.
    return datetime.isoformat(value) if isinstance(value, datetime) else value.isoformat()


def cell_value(value):
    """A typed table's cell (DataFrame, Parquet) as lead JSON holds it: None when missing, timestamps ISO 8601 text."""
    value = _python(value)
    return _iso(value) if isinstance(value, date) else value


def cell_text(value) -> str:
    """A DataFrame or Parquet cell as the text a CSV export holds: '' when missing, '3' for a float 3.0; a
    timestamp is its ISO 8601 text, kept apart as a TimeCell, and a number's text as a NumberCell."""
    if isinstance(value, TimeCell | NumberCell | BoolCell):  # typed already (an .xlsx reader's)
        return value
    value = _python(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return BoolCell(value)
    if isinstance(value, date):  # datetime too: pandas' Timestamp is one
        return TimeCell(_iso(value))
    # pandas turns an integer column with a blank into floats; the export said 3, not 3.0.
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return NumberCell(int(value))
    if isinstance(value, int | float) and not isinstance(value, bool):
        return NumberCell(value)
    return str(value)


def convert(rule, row: Row):
    """The value of `rule`'s column in this row (None when missing), or its constant `value`, typed as the rule
    says."""
    constant = getattr(rule, "value", None)  # a field's value for every lead, read as its cell would be
    value = constant if constant is not None else cell(rule, row)
    # A timestamp cell is a time already: the column's date_format is for text (a value map makes it text).
    time_cell = constant is None and row.is_time(rule.column)
    # A typed table's number cell (DataFrame, Parquet, .xlsx): written with a point, its leading zeros gone.
    number_cell = constant is None and row.is_number(rule.column)
    bool_cell = constant is None and row.is_bool(rule.column)
    if value is not None and value in rule.values:
        value, time_cell, number_cell, bool_cell = rule.values[value], False, False, False
    if value is None:
        return None
    if number_cell and getattr(rule, "prefix", None) is not None:  # '02107', read as 2107, is '21'
        raise ValueError(prefix_number_problem(rule.prefix, value))
    if rule.type in ("number", "integer"):
        if (
            rule.trained_currencies
        ):  # a model's column of amounts in one currency: a cell in another is no amount
            check_trained_currency(rule.trained_currencies, value)
        # A column converting several currencies reads each cell with its currency's mark: '$2,500,000' and
        # '€1.250.000' in one column.
        currency = cell_currency(value, rule.usd_per_unit, rule.currency) if converts_several(rule) else None
        declared = rule.decimal.get(currency) if isinstance(rule.decimal, dict) else rule.decimal
        # A typed number cell has a point, whatever mark the export's text cells write.
        number = _number(value, "." if number_cell else declared or row.mark(rule.column, currency))
        if rule.type == "integer" and not number.is_integer():
            raise ValueError(f"expected a whole number, got {value!r}")
        if rule.currency is not None or currency is not None:  # a money field: in USD, converted if need be
            number = usd(rule, value, number, currency)
        return int(number) if rule.type == "integer" and rule.usd_per_unit is None else number
    if getattr(rule, "contains", None) is not None:  # one value of a multi-select cell, as a flag
        listed = {part.strip().casefold() for part in value.split(rule.separator)}
        return rule.contains.strip().casefold() in listed
    if rule.type == "flag":  # a typed boolean is yes or no whatever words the column's text cells use
        return row.answer(rule.column) if bool_cell else flag(rule, value)
    if rule.type == "datetime":
        return moment(value, None if time_cell else rule.date_format, rule.timezone).isoformat()
    return value


def yes_or_no(value: str, true_values, false_values) -> bool | None:
    """True or False by these yes and no words, in any case and without surrounding spaces; None for other text."""
    folded = value.strip().casefold()
    if folded in {v.casefold() for v in true_values}:
        return True
    if folded in {v.casefold() for v in false_values}:
        return False
    return None


def flag(rule, value: str) -> bool:
    """True or False by the rule's true and false values, in any case; other text is an error, not a silent no."""
    answer = yes_or_no(value, rule.true_values, rule.false_values)
    if answer is not None:
        return answer
    raise ValueError(
        f"{value!r} is neither a yes ({', '.join(rule.true_values)}) nor a no ({', '.join(rule.false_values)}): "
        "add it to the column's true_values or false_values, or, if it means not known ('k.A.', 'n/a'), to the "
        "mapping's placeholders"
    )


COUNT_WORDS = "a count of events (a whole number, 0 or more)"


def event_count(text: str, mark: str | None) -> int:
    """A count cell as a whole number of events, read as number columns read numbers ('1,234', '1 234').

    With no decimal mark declared, a point or comma before three digits groups thousands ('1.234' and '1,234'
    are 1234): a count has no decimals, so no reading of such a cell as 1.234 is meant. A fraction, a negative
    count, a percent or an amount is an error quoting the cell, never rounded or read as 0.
    """
    if "%" in text or currency_marks(text):
        raise ValueError(f"expected {COUNT_WORDS}, got {text!r}")
    count = _whole_number(text, mark, COUNT_WORDS)
    if count < 0:
        raise ValueError(f"expected {COUNT_WORDS}, got {text!r}, below 0")
    return count


def company_size(text: str, mark: str | None) -> str | int:
    """A company.employees cell read without a `type`: a size band kept as its text, else a head count."""
    if read_band(text) is not None:  # the schema reads the band
        return text
    unread = all(number_marks.read(text, m) is None for m in (".", ","))
    if "%" in text or currency_marks(text) or unread:
        raise ValueError(f"expected a number or a size band like '51-200' or '10001+', got {text!r}")
    # Read as a count of events is: with no decimal mark declared, '1.268' and '1,268' are 1268.
    count = _whole_number(text, mark, "a whole number of employees")
    if not 0 <= count <= MAX_EMPLOYEES:
        raise ValueError(f"expected 0 to {MAX_EMPLOYEES:,} employees, got {text!r}")
    return count


def _whole_number(text: str, mark: str | None, words: str) -> int:
    """The whole number a cell writes with `mark`, or with either mark when none is declared."""
    readings = [number_marks.read(text, m) for m in ((mark,) if mark else (".", ","))]
    whole = [number for number in readings if number is not None and number.is_integer()]
    if not whole:
        # `expected {words}` for a fraction, naming the declared mark when the other one reads it whole.
        said = repr(text) + (", a fraction" if any(n is not None for n in readings) else "")
        other = "," if mark == "." else "."
        if mark and _whole(number_marks.read(text, other)):
            said += f" with the decimal mark {mark!r} the mapping reads numbers with"
            if (
                words != COUNT_WORDS
            ):  # a count's message has said this since before; a size says what to declare
                name = "point" if mark == "." else "comma"
                said += (
                    f": if its {name} groups thousands, give the column or the mapping `decimal: {other!r}`"
                )
        raise ValueError(f"expected {words}, got {said}")
    return int(max(whole))  # '1.000' undeclared: 1000, its point a group, as '1.234' is 1234


def _whole(number: float | None) -> bool:
    return number is not None and number.is_integer()


def _number(text: str, mark: str) -> float:
    number = number_marks.read(text, mark)
    if number is None:
        if number_marks.read(text, "," if mark == "." else ".") is not None:
            raise ValueError(
                f"{text!r} is not a number with the decimal mark {mark!r} the column is read with: correct "
                "the cell, or read it with the column's `values` (a whole column in the other mark: give it its "
                "own `decimal`)"
            )
        if _is_band(text):
            raise ValueError(
                f"{text!r} is a size band, not a number: map it to company.employees without a `type` (it "
                "reads bands as they are), or as a custom field of type `category`"
            )
        raise ValueError(
            f"{text!r} is not a number (a currency sign or code, %, grouping spaces and a magnitude such as "
            "K, M, Mio or bn are read; "
            "map other text with the column's `values`)"
        )
    return number


def _is_band(text: str) -> bool:
    try:
        return isinstance(read_band(text), str)
    except ValueError:  # a band, though out of order
        return True


SIZE_FIELD = "company.employees"  # the lead field whose text (no `type`) is a size band or a head count


def field_value(target: str, rule, row: Row, decimal: str | None):
    """`convert` for the lead field `target`, company.employees read as text (no `type`) by `company_size`."""
    value = convert(rule, row)
    if target != SIZE_FIELD or rule.type != "text" or not isinstance(value, str):
        return value
    # A typed table's number (Parquet, a DataFrame) is written with a point whatever the export's mark; a
    # cell's decimal mark is the column's `decimal`, else the mapping's (`decimal`).
    return company_size(value, "." if row.is_number(rule.column) else rule.decimal or decimal)


def checked(rule, row: Row, target: str | None = None, decimal: str | None = None):
    """`convert` (`field_value` for a lead field's `target`), with the column's name in the error."""
    try:
        return convert(rule, row) if target is None else field_value(target, rule, row, decimal)
    except ValueError as error:
        raise ValueError(f"{rule.column or rule.where}: {error}") from None
