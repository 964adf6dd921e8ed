"""A CRM export's rows read through its mapping as a training history, its own columns kept for the baselines."""

from __future__ import annotations

from dataclasses import dataclass

from leadgate.features.export_records import decimal_marks, map_rows
from leadgate.features.mapping import Mapping, MappingError, check_header
from leadgate.training.data import History, history_from_records


@dataclass(frozen=True)
class MappedExport:
    """The history an export gives, and the rows that could not be mapped (each with its problem)."""

    history: History
    problems: list[str]


def history_from_export(rows: list[dict], mapping: Mapping, max_bad_share: float = 0.01) -> MappedExport:
    """Map every row; more than `max_bad_share` bad rows is an error naming the first ten."""
    header = list(rows[0]) if rows else []
    check_header(mapping, header)
    if mapping.label is None:
        raise MappingError(f"mapping {mapping.name!r} has no label: it can score leads but not train")
    marks = decimal_marks(mapping, rows)
    results = map_rows(mapping, rows, marks=marks)
    problems = [r for _, r in results if isinstance(r, str)]
    if len(problems) > max_bad_share * len(results):
        shown = "\n  ".join(problems[:10])
        more = f"\n  ... and {len(problems) - 10:,} more" if len(problems) > 10 else ""
        raise MappingError(
            f"{len(problems):,} of {len(results):,} rows cannot be mapped, more than the {max_bad_share:.0%} "
            f"training tolerates (each problem names the mapping option that reads such cells, where one "
            f"exists; otherwise correct the export):\n  {shown}{more}"
        )
    own = mapping.baseline_columns(header)
    mapped = [(number, record) for number, record in results if not isinstance(record, str)]
    history = history_from_records(
        [record for _, record in mapped],
        # Row numbers count the header as 1, so the raw row of number k is rows[k - 2].
        columns=[{column: rows[number - 2][column] for column in own} for number, _ in mapped],
        custom_fields=mapping.custom_fields(),
        seen_columns=tuple(dict.fromkeys(c for c in mapping.feature_columns().values() if c in set(own))),
        ordered=mapping.created_at is not None,
        # The baselines read each column with the mark the mapping reads it with, so neither misreads "71,0".
        decimal={column: marks.get(column, mapping.decimal or ".") for column in own},
        numbers=[number for number, _ in mapped],
    )
    return MappedExport(history, problems)
