"""Parquet files read a batch of rows at a time, as plain Python values: a big file never sits in memory whole."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path


def any_named(name: str) -> bool:
    """Keep every index column that has a name of its own (an export's 'Record ID' after set_index)."""
    return True


def pandas_index_columns(schema, keep: Callable[[str], bool] = any_named) -> list[str]:
    """The columns a DataFrame's index was written into, as pandas' metadata in the file names them, except
    those stored under a name of their own that `keep` takes: none for a file pandas did not write."""
    try:
        metadata = schema.pandas_metadata or {}
    except (ValueError, UnicodeDecodeError):  # metadata some other writer spoiled: the columns are all data
        return []
    if not isinstance(metadata, dict):
        return []
    names = {
        column.get("field_name"): column.get("name")
        for column in metadata.get("columns") or []
        if isinstance(column, dict)
    }
    # A RangeIndex is written as a description, not a column; an unnamed index (or one named as a column is)
    # is stored as '__index_level_0__': row labels, never data.
    return [
        field
        for field in metadata.get("index_columns") or []
        if isinstance(field, str) and not (names.get(field) == field and keep(field))
    ]


def parquet_batches(
    path: Path, batch: int, keep_index: Callable[[str], bool] = any_named
) -> tuple[list[str], Iterator[list[dict]]]:
    """A Parquet file's column names now, and its rows as lists of dicts of `batch` rows as they are taken.

    The columns pandas wrote a DataFrame's index into are left out, as pandas reads them into the index, but
    for a named one that `keep_index` takes (by its name).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    from leadgate.serving.export_reader import BatchInputError

    try:
        source = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as error:
        raise BatchInputError(f"{path.name}: not a readable Parquet file: {error}") from None
    index = set(pandas_index_columns(source.schema_arrow, keep_index))
    columns = [str(name) for name in source.schema_arrow.names if name not in index]

    def batches() -> Iterator[list[dict]]:
        with source:
            try:
                for record_batch in source.iter_batches(batch_size=batch, columns=columns if index else None):
                    # Nulls are None, lists are lists, timestamps datetimes: what validation reads.
                    yield record_batch.to_pylist()
            except (pa.ArrowException, OSError) as error:
                raise BatchInputError(f"{path.name}: not a readable Parquet file: {error}") from None

    return columns, batches()
