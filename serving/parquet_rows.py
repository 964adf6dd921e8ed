"""Parquet files read a batch of rows at a time, as plain Python values: a big file never sits in memory whole."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path


def parquet_batches(path: Path, batch: int) -> tuple[list[str], Iterator[list[dict]]]:
    """A Parquet file's column names now, and its rows as lists of dicts of `batch` rows as they are taken."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from leadgate.serving.export_reader import BatchInputError

    try:
        source = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as error:
        raise BatchInputError(f"{path.name}: not a readable Parquet file: {error}") from None

    def batches() -> Iterator[list[dict]]:
        with source:
            try:
                for record_batch in source.iter_batches(batch_size=batch):
                    # Nulls are None, lists are lists, timestamps datetimes: what validation reads.
                    yield record_batch.to_pylist()
            except (pa.ArrowException, OSError) as error:
                raise BatchInputError(f"{path.name}: not a readable Parquet file: {error}") from None

    return [str(name) for name in source.schema_arrow.names], batches()
