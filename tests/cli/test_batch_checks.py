"""What `score` says after a batch in which most rows failed."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer

from leadgate.cli.batch_checks import refuse_error_rate
from leadgate.serving.batch import BatchSummary

LOST_ZEROS = (
    "row 2 (Lead ID L1): Postal Code: prefix: 2 reads text; the number 2107 has lost any leading zeros: read the "
    "column as text (pd.read_csv(..., dtype=str), or cast the Parquet column to string)"
)


def test_a_batch_whose_rows_failed_quotes_the_first_error_where_it_is_seen(capsys):
    # Walk W: a Parquet export's int postal codes failed every row, and the reason was only in the output file.
    summary = BatchSummary(scored=0, errors=200, routes={}, first_error=LOST_ZEROS)
    with pytest.raises(typer.Exit) as stopped:
        refuse_error_rate(summary, 0.1, Path("leads.parquet"), mapped=object(), delimiter=None)
    assert stopped.value.exit_code == 1
    said = " ".join(capsys.readouterr().err.split())
    assert said == (
        "error: 200 of 200 rows failed (100%), more than --max-error-rate 10%; each has its error row in the "
        f"output; the first: {LOST_ZEROS}"
    )
    refuse_error_rate(
        BatchSummary(scored=95, errors=5, routes={}, first_error=LOST_ZEROS), 0.1, Path("x"), 1, None
    )
