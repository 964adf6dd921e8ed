"""How many rows a lead file holds, counted without parsing it: the total of `score`'s progress bar."""

from __future__ import annotations

import gzip
import json
import os

import pandas as pd
import pytest

from leadgate.serving import lead_files
from leadgate.serving.lead_files import read_leads, row_count
from tests.factories import lead_dict


@pytest.mark.parametrize("name", ["leads.jsonl", "leads.jsonl.gz"])
def test_json_lines_are_counted_by_their_lines_as_the_reader_reads_them(tmp_path, name):
    path = tmp_path / name
    text = "\n".join(json.dumps(lead_dict(lead_id=f"l{i}")) for i in range(7))  # no newline at the end
    path.write_bytes(gzip.compress(text.encode()) if name.endswith(".gz") else text.encode())
    assert row_count(path) == 7 == len(list(read_leads(path)))


@pytest.mark.parametrize("suffix", [".csv", ".csv.gz", ".tsv"])
def test_a_csv_is_counted_by_its_records_a_quoted_newline_and_a_doubled_quote_inside_one(
    tmp_path, suffix, monkeypatch
):
    monkeypatch.setattr(lead_files, "COUNT_BLOCK", 7)  # a quoted field across blocks
    rows = [{"lead_id": f"l{i}", "form.message": 'one line\nand "another"\n'} for i in range(5)]
    path = tmp_path / f"export{suffix}"
    frame = pd.DataFrame(rows)
    frame.to_csv(path, index=False, sep="\t" if suffix == ".tsv" else ",")
    assert row_count(path) == 5


def test_a_header_alone_is_no_row_and_an_empty_file_none(tmp_path):
    header = tmp_path / "header.csv"
    header.write_text("lead_id,contact.email\n")
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    assert (row_count(header), row_count(empty)) == (0, 0)


def test_a_parquet_file_gives_its_own_count(tmp_path):
    path = tmp_path / "leads.parquet"
    pd.DataFrame({"lead_id": [f"l{i}" for i in range(11)]}).to_parquet(path)
    assert row_count(path) == 11


def test_what_cannot_be_counted_cheaply_has_no_count(tmp_path):
    utf16 = tmp_path / "excel.txt"
    utf16.write_text("Lead ID\tTitle\nl1\tCEO\n", encoding="utf-16")
    document = tmp_path / "leads.json"
    document.write_text(json.dumps([lead_dict()]))
    broken = tmp_path / "broken.csv.gz"
    broken.write_bytes(b"not gzip at all")
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)  # a pipe (stdin's kind) is read once, by the reader: never counted
    assert [row_count(p) for p in (utf16, document, broken, fifo, tmp_path / "missing.csv")] == [None] * 5
