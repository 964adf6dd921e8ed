"""A sequence column's order: exact for 19-digit CRM ids, the same in every process, past a CRM's prefix."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys

import pytest

from leadgate.features.export_records import map_rows
from leadgate.features.mapping import MappingError, parse_mapping
from leadgate.features.sequences import sequence_ranks

MAPPING = """
name: zoho
lead_id: {column: Record Id}
created_at: {column: Record Id, start: "2024-01-01T00:00:00Z", step_seconds: 60}
"""
# Zoho Record Ids: 19 digits, far above 2**53, where a float cannot tell ids less than 1,024 apart.
IDS = [str(4876876000000123001 + 17 * i) for i in range(400)]


def _ranks(keys: list[str]) -> dict[str, int]:
    return sequence_ranks(parse_mapping(MAPPING), keys)


def test_19_digit_ids_rank_in_their_exact_order():
    shuffled = random.Random(0).sample(IDS, len(IDS))
    ranks = _ranks(shuffled)
    assert [ranks[key] for key in IDS] == list(range(len(IDS)))


def test_the_order_is_the_same_in_processes_with_different_hash_seeds():
    script = (
        "import json, sys; from leadgate.features.mapping import parse_mapping; "
        "from leadgate.features.sequences import sequence_ranks; "
        "keys = json.loads(sys.stdin.read()); "
        f"print(json.dumps(sequence_ranks(parse_mapping({MAPPING!r}), keys), sort_keys=True))"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", script],
            input=json.dumps(IDS[::-1]),
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2")
    ]
    assert runs[0] == runs[1]
    assert json.loads(runs[0]) == {key: rank for rank, key in enumerate(IDS)} | {"": len(IDS)}


def test_decimals_compare_as_numbers_and_equal_numbers_share_a_rank():
    ranks = _ranks(["10", "2", "1.5", "007", "7", "", "1e1"])
    assert ranks == {"1.5": 0, "2": 1, "007": 2, "7": 2, "10": 3, "1e1": 3, "": 4}


def test_a_prefix_every_cell_shares_is_read_past():
    ranks = _ranks(["zcrm_4876876000000123018", "zcrm_4876876000000123001", "zcrm_99"])
    assert ranks == {"zcrm_99": 0, "zcrm_4876876000000123001": 1, "zcrm_4876876000000123018": 2, "": 3}
    rows = [{"Record Id": "zcrm_4876876000000123018"}, {"Record Id": "zcrm_4876876000000123001"}]
    created = {
        record["lead_id"]: record["created_at"] for _, record in map_rows(parse_mapping(MAPPING), rows)
    }
    assert created == {
        "zcrm_4876876000000123001": "2024-01-01T00:00:00+00:00",
        "zcrm_4876876000000123018": "2024-01-01T00:01:00+00:00",
    }


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        (
            ["zcrm_12", "lead_3", "zcrm_4"],
            "Record Id: a sequence column's cells must all write the same prefix before their number, not "
            "'lead_' (lead_3), 'zcrm_' (zcrm_12): which comes first is no number's order",
        ),
        (
            ["zcrm_12", "13"],
            "Record Id: a sequence column's cells must all write the same prefix before their number, not "
            "none (13), 'zcrm_' (zcrm_12): which comes first is no number's order",
        ),
        (
            ["12", "twelve", "1,000", "nan"],
            "Record Id: a sequence column must hold numbers, or whole numbers after one prefix on every cell "
            "(zcrm_4876876000000123001), not '1,000', 'nan', 'twelve'",
        ),
    ],
)
def test_cells_that_write_no_order_are_refused_in_one_line(keys, message):
    with pytest.raises(MappingError) as caught:
        _ranks(keys)
    assert str(caught.value) == message
