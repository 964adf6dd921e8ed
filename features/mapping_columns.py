"""How one export column is read: its type, value map, flag words, date format and decimal mark, pure."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from leadgate.features.custom import CustomField, default_label
from leadgate.features.dates import NUMERIC_FORMATS, check_format
from leadgate.features.schema import EventType

# A flag's yes and no as exports write them (matched in any case), English and the common European words.
TRUE_VALUES = ["yes", "y", "true", "t", "1", "ja", "j", "oui", "si", "sí", "x"]
FALSE_VALUES = ["no", "n", "false", "f", "0", "nein", "non"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Column(_Strict):
    """One export column and how its text becomes a value."""

    column: str = Field(..., min_length=1)
    values: dict[str, str | None] = Field({}, description="value map applied first; null means missing")
    type: Literal["text", "number", "integer", "flag", "datetime"] = "text"
    true_values: list[str] = Field(TRUE_VALUES, description="a flag's yes, in any case")
    false_values: list[str] = Field(
        FALSE_VALUES, description="a flag's no; any other text is the row's error"
    )
    date_format: str | None = Field(
        None, description=f"strptime format or one of {', '.join(NUMERIC_FORMATS)}; ISO 8601 when not given"
    )
    decimal: Literal[".", ","] | None = Field(
        None,
        description="this number column's decimal mark, over the mapping's (inferred when neither is set)",
    )

    @model_validator(mode="after")
    def _check_format(self) -> Column:
        # A format the type does not use would be silently ignored: a date read as text, a number misread.
        if self.date_format is not None:
            if self.type != "datetime":
                raise ValueError(
                    f"column {self.column!r}: date_format applies to type: datetime, not {self.type}; "
                    "add type: datetime or drop date_format"
                )
            check_format(self.date_format)
        if self.decimal is not None and self.type not in ("number", "integer"):
            raise ValueError(
                f"column {self.column!r}: decimal applies to type: number or integer, not {self.type}"
            )
        return self


class CreatedAt(Column):
    """The creation date column: always a datetime (ISO 8601, or as its date_format says)."""

    type: Literal["datetime"] = "datetime"


class CustomColumn(Column):
    """An export column that becomes a custom field of the lead (and a model feature of its own)."""

    type: Literal["number", "integer", "category", "flag", "datetime"] = "category"
    label: str | None = Field(
        None, max_length=80, description="what people read; from the name when not given"
    )
    reason: str | None = Field(None, max_length=200, description="reason template with {label} and {value}")
    direction: Literal["increasing", "decreasing"] | None = Field(
        None, description="known effect of a higher value on conversion (a monotone constraint)"
    )

    def field(self, name: str) -> CustomField:
        """The custom field this column declares."""
        return CustomField(name, self.type, self.label or default_label(name), self.reason, self.direction)


class Sequence(_Strict):
    """Creation order from a sequential id when the export has no dates (one step per rank)."""

    column: str
    start: datetime
    step_seconds: float = Field(60, gt=0)


class EventRule(_Strict):
    """Activity from a column: a count of events, or one event when a flag is set, at creation time."""

    type: EventType
    column: str
    kind: Literal["count", "flag"] = "count"
    max_events: int = Field(100, ge=1, le=10_000)
    true_values: list[str] = TRUE_VALUES
    false_values: list[str] = FALSE_VALUES
