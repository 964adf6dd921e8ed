"""How one export column is read: its type, value map, flag words, date format, decimal mark and currency, pure."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from leadgate.features.blank_cells import ValueMap, Words, applies, blank_words, check_flag_words
from leadgate.features.dates import EPOCH_FORMATS, NUMERIC_FORMATS, check_format, time_zone
from leadgate.features.schema import EventType

# A flag's yes and no as exports write them (matched in any case), English and the common European words.
# Excel writes its booleans in the sheet's language: WAHR/FALSCH, VRAI/FAUX, VERDADERO/FALSO, VERO/FALSO.
TRUE_VALUES = [
    "yes",
    "y",
    "true",
    "t",
    "1",
    "ja",
    "j",
    "oui",
    "si",
    "sí",
    "x",
    "wahr",
    "vrai",
    "verdadero",
    "vero",
]
FALSE_VALUES = ["no", "n", "false", "f", "0", "nein", "non", "falsch", "faux", "falso"]
# The lead's money fields: USD, as the schema says and the policy's thresholds (min_revenue_per_employee) compare.
MONEY_FIELDS = ("company.annual_revenue", "source.cost")


Mark = Literal[".", ","]
Rate = Annotated[float, Field(gt=0, allow_inf_nan=False)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Column(_Strict):
    """One export column and how its text becomes a value."""

    column: str = Field(..., min_length=1)
    values: ValueMap = Field({}, description='value map applied first; null means missing; "": a blank cell')
    type: Literal["text", "number", "integer", "flag", "datetime"] = "text"
    true_values: Words = Field(TRUE_VALUES, description="a flag's yes, in any case")
    false_values: Words = Field(FALSE_VALUES, description="a flag's no; any other text is the row's error")
    date_format: str | None = Field(
        None, description=f"strptime format or one of {', '.join(NUMERIC_FORMATS)}; ISO 8601 when not given"
    )
    timezone: str | None = Field(
        None,
        description="IANA time zone of this datetime column's times written without an offset, over the "
        "mapping's (UTC when neither is set)",
    )
    decimal: Mark | dict[str, Mark] | None = Field(
        None,
        description="this number column's decimal mark, over the mapping's (inferred when neither is set); "
        'per currency on a column converting several ({EUR: ",", USD: "."})',
    )
    currency: str | None = Field(
        None,
        description="a money field's currency (ISO code): USD unless given; another one needs usd_per_unit; "
        "with a map of rates, the currency of its unmarked cells",
    )
    usd_per_unit: Rate | dict[str, Rate] | None = Field(
        None,
        description="USD for one unit of `currency` (EUR at 1.08 dollars: 1.08), or per currency the column's "
        "cells are in ({EUR: 1.08, USD: 1}); no rate is ever looked up",
    )
    # The currencies a model's training read this number column's marked cells in ('€': EUR), when the
    # mapping names none: scoring refuses a cell in another (features/column_currencies.py); not in the YAML.
    _trained_currencies: tuple[str, ...] = PrivateAttr(default=())

    @property
    def trained_currencies(self) -> tuple[str, ...]:
        """The currencies training read this column's marked amounts in, when the mapping names none."""
        return self._trained_currencies

    @property
    def where(self) -> str:
        """How the mapping's messages name this rule: "column 'Create Date'", or "value 'paid_social'"."""
        return f"column {self.column!r}"

    def reads_as(self) -> str:
        """The type its cells are read as: a flag's true_values and false_values apply to a flag only."""
        return self.type

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str | None) -> str | None:
        # A typo would otherwise fail on every row, or read every time in UTC.
        return None if name is None else time_zone(name)

    @field_validator("currency", mode="before")
    @classmethod
    def _code(cls, value):
        return _code(value)

    @field_validator("usd_per_unit", "decimal", mode="before")
    @classmethod
    def _codes(cls, value):
        # A map's keys are currency codes, checked as `currency` is.
        return {_code(code): v for code, v in value.items()} if isinstance(value, dict) else value

    @model_validator(mode="after")
    def _check_format(self) -> Column:
        # A format the type does not use would be silently ignored: a date read as text, a number misread.
        if self.date_format is not None:
            if self.type != "datetime":
                raise ValueError(
                    f"{self.where}: date_format applies to type: datetime, not {self.type}; "
                    "add type: datetime or drop date_format"
                )
            check_format(self.date_format)
        self._check_timezone()
        if self.decimal is not None and self.type not in ("number", "integer") and not self.typed_by_field():
            raise ValueError(f"{self.where}: decimal applies to type: number or integer, not {self.type}")
        if isinstance(self.decimal, dict) and not isinstance(self.usd_per_unit, dict):
            raise ValueError(
                f"{self.where}: a decimal mark per currency applies to a money column converting several "
                '(usd_per_unit: {EUR: 1.08, USD: 1}); give the column one mark (decimal: "," or ".")'
            )
        self._check_currency()
        check_flag_words(self)  # words no reading consults would be silently ignored
        return self

    def typed_by_field(self) -> bool:
        """Whether the lead field the column fills gives its type (a field's column that names none)."""
        # The mapping then checks the options a type needs, knowing the field (with_field_type).
        return False

    def _check_timezone(self) -> None:
        if self.timezone is None:
            return
        if self.type != "datetime":
            raise ValueError(
                f"{self.where}: timezone applies to type: datetime, not {self.type}; "
                "add type: datetime or drop timezone"
            )
        if self.date_format in EPOCH_FORMATS:
            raise ValueError(
                f"{self.where}: Unix time ({self.date_format}) counts from 1970-01-01 UTC and has no "
                "time zone: drop timezone"
            )

    def _check_currency(self) -> None:
        where = self.where
        if (self.currency, self.usd_per_unit) == (None, None):
            return
        if self.type not in ("number", "integer") and not self.typed_by_field():
            raise ValueError(
                f"{where}: currency and usd_per_unit apply to type: number or integer, not {self.type}"
            )
        if isinstance(self.usd_per_unit, dict):
            self._check_rates()
            return
        if self.currency is None:
            raise ValueError(f"{where}: usd_per_unit needs the currency it converts (currency: EUR, say)")
        if self.currency == "USD" and self.usd_per_unit is not None:
            raise ValueError(f"{where}: amounts in USD need no rate; drop usd_per_unit")
        if self.currency != "USD" and self.usd_per_unit is None:
            raise ValueError(
                f"{where}: currency {self.currency} needs usd_per_unit, the USD one {self.currency} is worth "
                "(leadgate looks no rate up)"
            )

    def _check_rates(self) -> None:
        """A map of rates: USD, if listed, at 1; `currency` and the decimal marks' currencies among its own."""
        where, rates = self.where, self.usd_per_unit
        if not rates:
            raise ValueError(
                f"{where}: usd_per_unit lists no currency: give its rate per currency (EUR: 1.08)"
            )
        if rates.get("USD", 1) != 1:
            raise ValueError(f"{where}: usd_per_unit gives USD {rates['USD']:g}: one USD is 1 USD (USD: 1)")
        codes = " and ".join(sorted(rates))
        if self.currency is not None and self.currency not in rates:
            raise ValueError(
                f"{where}: currency {self.currency} (the currency of unmarked cells) is not among the "
                f"currencies usd_per_unit converts ({codes}): add its rate, or name one of those"
            )
        if isinstance(self.decimal, dict) and (odd := sorted(set(self.decimal) - set(rates))):
            raise ValueError(
                f"{where}: decimal gives a mark for {', '.join(odd)}, which usd_per_unit does not convert "
                f"({codes}): add its rate, or drop its mark"
            )


