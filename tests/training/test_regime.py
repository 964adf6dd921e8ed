"""The way out of a regime shift: --since the start of the newer period, or the export cut at its row."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from leadgate.cli.data import _moment
from leadgate.features.mapping import parse_mapping
from leadgate.training.exports import history_from_export
from leadgate.training.regime import newer_only, since_text
from tests.training.export_shapes import SHIFT_MAPPING, shift_rows


def _history(mapping: str = SHIFT_MAPPING, n: int = 2400):
    return history_from_export(shift_rows(n), parse_mapping(mapping)).history


def test_the_newer_period_is_named_as_a_since_date_with_what_it_keeps():
    history = _history()
    newest = np.zeros(len(history.leads), dtype=bool)
    newest[1680:] = True  # leads 3 hours apart from 2025-01-01: lead 1680 is created 2025-07-30 00:00
    said = newer_only(history, newest)
    sqls = int(history.sql[1680:].sum())
    assert said == (
        f"train on the newer period only: --since 2025-07-30 keeps the 720 leads ({sqls:,} SQLs) created from "
        "then on"
    )


def test_a_period_starting_mid_day_is_named_to_the_minute_so_no_older_lead_slips_in():
    created = np.array([datetime(2025, 3, 4, h, tzinfo=UTC).timestamp() for h in range(24)])
    assert since_text(created[12], created) == "2025-03-04T12:00"
    assert since_text(created[0], created) == "2025-03-04"


def test_an_export_in_row_order_is_told_to_cut_the_file_at_the_periods_first_row():
    history = _history(SHIFT_MAPPING.replace("created_at: {column: Created, type: datetime}\n", ""))
    assert not history.ordered
    newest = np.zeros(len(history.leads), dtype=bool)
    newest[1680:] = True
    said = newer_only(history, newest)
    assert "--since cannot choose them; keep its header and its rows from row 1,682 on" in said
    assert "the 720 leads" in said


def test_a_newer_period_too_small_to_split_says_so():
    history = _history()
    newest = np.zeros(len(history.leads), dtype=bool)
    newest[-100:] = True
    assert "(too few to train on yet: a split needs about 334 leads" in newer_only(history, newest)


@pytest.mark.parametrize("day", [datetime(2026, 3, 29, tzinfo=UTC), datetime(2026, 10, 24, 22, tzinfo=UTC)])
def test_a_since_time_reads_back_as_the_same_instant_across_a_dst_change(day):
    # Europe/Berlin changes clocks at 01:00Z on both days; a lead every 20 minutes around it.
    created = np.array([day.timestamp() + 1200 * i for i in range(12)])
    for first in created[1:]:
        text = since_text(float(first), created, slack=0, zone="Europe/Berlin")
        assert _moment(text, "--since", zone="Europe/Berlin").timestamp() == first, text


def test_a_since_time_names_its_offset_only_in_the_repeated_hour():
    created = np.array([datetime(2026, 10, 24, 22, tzinfo=UTC).timestamp() + 1200 * i for i in range(12)])
    assert since_text(float(created[6]), created, slack=0, zone="Europe/Berlin") == "2026-10-25T02:00+02:00"
    assert since_text(float(created[10]), created, slack=0, zone="Europe/Berlin") == "2026-10-25T02:20+01:00"
    assert since_text(float(created[11]), created, slack=0, zone="Europe/Berlin") == "2026-10-25T02:40+01:00"
    assert since_text(float(created[3]), created, slack=0, zone="Europe/Berlin") == "2026-10-25T01:00"
