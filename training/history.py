"""A training history: validated leads and their outcomes, index-aligned, and the clock its dates are read on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import numpy as np

from leadgate.features.custom import CustomField
from leadgate.features.mapping import Label
from leadgate.features.repeated_ids import Repeats
from leadgate.features.schema import Lead
from leadgate.training.export_notes import outcome_note

# Said once by each analysis whose won figures are left unknown.
NO_WON_LABEL = (
    "The history has no won label (no label.won in the mapping, no outcome.won in any record): won deals are "
    "unknown, shown as — (null in JSON, blank in CSV), not 0."
)


@dataclass(frozen=True)
class History:
    """Validated leads and their outcomes, index-aligned and sorted by creation time."""

    leads: list[Lead]
    sql: np.ndarray  # bool
    won: np.ndarray  # bool
    rejection_reason: list[str]
    true_negative_factors: list[list[str]]
    # Each lead's own export columns (none known only after contact): what the plain baselines learn from.
    columns: list[dict] | None = None
    custom_fields: tuple[CustomField, ...] = ()  # declared by the mapping, or inferred from the leads
    seen_columns: tuple[str, ...] = ()  # the export columns the mapping turns into lead fields
    # (lead path, export column) of each field the mapping reads from a column ('source.channel', 'Lead
    # Source'; 'custom.region', 'Region__c'): what training names a field by in its notes.
    field_columns: tuple[tuple[str, str], ...] = ()
    # (export column, why) of each column the mapping keeps from the baselines: its id, time, label, after_contact.
    kept_from_baselines: tuple[tuple[str, str], ...] = ()
    # Why the label column cannot mark a lead open ('Converted holds only '0' and '1' …'; '' when it can):
    # the maturity warning then advises a status column as the label (outcome_maturity.closed_label).
    label_closed: str = ""
    # How the mapping read each date (features/date_readings.py): kept with the model, so scoring through a
    # mapping that reads 01/12 as 12 January instead of 1 December is said.
    date_readings: dict | None = None
    # Per lead path of a number column naming no currency, the currencies its marked cells were in
    # (features/export_records.column_currencies): kept with the model, so scoring refuses a cell in another.
    currencies: dict[str, list[str]] | None = None
    # The lead fields the mapping gives one value for every lead, with no column ('source.channel').
    constants: tuple[str, ...] = ()
    # Creation times are real (a date or sequence column), so a time split means something.
    ordered: bool = True
    decimal: str | dict[str, str] = (
        "."  # the export's decimal mark, or each column's, to read its own columns
    )
    label_note: str = ""  # the outcome column's values and what each counts as, for errors about the label
    # A mapped export's label and each lead's outcome cell: a subset (a --since/--until window) says its own.
    outcome_label: Label | None = None
    outcome_texts: tuple[str | None, ...] | None = None
    skipped: tuple[str, ...] = ()  # 'row N: problem' of each invalid row left out (at most 1% of them)
    # Whether any lead's outcome says won or not: without a won label (a mapping with no `label.won`, records
    # with no `outcome.won`) `won` is all False, and won figures are unknown, never 0.
    won_labelled: bool = True
    # Likewise for sales' rejections: without a rejection reason (no `label.rejection_reason`, no
    # `outcome.rejection_reason` in any record) which leads sales rejected is unknown, never none.
    rejections_labelled: bool = True
    # Lead ids on more than one row: only the newest row of each is kept (see training/data.py, _newest_of_each).
    repeats: Repeats | None = None
    # Each lead's row in its file (header = 1, or counted from 1): which rows the history trained on.
    numbers: list[int] | None = None
    # What training should say about where the leads came from (leads the store decided long after creation).
    notes: tuple[str, ...] = ()
    # Per event type, the max_events the export's count columns were capped at (Mapping.event_caps).
    event_caps: dict[str, int] | None = None

    @property
    def created(self) -> np.ndarray:
        """Creation time of each lead as epoch seconds."""
        return np.array([lead.created_at.timestamp() for lead in self.leads])

    @property
    def zone(self) -> str:
        """The time zone the export writes its creation times in (its mapping's `timezone`, IANA name): a date
        as --since or --until and every date said of these leads are that zone's; UTC for any other history."""
        return ((self.date_readings or {}).get("created_at") or {}).get("timezone") or "UTC"

    def subset(self, rows: np.ndarray) -> History:
        """The leads selected by a boolean mask or index array."""
        index = np.flatnonzero(rows) if rows.dtype == bool else rows
        texts = None if self.outcome_texts is None else tuple(self.outcome_texts[i] for i in index)
        label_note = self.label_note
        if texts is not None and self.outcome_label is not None:
            label_note = outcome_note(self.outcome_label, texts, self.sql[index])
        return History(
            leads=[self.leads[i] for i in index],
            sql=self.sql[index],
            won=self.won[index],
            rejection_reason=[self.rejection_reason[i] for i in index],
            true_negative_factors=[self.true_negative_factors[i] for i in index],
            columns=None if self.columns is None else [self.columns[i] for i in index],
            custom_fields=self.custom_fields,
            seen_columns=self.seen_columns,
            field_columns=self.field_columns,
            kept_from_baselines=self.kept_from_baselines,
            label_closed=self.label_closed,
            constants=self.constants,
            ordered=self.ordered,
            decimal=self.decimal,
            label_note=label_note,
            outcome_label=self.outcome_label,
            outcome_texts=texts,
            skipped=self.skipped,
            won_labelled=self.won_labelled,
            rejections_labelled=self.rejections_labelled,
            repeats=self.repeats,
            numbers=None if self.numbers is None else [self.numbers[i] for i in index],
            event_caps=self.event_caps,
            date_readings=self.date_readings,
            currencies=self.currencies,
        )


def local(moment: datetime | float, zone: str = "UTC") -> datetime:
    """A moment (or epoch seconds) on the clock of `zone`, the time zone the export writes its dates in: the
    date a data scientist reads in their own export."""
    at = datetime.fromtimestamp(moment, UTC) if isinstance(moment, int | float) else moment
    return at.astimezone(UTC if zone == "UTC" else ZoneInfo(zone))
