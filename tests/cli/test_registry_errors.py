"""An MLflow registry whose database cannot be reached stops a command in seconds, in one line, not minutes."""

from __future__ import annotations

import time

import pytest
from typer.testing import CliRunner

from leadgate.cli import app

# Commands that ask the registry first, with the arguments they need to get that far.
REGISTRY_COMMANDS = [
    ["rollback", "--dry-run", "--why", "x"],
    ["promote", "--dry-run"],
    ["train", "--from-store"],
    ["report"],
]


def unreachable_registry() -> str:
    """A registry URL on the test PostgreSQL server naming a database that does not exist (password set)."""
    from sqlalchemy import make_url

    from tests.postgres import postgres_or_skip

    url = make_url(postgres_or_skip()).set(database="fixf_no_such_registry", password="s3cret")
    return url.render_as_string(hide_password=False)


@pytest.mark.parametrize("args", REGISTRY_COMMANDS, ids=lambda args: args[0])
def test_an_unreachable_registry_is_named_in_one_line_within_seconds(args, isolated, tmp_path):
    env = {"MLFLOW_TRACKING_URI": unreachable_registry(), "DATABASE_URL": None}
    started = time.monotonic()
    result = CliRunner().invoke(app, [*args, "--data-dir", str(tmp_path / "d")], env=env)
    took = time.monotonic() - started
    assert result.exit_code == 2, result.output
    assert took < 15, f"{took:.0f} s: MLflow's own retries ran"  # they take ~100 s
    error = result.output[result.output.index("error:") :]
    assert "Traceback" not in result.output and len(error.splitlines()) <= 3, error
    said = " ".join(error.split())
    assert "MLflow registry" in said and "fixf_no_such_registry (MLFLOW_TRACKING_URI)" in said
    assert 'database "fixf_no_such_registry" does not exist' in said and "s3cret" not in said
