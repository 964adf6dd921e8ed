"""Which Alembic revision the decision store is at, against the one this leadgate needs; upgrading it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine

MIGRATIONS = Path(__file__).parent / "migrations"


class SchemaMismatch(RuntimeError):
    """The store's schema is not the one this leadgate needs (absent, behind, or unknown); the message says
    what to do."""


@dataclass(frozen=True)
class Migrated:
    """What `migrate` did: `before` None when it created the tables; equal to `after` when nothing was due."""

    before: str | None
    after: str

    def describe(self, where: str) -> str:
        """One line for the operator: created, upgraded from X to Y, or already at the newest revision."""
        if self.before is None:
            return f"created the decision store at {where} (revision {self.after})"
        if self.before != self.after:
            return f"upgraded the decision store at {where} from {self.before} to {self.after}"
        return f"the decision store at {where} is already at the newest revision ({self.after})"


def _config():
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head() -> str:
    """The newest revision this leadgate knows."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config()).get_current_head()


def _current(connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def _known(revision: str) -> bool:
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    try:
        return ScriptDirectory.from_config(_config()).get_revision(revision) is not None
    except CommandError:
        return False


def _unknown(revision: str) -> SchemaMismatch:
    return SchemaMismatch(
        f"the decision store is at revision {revision}, which this leadgate does not know (its newest is "
        f"{head()}): a newer leadgate migrated it. Upgrade leadgate to that version, or restore the database "
        "from a backup taken before that migration"
    )


def check_schema(engine: Engine) -> None:
    """Raise SchemaMismatch unless the store is at this leadgate's newest revision; it changes nothing."""
    with engine.connect() as connection:
        current = _current(connection)
    newest = head()
    if current == newest:
        return
    if current is None:
        raise SchemaMismatch(
            f"the decision store has no leadgate tables yet (this leadgate needs {newest}): run `leadgate migrate`"
        )
    if not _known(current):
        raise _unknown(current)
    raise SchemaMismatch(
        f"the decision store is at {current}, this leadgate needs {newest}: run `leadgate migrate` "
        "(the service runs it at start, too)"
    )


@contextmanager
def migrating(engine: Engine) -> Iterator[Connection]:
    """The transaction a migration runs in: on PostgreSQL without statement bounds, on SQLite with foreign keys off."""
    if engine.dialect.name != "sqlite":
        from leadgate.serving.store_postgres import without_bounds

        with engine.begin() as connection, without_bounds(connection):  # a migration may rewrite a big table
            yield connection
        return
    # A batch migration rebuilds a SQLite table by dropping the old one: with foreign keys on (make_engine turns
    # them on), dropping `leads` fails once a decision references it. Alembic's batch mode asks for them off;
    # SQLite changes the setting only outside a transaction, and the connection gets it back before the pool does.
    with engine.connect() as connection:
        enforced = connection.exec_driver_sql("PRAGMA foreign_keys").scalar()
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
        try:
            with connection.begin():
                yield connection
        finally:
            connection.exec_driver_sql(f"PRAGMA foreign_keys={'ON' if enforced else 'OFF'}")
            connection.commit()


def migrate(engine: Engine) -> Migrated:
    """Bring the schema to the newest revision; a revision this leadgate does not know is refused untouched."""
    from alembic import command

    config = _config()
    with migrating(engine) as connection:
        before = _current(connection)
        if before is not None and not _known(before):
            raise _unknown(before)
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    return Migrated(before, head())
