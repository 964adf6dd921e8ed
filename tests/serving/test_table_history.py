"""A lead-path table with outcomes read as a history: its custom cells typed, amounts in one currency."""

from __future__ import annotations

import pytest

from leadgate.serving.export_reader import BatchInputError
from leadgate.serving.table_history import table_history

HEADER = "lead_id,created_at,custom.budget,outcome.sql\n"


def test_a_custom_column_of_amounts_in_different_currencies_is_refused_naming_them(tmp_path):
    # Walk F6b: '$ 1,000' and '€ 1,000' were both read as 1000 of one unit.
    path = tmp_path / "history.csv"
    cells = ['"$ 1,000.50"', '"€ 1,000.50"', '"$ 300"', '"1,200"']
    lines = [f"a{i},2026-01-0{i + 1}T09:00:00Z,{cell},{i % 2}" for i, cell in enumerate(cells)]
    path.write_text(HEADER + "\n".join(lines) + "\n")
    with pytest.raises(BatchInputError) as caught:
        table_history(path)
    assert str(caught.value) == (
        "history.csv: column 'custom.budget' holds amounts in different currencies (cells per currency mark: "
        "'$' 2, '€' 1; such as '$ 1,000.50', '€ 1,000.50'), which a model would read as one unit: convert them "
        "to one currency in the file, or split the column into one per currency"
    )


def test_a_custom_column_of_amounts_in_one_currency_reads_as_numbers(tmp_path):
    path = tmp_path / "history.csv"
    lines = [
        'a1,2026-01-01T09:00:00Z,"$ 1,000.50",1',
        "a2,2026-01-02T09:00:00Z,USD 300,0",
        "a3,2026-01-03,1.2K,0",
    ]
    path.write_text(HEADER + "\n".join(lines) + "\n")
    assert [record["custom"]["budget"] for record in table_history(path)] == [1000.5, 300, 1200]
