"""One input row as a Row: lead JSON, JSON text or a table's cells validated, or the error that kept it."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from pydantic import ValidationError

from leadgate.features.cells import cell_text, cell_value
from leadgate.features.custom import CustomField
from leadgate.features.export_records import row_label, with_columns
from leadgate.features.json_text import repeated_keys, repeated_words
from leadgate.features.lead_path_cells import typed_custom
from leadgate.features.mapping import Mapping
from leadgate.features.schema import Lead, LeadValidationError, parse_lead


@dataclass(frozen=True)
class Row:
    """One input row: a parsed lead, or the error that kept it from being one."""

    number: int
    lead: Lead | None
    lead_id: str | None
    error: str | None

    @classmethod
    def of(
        cls, number: int, data, lead_id: str | None = None, where: str | None = None, cells: bool = False
    ) -> Row:
        """A row from a Lead, lead JSON (validated here) or the text of the problem that kept it from being one
        (with the row's lead id when the reader knows it; `where` names the row in a validation error; `cells`:
        the values are table cells', as parse_lead reads them)."""
        if isinstance(data, Lead):
            return cls(number, data, data.lead_id, None)
        if isinstance(data, str):
            return cls(number, None, lead_id, data)
        return cls.parsed(number, data, where, cells)

    @classmethod
    def parsed(cls, number: int, data, where: str | None = None, cells: bool = False) -> Row:
        """A row from any JSON value (or table cells'), validated as a lead."""
        try:
            lead = parse_lead(data, cells=cells)
        except LeadValidationError as error:
            found = readable_id(data.get("lead_id")) if isinstance(data, dict) else None
            return cls(number, None, found, f"{where or f'row {number}'}: {error}")
        return cls(number, lead, lead.lead_id, None)

    @classmethod
    def of_cells(
        cls, number: int, data: dict, custom_fields: tuple[CustomField, ...], currencies: dict | None = None
    ) -> Row:
        """A row from a table's cells (unflattened): text in a declared custom field read as its type first,
        a cell that cannot be read the row's error with any other problem the lead has (`currencies`: see
        typed_custom)."""
        unread = typed_custom(data, custom_fields, currencies)
        row = cls.parsed(number, data, cells=True)
        if not unread:
            return row
        problems = [row.error.removeprefix(f"row {number}: ")] if row.error else []
        return cls(number, None, row.lead_id, f"row {number}: " + "; ".join([*problems, *unread]))


def readable_id(value) -> str | None:
    """A row's lead_id as its file wrote it (text, or a number a typed column holds), so that an error row can
    be matched back; None when missing or no id at all (an object, a list)."""
    value = cell_value(value)
    if value is None or isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    text = str(cell_text(value))  # plain text: a NumberCell is the reader's mark, not the id's
    return text if text.strip() else None


def unflatten(row: dict) -> dict:
    """Rebuild a nested lead from flat columns ('contact.email', 'events' as JSON text); drop empty cells."""
    lead: dict = {}
    for key, value in row.items():
        value = cell_value(value)  # one reading of a typed cell: NaT and NA missing, timestamps ISO text
        if value is None or value == "":
            continue
        if isinstance(value, str) and key == "events":
            value = json.loads(value)
        target = lead
        *parents, leaf = str(key).split(".")
        for parent in parents:
            target = target.setdefault(parent, {})
        target[leaf] = value
    return lead


def json_text_row(number: int, line: str) -> Row:
    """One lead given as JSON text (a JSON-lines line, the pyfunc's input) as a Row, validated as the API does."""
    try:
        # Parsed and validated in one pass, without a dict in between: a third less work per lead.
        lead = Lead.model_validate_json(line)
    except ValidationError:
        lead = None  # the row is refused: the usual path words why, exactly as for any other lead JSON
    # pydantic, as plain JSON, keeps the last value of a key written twice: refused, as the API refuses it.
    repeated = repeated_keys(line)
    if repeated:
        words = "; ".join(f"{path}: {repeated_words(path.rpartition('.')[2], n)}" for path, n in repeated)
        return Row(number, None, lead.lead_id if lead else _json_id(line), f"row {number}: {words}")
    if lead is not None:
        return Row(number, lead, lead.lead_id, None)
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        return Row(number, None, None, f"row {number}: not valid JSON: {error.msg}")
    return Row.parsed(number, data)


def _json_id(line: str) -> str | None:
    """The lead_id of lead JSON text that is no lead, when the text is JSON and names one."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError:
        return None
    return readable_id(data.get("lead_id")) if isinstance(data, dict) else None


def table_rows(
    records: Iterable[dict], custom_fields: tuple[CustomField, ...] = (), currencies: dict | None = None
) -> Iterator[Row]:
    """Rows of a table whose columns are lead paths (a CSV or Parquet file, a DataFrame), each cell as text
    or as the table typed it; numbered as the file numbers them and a mapped export too (header = row 1).
    `currencies`: the model's, per number field (a cell in another currency is its row's error)."""
    for number, record in enumerate(records, start=2):
        try:
            data = unflatten(record)
        except json.JSONDecodeError as error:
            yield Row.of(
                number,
                f"row {number}: events is not valid JSON: {error.msg}",
                readable_id(record.get("lead_id")),
            )
            continue
        yield Row.of_cells(number, data, custom_fields, currencies)


def mapped_row(mapping: Mapping, number: int, data: dict | str, lead_id: str | None) -> Row:
    """One mapped export row as a Row: named by its row and id, a schema problem with the column it came from."""
    row = Row.of(number, data, lead_id, row_label(mapping, number, lead_id), cells=True)
    if row.error is not None and not isinstance(data, str):  # the schema's words, with the export's column
        row = replace(row, error=with_columns(mapping, row.error))
    return row
