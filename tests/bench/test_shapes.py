"""The accuracy harness's shapes (bench/shapes) still load through leadgate's own export reader and mapping."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from bench.shapes.catalogue import SHAPES, mapping_path
from bench.shapes.generate import write_shapes
from leadgate.features.mapping import parse_mapping
from leadgate.serving.export_reader import read_export
from leadgate.training.exports import history_from_export


@pytest.mark.parametrize("shape", [s.name for s in SHAPES])
def test_every_shipped_shape_mapping_parses(shape):
    mapping = parse_mapping(mapping_path(shape).read_text(), shape)
    assert mapping.name == shape and mapping.label is not None


# Three formats unlike each other: tab + cp1252 with Excel dates, a typed Parquet file, ';' + cp1252 with a
# decimal comma and a Lead Number sequence for dates. Scaled down to their 600-row minimum (a second or two).
SMALL = ["parquet_additive6", "salesforce_interactions", "little_signal"]


@pytest.fixture(scope="module")
def small_shapes(tmp_path_factory):
    out = tmp_path_factory.mktemp("shapes")
    return out, {entry["name"]: entry for entry in write_shapes(out, scale=0.05, only=SMALL)}


def test_the_manifest_names_what_was_written(small_shapes):
    out, entries = small_shapes
    assert sorted(entries) == sorted(SMALL)
    assert json.loads((out / "shapes.json").read_text()) == [entries[name] for name in SMALL]
    for entry in entries.values():
        assert entry["rows"] == 600 and 0 < entry["sql_rate"] < 0.5 and 0.3 < entry["oracle_auc"] < 1
        assert (out / entry["file"]).exists() and (out / entry["mapping"]).exists()


@pytest.mark.parametrize("shape", SMALL)
def test_a_small_shape_maps_every_row_and_keys_its_truth_by_leadgate_s_lead_id(small_shapes, shape):
    out, entries = small_shapes
    entry = entries[shape]
    mapping = parse_mapping((out / entry["mapping"]).read_text(), shape)
    mapped = history_from_export(read_export(out / entry["file"]), mapping)
    assert mapped.problems == []
    history = mapped.history
    assert len(history.leads) == entry["rows"]
    # The oracle ROC-AUC joins the true P(SQL) on lead ids: they must be the ids leadgate gives the rows.
    truth = pd.read_csv(out / entry["truth"], dtype={"lead_id": str}).set_index("lead_id")
    ids = [lead.lead_id for lead in history.leads]
    assert set(ids) == set(truth.index)
    assert np.array_equal(history.sql, truth.loc[ids, "sql"].to_numpy(bool))
