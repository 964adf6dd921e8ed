"""One export cell as text: DataFrame and Parquet cells read as the CSV would hold them."""

from __future__ import annotations

import math

import pytest

from leadgate.features.cells import cell_text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (math.nan, ""),
        (3.0, "3"),
        (3.5, "3.5"),
        (12, "12"),
        ("Ja", "Ja"),
        (True, "True"),
        (1e20, "1e+20"),
    ],
)
def test_cells_read_as_the_export_wrote_them(value, text):
    assert cell_text(value) == text
