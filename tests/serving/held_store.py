"""A decision store built as the service builds it, and held by someone else: the hung-store harness."""

from __future__ import annotations

import subprocess
import sys
from contextlib import contextmanager

from tests.migrated import migrated_postgres, migrated_sqlite
from tests.postgres import fresh_schema, postgres_or_skip, use_schema

BOUND = 2.0  # the setting's default


@contextmanager
def bounded_store(kind: str, tmp_path, url: str | None = None, bound: float | None = BOUND):
    """A migrated store built as the service builds it (make_engine), with the default bound unless `bound` is
    None (as the CLI's commands build it); PostgreSQL in a fresh schema (tests/migrated.py)."""
    from leadgate.serving.store import DecisionStore, make_engine

    if kind == "sqlite":
        engine = make_engine(f"sqlite:///{migrated_sqlite(tmp_path / 'decisions.db')}", timeout=bound)
        yield DecisionStore(engine)
        engine.dispose()
        return
    base = postgres_or_skip()
    with fresh_schema(base) as schema:
        engine = make_engine(url or base, timeout=bound)
        use_schema(engine, schema)
        migrated_postgres(engine)
        try:
            yield DecisionStore(engine)
        finally:
            engine.dispose()


HOLD_SQLITE_WRITE_LOCK = """
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
print("holding", flush=True)
time.sleep(120)
"""


@contextmanager
def hung(store, tables: str = "leads, decisions"):
    """The store's tables held by someone else: a process with SQLite's write lock, a PostgreSQL table lock."""
    if store.engine.dialect.name == "sqlite":
        holder = subprocess.Popen(
            [sys.executable, "-c", HOLD_SQLITE_WRITE_LOCK, store.engine.url.database],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert holder.stdout.readline().strip() == "holding"
            yield
        finally:
            holder.kill()
            holder.wait()
        return
    with store.engine.connect() as other:
        other.exec_driver_sql("SET lock_timeout = 0")
        other.exec_driver_sql(f"LOCK TABLE {tables} IN ACCESS EXCLUSIVE MODE")  # until the rollback
        yield
        other.rollback()
