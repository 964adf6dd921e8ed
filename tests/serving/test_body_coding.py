"""A compressed request body (Content-Encoding) is refused with a 415 that says to send plain JSON."""

from __future__ import annotations

import gzip
import json

import pytest

from tests.factories import lead_dict
from tests.serving.conftest import auth

JSON = {"Content-Type": "application/json"}


@pytest.mark.parametrize(
    ("coding", "compress"),
    [
        ("gzip", gzip.compress),  # read as JSON text it was "not UTF-8 text (invalid start byte at byte 1)"
        ("br", lambda body: body),  # a plain body labelled compressed was taken as it was
        ("deflate", lambda body: body),
        ("identity, gzip", gzip.compress),
    ],
)
def test_a_compressed_body_is_a_415_saying_to_send_it_plain(client, store, coding, compress):
    body = compress(json.dumps(lead_dict(lead_id="coded-1")).encode())
    headers = {**auth("intake"), **JSON, "Content-Encoding": coding}
    response = client.post("/v1/leads", content=body, headers=headers)
    assert response.status_code == 415, response.text
    detail = response.json()["detail"]
    assert detail.startswith(f"the body is sent with Content-Encoding: {coding.removeprefix('identity, ')}")
    assert "send the JSON uncompressed" in detail
    assert response.headers["accept-encoding"] == "identity"
    assert store.lead("coded-1") is None


def test_identity_is_no_compression_and_a_get_has_no_body_to_refuse(client):
    headers = {**auth("intake"), **JSON, "Content-Encoding": "identity"}
    body = json.dumps(lead_dict(lead_id="coded-2"))
    assert client.post("/v1/leads", content=body, headers=headers).status_code == 201
    read = client.get("/v1/leads/coded-2/decision", headers={**auth("sales"), "Content-Encoding": "gzip"})
    assert read.status_code == 200


def test_a_raw_control_character_is_placed_once(client):
    body = '{"lead_id": "a\x01b"}'
    response = client.post("/v1/leads", content=body, headers={**auth("intake"), **JSON})
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["problem"] == "body is not valid JSON: Invalid control character at line 1 column 15"
