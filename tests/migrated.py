"""A migrated decision store for a test, from one `migrate` run once per test process.

Migrating a new store runs a dozen revisions through Alembic (~0.2-0.4 s on SQLite, its commits synced to
disk; ~0.3 s on PostgreSQL); hundreds of tests start from a migrated store. On SQLite a copy of the file
`migrate` made is that same store; on PostgreSQL a fresh schema gets the statements `migrate` changed the
first schema with, in the transaction it runs them in. Tests of the migrations themselves start from an empty
database (bare_store_url, bare_engine) and still run them.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from pathlib import Path


@functools.cache
def _template() -> Path:
    """A store the product's make_engine and migrate made, closed whole (no WAL file beside it)."""
    from leadgate.serving.store import make_engine, migrate

    folder = Path(tempfile.mkdtemp(prefix="leadgate-migrated-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / "decisions.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()  # the last connection's close checkpoints the WAL into the file and removes it
    assert not path.with_name(path.name + "-wal").exists(), "the template's WAL was not checkpointed"
    return path


def migrated_sqlite(path: Path) -> Path:
    """Write a migrated, empty store to `path` (replacing an empty file there) and return `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_template(), path)
    return path


_POSTGRES_CHANGES: list[
    str
] = []  # what migrate executed on this process's first PostgreSQL store, reads left out


def migrated_postgres(engine) -> None:
    """Bring `engine`'s empty PostgreSQL schema to the newest revision: by `migrate` the first time in this
    process, recording the statements it changed the schema with; by those statements afterwards."""
    from sqlalchemy import event

    from leadgate.serving.store_schema import migrate, migrating

    if _POSTGRES_CHANGES:
        with migrating(engine) as connection:
            for statement in _POSTGRES_CHANGES:
                connection.exec_driver_sql(statement)
        return
    changes: list[str] = []

    def record(_connection, _cursor, statement, parameters, _context, _many):
        if not statement.lstrip().upper().startswith(("SELECT", "SET ")):
            assert not parameters, statement  # replayed as written: a bound value would be lost
            changes.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        migrate(engine)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    _POSTGRES_CHANGES.extend(changes)
