"""A migrated SQLite decision store for a test, copied from one `migrate` made once per test process.

Migrating a new SQLite file commits a dozen revisions, each synced to disk (~0.2-0.4 s a store); hundreds of
tests start from a migrated store, and a copy of the file `migrate` made is that same store. Tests of the
migrations themselves start from an empty database (bare_store_url, bare_engine) and still run them.
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
