"""What the Python API warns of after deciding leads: what `score` prints, as UserWarnings at the caller's line."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable
from contextvars import ContextVar
from typing import NamedTuple, TypeVar

from leadgate.features.schema import Lead
from leadgate.serving.as_of import AsOf, old_leads_message
from leadgate.serving.batch import count_unlearned, unlearned_message

T = TypeVar("T")


class Decided(NamedTuple):
    """What warn_decided found of a call's decided leads, for the result's `.attrs`."""

    gaps: dict[str, int]  # per custom field every training lead had, the leads without it (count_unlearned)
    drift: list[dict]  # PSI per model column against training (BatchDrift.table); [] for a small batch


def warn_decided(
    model,
    leads: list[Lead],
    as_of: AsOf,
    stacklevel: int = 4,
    batch: bool = True,
    columns: dict[str, str] | None = None,
    decisions=None,
) -> Decided:
    """Warn, once each, of these decided leads' unlearned gaps (see count_unlearned), of leads created long ago
    decided as of now, and for a batch of inputs most training leads had and none of them has (AbsentInputs),
    of category values many of them hold that training never saw (NewLevels) and of model columns far from
    training in `decisions` (their Decisions, whose matrix holds their features: BatchDrift).

    `stacklevel` counts from here to the notebook's line: 4 through Scorer.decide's helper, 3 from explain.
    `columns`: a mapping's export column per lead path (Mapping.feature_columns), to name values as `score` does.
    """
    gaps: dict[str, int] = {}
    drift: list[dict] = []
    count_unlearned(model, leads, gaps)
    if gaps:
        warnings.warn(unlearned_message(gaps), UserWarning, stacklevel=stacklevel)
    if batch:
        from leadgate.features.pooled_columns import PooledCounts, pooled_note
        from leadgate.serving.absent_inputs import AbsentInputs, absent_message
        from leadgate.serving.batch_drift import BatchDrift, drift_message
        from leadgate.serving.new_levels import NewLevels, model_read, new_levels_message, training_shares

        absent = AbsentInputs(model)
        absent.add(leads)
        if absent.absent():
            warnings.warn(absent_message(absent.absent(), len(leads)), UserWarning, stacklevel=stacklevel)
        new = NewLevels(model, columns)
        pooled = PooledCounts(getattr(model, "builder", None), columns)
        # The leads the model reads, as `score` and `train` count them (without `decisions`: every lead).
        read = model_read(decisions) if decisions is not None else None
        new.add(leads if read is None else [lead for lead, kept in zip(leads, read, strict=True) if kept])
        pooled.add(getattr(decisions, "matrix", None), read)
        columns_found = pooled.found(training_shares(model))
        if columns_found:
            warnings.warn(
                pooled_note(columns_found, "leads the model read"), UserWarning, stacklevel=stacklevel
            )
        if new.found():
            warnings.warn(new_levels_message(new.found(), new.leads), UserWarning, stacklevel=stacklevel)
        counted = BatchDrift(model, columns)
        counted.add(decisions)
        drift = counted.table()
        drifted = drift_message(
            drift, as_of_option="now=", old=as_of.old, new_levels=new.found(), pooled=columns_found
        )
        if drifted:
            warnings.warn(drifted, UserWarning, stacklevel=stacklevel)
    if as_of.old:
        # Deciding an old lead now ages its events and dates to today: right for an open lead, not for history.
        warnings.warn(old_leads_message(as_of.old, 'now="created"'), UserWarning, stacklevel=stacklevel)
    return Decided(gaps, drift)


def warn_dates(model, mapping, stacklevel: int = 4) -> None:
    """Warn when `mapping` reads dates by another format or zone than the model's training did (as `score`)."""
    from leadgate.features.date_readings import date_reading_changes, date_reading_message

    changes = date_reading_changes(model.metadata.get("date_readings") or {}, mapping)
    if changes:
        warnings.warn(date_reading_message(changes, model.version), UserWarning, stacklevel=stacklevel)


# The modules whose reading notes `notes_as_warnings` turns into warnings.
NOTE_LOGGERS = (
    "leadgate.features.sequences",
    "leadgate.features.export_records",
    "leadgate.features.number_marks",
    "leadgate.features.multi_select",
    "leadgate.features.date_suggestions",
)
# This call's notes: per context, so two notebooks' threads reading at once keep each their own, and the
# loggers themselves are never switched off (review 27: a swapped `propagate` could stay False for good).
_NOTES: ContextVar[list[str] | None] = ContextVar("leadgate_reading_notes", default=None)


def notes_as_warnings(read: Callable[[], T], stacklevel: int = 4) -> T:
    """`read()`, with the notes reading an export logs (a decimal mark inferred, a sequence's invented dates, a
    capped count) given as UserWarnings at the caller's line, as `score` prints them once a file.

    Logged, they went to stderr through logging's last-resort handler on every call of a notebook's loop;
    a warning is shown once per line, and a test or a notebook can filter it.
    """
    _catch_notes()
    token = _NOTES.set([])
    try:
        result = read()
        notes = _NOTES.get() or []
    finally:
        _NOTES.reset(token)
    for note in dict.fromkeys(notes):
        warnings.warn(note, UserWarning, stacklevel=stacklevel)
    return result


def _to_caller(record: logging.LogRecord) -> bool:
    """A logging filter: inside notes_as_warnings, keep a warning for the caller instead of logging it."""
    notes = _NOTES.get()
    if notes is None or record.levelno < logging.WARNING:
        return True
    notes.append(record.getMessage())
    return False


def _catch_notes() -> None:
    for name in NOTE_LOGGERS:
        logger = logging.getLogger(name)
        if _to_caller not in logger.filters:
            logger.addFilter(_to_caller)
