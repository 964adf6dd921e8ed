"""A registry that is locked or frozen stops a command in one line, exit 2, within LEADGATE_REGISTRY_TIMEOUT_SECONDS:
before, a locked SQLite registry took 16-64 s and ended in a traceback, a locked PostgreSQL one or a frozen server
never ended."""

from __future__ import annotations

import json

import pytest

from tests.factories import lead_dict
from tests.registry_hangs import (
    BOUND,
    SLACK,
    frozen_http_server,
    init_registry,
    one_error_line,
    postgres_locked,
    registry_url_with_password,
    run_cli,
    sqlite_locked,
)

COMMANDS = [["promote", "--dry-run"], ["decide", "LEAD"]]


def _args(args: list[str], tmp_path) -> list[str]:
    lead = tmp_path / "lead.json"
    lead.write_text(json.dumps(lead_dict()))
    return [str(lead) if arg == "LEAD" else arg for arg in args] + ["--data-dir", str(tmp_path / "data")]


def _gave_up(done, took: float, where: str) -> str:
    assert done.returncode == 2, (done.stdout[-2000:], done.stderr[-3000:])
    assert took < BOUND + SLACK, f"{took:.0f} s: the registry's bound did not hold"
    line = one_error_line(done)
    assert f"the MLflow registry {where} did not answer within {BOUND} s (" in line, line
    assert "LEADGATE_REGISTRY_TIMEOUT_SECONDS" in line
    return line


@pytest.mark.parametrize("args", COMMANDS, ids=lambda args: args[0])
def test_a_locked_sqlite_registry_stops_the_command_in_one_line_within_the_bound(args, tmp_path):
    database = tmp_path / "data" / "mlflow.db"
    init_registry(f"sqlite:///{database}")
    with sqlite_locked(database):
        done, took = run_cli(_args(args, tmp_path))
    line = _gave_up(done, took, f"sqlite:///{database}")
    assert "database is locked" in line or "reading" in line


@pytest.mark.parametrize("args", COMMANDS, ids=lambda args: args[0])
def test_locked_postgresql_registry_tables_stop_the_command_in_one_line_within_the_bound(args, tmp_path):
    from leadgate.serving.db_problems import masked
    from tests.postgres import fresh_schema, postgres_or_skip

    url = postgres_or_skip()
    with fresh_schema(url) as schema:
        registry = registry_url_with_password(url, schema)
        init_registry(registry)
        with postgres_locked(url, schema):
            done, took = run_cli(_args(args, tmp_path), tracking_uri=registry)
    _gave_up(done, took, masked(registry))
    assert "s3cret" not in done.stdout + done.stderr


@pytest.mark.parametrize("args", COMMANDS, ids=lambda args: args[0])
def test_a_frozen_tracking_server_stops_the_command_in_one_line_within_the_bound(args, tmp_path):
    with frozen_http_server() as url:
        done, took = run_cli(_args(args, tmp_path), tracking_uri=url)
    _gave_up(done, took, url)
