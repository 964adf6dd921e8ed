"""Parquet lead files and exports read as pandas means them: a DataFrame's index is no column of leads."""

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from leadgate.features.mapping import parse_mapping
from leadgate.serving.export_reader import open_table
from leadgate.serving.lead_files import input_columns, read_leads
from tests.factories import lead_dict
from tests.serving.test_batch import flat

MAPPING = parse_mapping(
    'name: t\nlead_id: {column: Id}\ncreated_at: {column: Created, date_format: "%Y-%m-%d"}\n'
    "fields:\n  contact.email: {column: Email}\n"
)


def _leads_frame(count: int = 5) -> pd.DataFrame:
    return pd.DataFrame([flat(lead_dict(lead_id=f"w-{i}")) for i in range(count)])


def test_the_index_of_a_filtered_frame_is_not_read_as_a_lead_field(tmp_path):
    path = tmp_path / "leads.parquet"
    _leads_frame().iloc[[0, 1, 4]].to_parquet(path)  # the index [0, 1, 4] is stored as __index_level_0__
    assert "__index_level_0__" in pq.ParquetFile(path).schema_arrow.names
    assert "__index_level_0__" not in input_columns(path)
    rows = list(read_leads(path))
    assert [(row.lead_id, row.error) for row in rows] == [("w-0", None), ("w-1", None), ("w-4", None)]


def test_a_named_index_is_a_lead_field_only_when_its_name_is_one(tmp_path):
    frame = _leads_frame(2)
    frame["crm_row"] = ["00Q17", "00Q42"]
    by_row = tmp_path / "by_row.parquet"
    frame.set_index("crm_row").to_parquet(by_row)  # a name of the user's own: row labels, as pandas reads it
    assert "crm_row" not in input_columns(by_row)
    assert [row.error for row in read_leads(by_row)] == [None, None]

    by_id = tmp_path / "by_id.parquet"
    frame.drop(columns="crm_row").set_index("lead_id").to_parquet(by_id)  # the lead id kept as the index
    assert "lead_id" in input_columns(by_id)
    assert [(row.lead_id, row.error) for row in read_leads(by_id)] == [("w-0", None), ("w-1", None)]


def test_a_parquet_without_pandas_metadata_is_read_whole(tmp_path):
    path = tmp_path / "leads.parquet"
    pq.write_table(
        pa.Table.from_pandas(_leads_frame(1), preserve_index=False).replace_schema_metadata(), path
    )
    assert "lead_id" in input_columns(path) and [row.error for row in read_leads(path)] == [None]


def test_a_mapped_parquet_export_drops_an_unnamed_index_and_keeps_a_named_one(tmp_path):
    frame = pd.DataFrame({"Id": ["a", "b", "c"], "Created": ["2026-12-01", "2026-12-02", "2026-12-03"]})
    frame["Email"] = ["ana@acme.de", "ben@acme.de", "cy@acme.de"]
    filtered = tmp_path / "filtered.parquet"
    frame.iloc[[2, 0, 1]].to_parquet(filtered)
    table = open_table(filtered)
    assert table.columns == ["Id", "Created", "Email"] and all(
        "__index_level_0__" not in r for r in table.rows
    )

    indexed = tmp_path / "indexed.parquet"
    frame.set_index("Id").to_parquet(indexed)  # the export's own id column, named by the mapping
    assert open_table(indexed).columns == ["Created", "Email", "Id"]
    rows = list(read_leads(indexed, MAPPING))
    assert [(row.lead_id, row.error) for row in rows] == [("a", None), ("b", None), ("c", None)]
