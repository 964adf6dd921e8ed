"""The nine shapes: generator, default row count and the column leadgate takes the lead id from."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from bench.shapes import additive, interactions, irregular

MAPPINGS = Path(__file__).resolve().parent / "mappings"


class Shape(NamedTuple):
    """One export shape; its mapping is mappings/<name>.yaml."""

    name: str
    make: Callable  # (rng, rows) -> dict(frame, file, writer, p, y, kind, split, notes[, open])
    rows: int
    id_column: str | None  # None: leadgate numbers the rows itself (row-2, row-3, ... as in a spreadsheet)


# The order is part of the data: shape k draws from seed 1000 + k (+ 7919 per extra draw).
SHAPES = [
    Shape("hubspot_de_additive", additive.hubspot_de_additive, 8000, "Datensatz-ID"),
    Shape("parquet_additive6", additive.parquet_additive6, 3000, "lead_id"),
    Shape("salesforce_interactions", interactions.salesforce_interactions, 12000, "Id"),
    Shape("pipe_thresholds", interactions.pipe_thresholds, 6000, "lead_key"),
    Shape("b2c_heavytail", irregular.b2c_heavytail, 20000, None),
    Shape("drift_campaigns", irregular.drift_campaigns, 9000, "Lead ID"),
    Shape("little_signal", irregular.little_signal, 5000, "Lead Number"),
    Shape("additive_territory", additive.additive_territory, 10000, "Record ID"),
    Shape("tiny_interaction", interactions.tiny_interaction, 600, "id"),
]


def mapping_path(name: str) -> Path:
    """The mapping YAML shipped for a shape."""
    return MAPPINGS / f"{name}.yaml"
