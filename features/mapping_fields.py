"""What a lead field adds to its column's rule: the type a number field reads with, USD for a money field."""

from __future__ import annotations

from leadgate.features.cells import SIZE_FIELD
from leadgate.features.mapping_columns import MONEY_FIELDS, Column, FieldColumn

# Lead fields that hold a number: a column mapped to one without a `type` is read as a `number` column is.
NUMBER_FIELDS = ("company.annual_revenue", "form.seconds_on_form", "source.cost")


def with_field_type(target: str, rule: FieldColumn) -> FieldColumn:
    """The rule with its field's type when it names none."""
    if not rule.typed_by_field():
        return rule
    # A number field's cells read as a `number` column's: currency, grouping and its decimal mark, declared
    # or inferred.
    if target in NUMBER_FIELDS:
        return rule.model_copy(update={"type": "number"})
    # company.employees stays text, a size band or a head count (features/cells.company_size); any other
    # field is text, which no `decimal` applies to.
    if target != SIZE_FIELD and rule.decimal is not None:
        raise ValueError(
            f"fields.{target}: {rule.where}: decimal applies to type: number or integer, not text"
        )
    return rule


def with_field_currency(target: str, rule: Column) -> Column:
    """The rule, read in USD when it fills a money field."""
    # Only a money field converts (currency with usd_per_unit, or usd_per_unit's map of rates).
    if target not in MONEY_FIELDS:
        if rule.currency is not None or isinstance(rule.usd_per_unit, dict):
            raise ValueError(
                f"fields.{target}: currency and usd_per_unit apply to the money fields "
                f"({', '.join(MONEY_FIELDS)}) only"
            )
        return rule
    if rule.type not in ("number", "integer") or rule.currency is not None:
        return rule
    if isinstance(rule.usd_per_unit, dict):  # each cell in its own currency; an unmarked one names none
        return rule
    # A cell marked in another currency is then the row's error (features/cells.py).
    return rule.model_copy(update={"currency": "USD"})
