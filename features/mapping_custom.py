"""An export column that becomes a custom field of the lead: its type, label, reason, direction and readings."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from leadgate.features.custom import CustomField, default_label
from leadgate.features.mapping_columns import MONEY_FIELDS, TRUE_VALUES, FieldColumn


class CustomColumn(FieldColumn):
    """An export column that becomes a custom field of the lead (and a model feature of its own)."""

    type: Literal["number", "integer", "category", "flag", "datetime"] = "category"
    label: str | None = Field(
        None, max_length=80, description="what people read; from the name when not given"
    )
    reason: str | None = Field(None, max_length=200, description="reason template with {label} and {value}")
    direction: Literal["increasing", "decreasing"] | None = Field(
        None, description="known effect of a higher value on conversion (a monotone constraint)"
    )
    contains: str | None = Field(
        None,
        min_length=1,
        description="a flag of one value of a multi-select cell ('API' in 'Analytics;API'): yes when listed",
    )
    separator: str = Field(";", min_length=1, description="what separates a multi-select cell's values")
    prefix: int | None = Field(
        None, ge=1, description="a category read by its first N characters (a postal code's region: 2)"
    )
    missing: str | None = Field(
        None,
        min_length=1,
        max_length=80,
        description="what a reason says when the cell is blank ('No demo requested')",
    )

    @model_validator(mode="after")
    def _check_contains(self) -> CustomColumn:
        where = self.where
        if self.prefix is not None and (self.type != "category" or self.contains is not None):
            kind = "a contains: flag" if self.contains is not None else self.type
            raise ValueError(
                f"{where}: prefix reads a category by its first characters: it applies to type: category, not "
                f"{kind}; drop prefix"
            )
        if self.contains is None:
            if "separator" in self.model_fields_set:
                raise ValueError(f"{where}: separator applies with contains (contains: API, say)")
            return self
        # A multi-select value answers yes or no: the flag type is implied, another one is a mistake.
        if "type" not in self.model_fields_set:
            self.type = "flag"
        if self.type != "flag":
            raise ValueError(
                f"{where}: contains makes a flag (whether the value is listed), not a {self.type}"
            )
        if self.separator in self.contains:
            raise ValueError(f"{where}: contains {self.contains!r} holds the separator {self.separator!r}")
        words = {"true_values", "false_values"} & self.model_fields_set
        if words and (self.true_values, self.false_values) != (TRUE_VALUES, [""]):
            raise ValueError(
                f"{where}: contains is yes when {self.contains!r} is listed and no when it is not, whatever "
                f'true_values and false_values say; a blank cell is missing unless false_values: [""] reads it as no'
            )
        return self

    def reads_as(self) -> str:
        return "flag" if self.contains is not None else self.type

    def typed_by_field(self) -> bool:
        return False  # a custom field is the type its column says (a category when it says none)

    def _check_currency(self) -> None:
        # No policy threshold compares a custom number: the model learns it in the export's own unit, never
        # converted. A currency names that unit, so a cell marked in another one is its row's error.
        if self.usd_per_unit is not None:
            raise ValueError(
                f"{self.where}: usd_per_unit converts the built-in money fields "
                f"({', '.join(MONEY_FIELDS)}) to the USD the policy's thresholds are in; a custom number is "
                "learnt and shown as the export writes it: remove it (currency: alone names the column's "
                "currency, and refuses cells in another)"
            )
        if self.currency is not None and self.type not in ("number", "integer"):
            raise ValueError(f"{self.where}: currency applies to type: number or integer, not {self.type}")

    def field(self, name: str) -> CustomField:
        """The custom field this column declares."""
        label = self.label or default_label(name)
        return CustomField(name, self.type, label, self.reason, self.direction, self.prefix, self.missing)
