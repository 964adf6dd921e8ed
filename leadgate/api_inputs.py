"""What the notebook API accepts as leads, and how an export given with a mapping becomes rows."""

from __future__ import annotations

from leadgate.features.cells import cell_text
from leadgate.features.schema import Lead
from leadgate.serving.batch import Row
from leadgate.serving.lead_files import export_rows, foreign_columns, shown_columns


def lead_fields_in(columns: list[str]) -> None:
    """Refuse columns (or a dict's keys) none of which is a lead field: an export read without its mapping."""
    # Every row of it would fail with a long list of 'Extra inputs are not permitted'.
    if columns and foreign_columns(columns) == columns:
        raise ValueError(
            f"no column is a lead field ({shown_columns(columns)}): did you mean mapping=? (a CRM export is read "
            "through a mapping: a file or a shipped name)"
        )


def one_table(leads):
    """A Series that is one row as that one-row DataFrame, a Series of leads as their list; else as given."""
    # One row: of a lead-path DataFrame or of an export. Leads: dicts, Leads or lead JSON text in a column.
    import pandas as pd

    if not isinstance(leads, pd.Series):
        return leads
    values = list(leads)
    if values and all(isinstance(v, dict | Lead) for v in values):
        return values  # no row of a table holds only whole leads
    # Text may be a column of lead JSON (whatever its index), or a row of text cells, which hold no objects.
    if values and all(isinstance(v, str) and v.lstrip().startswith("{") for v in values):
        return values
    return leads.to_frame().T


def iterable(leads) -> bool:
    """Whether leads can be iterated as leads (bytes are one text, not leads)."""
    try:
        iter(leads)
    except TypeError:
        return False
    return not isinstance(leads, bytes | bytearray)


def named_mapping(mapping):
    """A Mapping as given, or the one a file or shipped name holds."""
    from leadgate.features.mapping import Mapping
    from leadgate.training.crm_mappings import load_mapping

    return mapping if isinstance(mapping, Mapping) else load_mapping(mapping)


def mapped_columns(mapping) -> dict[str, str] | None:
    """A mapping's export column per lead path, as `score` names new values by them; None without one."""
    return None if mapping is None else mapping.feature_columns()


def mapped_leads(leads, mapping, known_marks: dict | None = None) -> list[Row]:
    """A DataFrame's (or records') export rows through a mapping, as `score` reads a file's (export_rows)."""
    import pandas as pd

    frame = leads if isinstance(leads, pd.DataFrame) else pd.DataFrame(leads)
    # Exports are text: the mapping decides what a cell means, exactly as when the file is read from disk.
    rows = [{str(k): cell_text(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]
    # A row in error keeps its lead id, as in `leadgate score`.
    return list(export_rows(mapping, list(frame.columns), lambda: rows, known_marks=known_marks))
