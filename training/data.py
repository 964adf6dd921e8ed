"""Historical leads with outcomes: reading, validating and splitting by time."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from leadgate.features.schema import Lead, LeadValidationError, parse_lead
from leadgate.runtime import paused_gc


@dataclass(frozen=True)
class History:
    """Validated leads and their outcomes, index-aligned and sorted by creation time."""

    leads: list[Lead]
    sql: np.ndarray  # bool
    won: np.ndarray  # bool
    rejection_reason: list[str]
    true_negative_factors: list[list[str]]

    @property
    def created(self) -> np.ndarray:
        """Creation time of each lead as epoch seconds."""
        return np.array([lead.created_at.timestamp() for lead in self.leads])

    def subset(self, rows: np.ndarray) -> History:
        """The leads selected by a boolean mask or index array."""
        index = np.flatnonzero(rows) if rows.dtype == bool else rows
        return History(
            leads=[self.leads[i] for i in index],
            sql=self.sql[index],
            won=self.won[index],
            rejection_reason=[self.rejection_reason[i] for i in index],
            true_negative_factors=[self.true_negative_factors[i] for i in index],
        )


class HistoryError(ValueError):
    """Historical data could not be used; the message lists the first problems."""


def history_from_records(records: list[dict], max_problems: int = 10) -> History:
    """Validate records (lead fields plus an `outcome` object) and sort them by creation time."""
    with paused_gc():
        return _history_from_records(records, max_problems)


def _history_from_records(records: list[dict], max_problems: int) -> History:
    leads, sql, won, reasons, factors, problems = [], [], [], [], [], []
    for row, record in enumerate(records, start=1):
        outcome = record.get("outcome") if isinstance(record, dict) else None
        if not isinstance(outcome, dict) or "sql" not in outcome:
            problems.append(f"row {row}: outcome.sql is missing")
            continue
        lead_fields = {k: v for k, v in record.items() if k != "outcome"}
        # History without a snapshot time is scored as it stood when it was created.
        if lead_fields.get("scored_at") is None:
            lead_fields["scored_at"] = lead_fields.get("created_at")
        try:
            leads.append(parse_lead(lead_fields))
        except LeadValidationError as error:
            problems.append(f"row {row}: {error}")
            continue
        sql.append(bool(outcome["sql"]))
        won.append(bool(outcome.get("won", False)))
        reasons.append(outcome.get("rejection_reason") or "")
        factors.append(list(outcome.get("true_negative_factors") or []))
    if problems and len(problems) * 100 > len(records):
        shown = "\n  ".join(problems[:max_problems])
        raise HistoryError(f"{len(problems)} of {len(records)} history rows are invalid:\n  {shown}")
    if not leads:
        raise HistoryError("no usable history rows")
    order = np.argsort([lead.created_at.timestamp() for lead in leads], kind="stable")
    history = History(leads, np.array(sql), np.array(won), reasons, factors)
    return history.subset(order)


@dataclass(frozen=True)
class TimeSplit:
    """Boolean masks: fit on the oldest leads, validate (size, calibration, thresholds) on newer, test on newest."""

    train: np.ndarray
    valid: np.ndarray
    test: np.ndarray

    def describe(self) -> dict:
        """Row counts per part."""
        return {"train": int(self.train.sum()), "valid": int(self.valid.sum()), "test": int(self.test.sum())}


def time_split(history: History, valid_fraction: float = 0.15, test_fraction: float = 0.15) -> TimeSplit:
    """Split by creation time so no part ever learns from its own future."""
    if not (0 < valid_fraction < 1 and 0 < test_fraction < 1 and valid_fraction + test_fraction < 0.9):
        raise ValueError("valid and test fractions must be in (0, 1) and leave at least 10% for training")
    created = history.created
    valid_start, test_start = np.quantile(created, [1 - valid_fraction - test_fraction, 1 - test_fraction])
    split = TimeSplit(
        train=created < valid_start,
        valid=(created >= valid_start) & (created < test_start),
        test=created >= test_start,
    )
    for part, count in split.describe().items():
        if count < 50:
            raise HistoryError(f"time split leaves only {count} leads in {part}: need more history")
    return split