def _code(value):
    """A currency code as cells write it ('EUR 5'; the mapping may say eur), checked against ISO 4217."""
    if isinstance(value, str):
        value = value.strip().upper()
        if not (len(value) == 3 and value.isascii() and value.isalpha()):
            raise ValueError(f"{value!r} is not a three-letter currency code such as EUR, GBP or CHF")
        if not _iso_currency(value):  # a typo (EUO) would otherwise convert at the rate given for EUR
            raise ValueError(f"{value!r} is not an ISO 4217 currency code (EUR, GBP, CHF…)")
    return value


class FieldColumn(Column):
    """A lead field's export column, or its `value`: a constant every lead of the export has (a LinkedIn Lead Gen
    export has no channel column, yet each of its leads came from paid social)."""

    column: str | None = Field(None, min_length=1)
    value: str | None = Field(
        None,
        min_length=1,
        description="the field's value for every lead, read as a cell of the column would be",
    )

    @model_validator(mode="before")
    @classmethod
    def _column_or_value(cls, data):
        if isinstance(data, dict):
            given = [key for key in ("column", "value") if data.get(key) is not None]
            if len(given) != 1:
                raise ValueError(
                    "give column (the export column to read) or value (the same for every lead)"
                    + (", not both" if given else "")
                )
        return data

    @property
    def where(self) -> str:
        return f"value {self.value!r}" if self.value is not None else super().where

    def typed_by_field(self) -> bool:
        return "type" not in self.model_fields_set


class CreatedAt(Column):
    """The creation date column: always a datetime (ISO 8601, or as its date_format says)."""

    type: Literal["datetime"] = "datetime"


class Sequence(_Strict):
    """Creation order from a sequential id when the export has no dates (one step per rank)."""

    column: str
    start: datetime
    step_seconds: float = Field(60, gt=0)

    @field_validator("start")
    @classmethod
    def _after_the_earliest(cls, start: datetime) -> datetime:
        # Every row's time counts from here: before 1990 each would be refused as a system's zero date.
        from leadgate.features.lead_times import EARLIEST

        if (start if start.tzinfo else start.replace(tzinfo=UTC)) < EARLIEST:
            raise ValueError(
                f"start {start.isoformat()} is before {EARLIEST.date().isoformat()}, the earliest time a lead may "
                "have: start the sequence at a real date (the order is what it means)"
            )
        return start


class EventRule(_Strict):
    """Activity from a column: a count of events, or one event when a flag is set, at creation time."""

    type: EventType
    column: str
    kind: Literal["count", "flag"] = "count"
    max_events: int = Field(100, ge=1, le=10_000)
    true_values: Words = TRUE_VALUES
    false_values: Words = FALSE_VALUES

    @property
    def where(self) -> str:
        """How the mapping's messages name this rule: "demo_request from column 'Demo'"."""
        return f"{self.type.value} from column {self.column!r}"

    @model_validator(mode="after")
    def _check_words(self) -> EventRule:
        where = self.where
        given = sorted({"true_values", "false_values"} & self.model_fields_set)
        if given and self.kind != "flag":
            raise ValueError(f"{where}: {applies(given)} to kind: flag, not a count")
        blank_words(where, self.true_values, self.false_values)
        return self


def _iso_currency(code: str) -> bool:
    """Whether ISO 4217 lists the code (pycountry's table)."""
    import pycountry  # its tables load on first use: only a mapping that names a currency pays for it

    return pycountry.currencies.get(alpha_3=code) is not None
