"""A lead-path table with outcomes (a CSV history) read as history records, its cells as their fields' types."""

from __future__ import annotations

import json
from pathlib import Path

from leadgate.features.column_currencies import mixed_currencies
from leadgate.features.lead_path_cells import text_fields, typed_custom
from leadgate.serving.export_reader import BatchInputError, open_table
from leadgate.serving.lead_rows import unflatten


def table_history(path: Path, delimiter: str | None = None) -> list[dict]:
    """The records of a lead-path table with outcomes (a CSV history: `company.name`, `outcome.sql`, …) with
    text cells read as their fields' types; custom columns as what all their cells write (see text_fields).

    Raises BatchInputError naming the row whose JSON text (events, true_negative_factors) cannot be read, or
    a number column whose cells are amounts in different currencies.
    """
    table = open_table(path, delimiter=delimiter)
    rows = list(table.rows)
    custom = {
        column.removeprefix("custom."): [row[column] for row in rows if row.get(column)]
        for column in table.columns
        if column.startswith("custom.")
    }
    fields = text_fields(custom)
    for field in fields:  # '$ 1,000' and '€ 1.000' are not one amount (walk F6b)
        numbers = field.type in ("number", "integer")
        if numbers and (
            problem := mixed_currencies(f"custom.{field.name}", custom[field.name], mapped=False)
        ):
            raise BatchInputError(f"{path.name}: {problem}")
    records = []
    for number, row in enumerate(rows, start=2):  # the header is row 1, as score numbers a CSV's rows
        try:
            data = unflatten(row)
            outcome = data.get("outcome")
            if isinstance(outcome, dict) and isinstance(outcome.get("true_negative_factors"), str):
                outcome["true_negative_factors"] = json.loads(outcome["true_negative_factors"])
        except json.JSONDecodeError as error:
            raise BatchInputError(f"{path.name}: row {number}: not valid JSON text: {error.msg}") from None
        typed_custom(data, fields)  # every cell reads as its field's type: the types came from these cells
        records.append(data)
    return records
