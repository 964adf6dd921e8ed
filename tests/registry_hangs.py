"""Registries that hang, made for real: a SQLite file another connection holds locked, PostgreSQL registry tables
locked in another session, an HTTP server that accepts and never answers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# The bound the tests give the registry: small, so a test that passes takes seconds.
BOUND = 2
# Generous: a cold `python -m leadgate` imports mlflow (several seconds on a loaded machine); a hang is minutes.
SLACK = 40
# The tables a registry read or write goes through; ACCESS EXCLUSIVE stops even reads.
REGISTRY_TABLES = ("experiments", "registered_models", "model_versions", "registered_model_aliases")


def init_registry(uri: str) -> None:
    """MLflow's tables in the database at `uri` (a fresh registry, no model in it)."""
    from mlflow import MlflowClient

    MlflowClient(tracking_uri=uri).search_registered_models()


@contextmanager
def sqlite_locked(path: Path, mode: str = "EXCLUSIVE") -> Iterator[None]:
    """Another connection holds a transaction on the SQLite file while the block runs: EXCLUSIVE lets nothing
    through, IMMEDIATE (a writer's) lets reads through and no write."""
    import sqlite3

    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    connection.execute(f"BEGIN {mode}")
    try:
        yield
    finally:
        connection.execute("ROLLBACK")
        connection.close()


@contextmanager
def postgres_locked(url: str, schema: str) -> Iterator[None]:
    """Another session holds the registry's tables in `schema` in ACCESS EXCLUSIVE mode while the block runs."""
    from sqlalchemy import create_engine

    engine = create_engine(url)
    connection = engine.connect()
    transaction = connection.begin()
    tables = ", ".join(f"{schema}.{table}" for table in REGISTRY_TABLES)
    connection.exec_driver_sql(f"LOCK TABLE {tables} IN ACCESS EXCLUSIVE MODE")
    try:
        yield
    finally:
        transaction.rollback()
        connection.close()
        engine.dispose()


@contextmanager
def frozen_http_server() -> Iterator[str]:
    """An HTTP tracking server's URL whose server accepts every connection and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                connection, _ = server.accept()
            except OSError:  # closed: the block ended
                return
            held.append(connection)  # read nothing, answer nothing

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}"
    finally:
        server.close()
        for connection in held:
            connection.close()


def registry_url_with_password(url: str, schema: str) -> str:
    """The test server's URL for a registry in `schema`, with a password (trust ignores it) to see it masked."""
    from sqlalchemy import make_url

    with_password = make_url(url).set(password="s3cret").render_as_string(hide_password=False)
    return f"{with_password}?options=-csearch_path%3D{schema}"


def run_cli(
    args: list[str], tracking_uri: str | None = None, **env: str
) -> tuple[subprocess.CompletedProcess, float]:
    """`python -m leadgate <args>` with the tests' registry bound, and how long it took; a hang fails the test
    (subprocess's timeout) rather than holding it."""
    environment = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "MLFLOW_TRACKING_URI")}
    environment["LEADGATE_REGISTRY_TIMEOUT_SECONDS"] = str(BOUND)
    if tracking_uri is not None:
        environment["MLFLOW_TRACKING_URI"] = tracking_uri
    environment.update(env)
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "leadgate", *args],
        env=environment,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=BOUND + SLACK + 60,
    )
    return done, time.monotonic() - started


def one_error_line(done: subprocess.CompletedProcess) -> str:
    """The command's stderr, asserted to be one error line and no traceback; the line."""
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert "Traceback" not in done.stderr and len(lines) == 1, done.stderr[-3000:]
    assert lines[0].startswith("error: "), lines
    return lines[0]
