"""The store's schema against this leadgate's: checked without a change, upgraded saying what was done."""

from __future__ import annotations

import pytest

from tests.serving.conftest import upgrade_to

OLD = "0005_reviews"


def _revision(engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def test_a_check_refuses_an_absent_or_older_schema_and_changes_nothing(bare_engine):
    from leadgate.serving.store_schema import SchemaMismatch, check_schema, head

    with pytest.raises(SchemaMismatch, match="no leadgate tables yet.*run `leadgate migrate`"):
        check_schema(bare_engine)
    assert _revision(bare_engine) is None
    upgrade_to(bare_engine, OLD)
    with pytest.raises(
        SchemaMismatch, match=f"is at {OLD}, this leadgate needs {head()}: run `leadgate migrate`"
    ):
        check_schema(bare_engine)
    assert _revision(bare_engine) == OLD


def test_migrate_says_whether_it_created_upgraded_or_found_the_newest(bare_engine):
    from leadgate.serving.store_schema import Migrated, head, migrate

    upgrade_to(bare_engine, OLD)
    assert migrate(bare_engine) == Migrated(OLD, head())
    assert migrate(bare_engine) == Migrated(head(), head())
    assert "from 0005_reviews to" in Migrated(OLD, head()).describe("db")
    assert Migrated(None, head()).describe("db").startswith("created the decision store at db")
    assert "already at the newest revision" in Migrated(head(), head()).describe("db")


def test_a_schema_newer_than_this_leadgate_is_refused_untouched(bare_engine):
    from leadgate.serving.store_schema import SchemaMismatch, check_schema, migrate

    upgrade_to(bare_engine, "head")
    with bare_engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0099_future'")
    for action in (check_schema, migrate):
        with pytest.raises(
            SchemaMismatch, match="at revision 0099_future, which this leadgate does not know"
        ):
            action(bare_engine)
    assert _revision(bare_engine) == "0099_future"


def test_a_store_of_decided_leads_from_before_reviews_migrates_keeping_every_row(bare_engine):
    # 0005 rebuilds `leads` on SQLite (a unique constraint needs a new table), which decisions reference:
    # with the product's foreign keys on, dropping the old table failed on the first stored decision.
    from datetime import UTC, datetime

    from sqlalchemy import text

    from leadgate.serving.store_schema import Migrated, head, migrate

    upgrade_to(bare_engine, "0004_lists")
    now = datetime.now(UTC)
    with bare_engine.begin() as connection:
        connection.execute(
            text("INSERT INTO leads (lead_id, lead, received_at, updated_at) VALUES ('d-1', '{}', :t, :t)"),
            {"t": now},
        )
        connection.execute(
            text(
                'INSERT INTO decisions (lead_id, seq, "trigger", route, route_source, next_step, public_message, '
                "model_missing, policy_version, decided_at, record) VALUES ('d-1', 1, 'arrival', 'nurture', "
                "'model', 'nurture', 'thanks', false, 'p1', :t, '{}')"
            ),
            {"t": now},
        )
    assert migrate(bare_engine) == Migrated("0004_lists", head())
    with bare_engine.connect() as connection:
        assert connection.execute(text("SELECT lead_id FROM leads")).all() == [("d-1",)]
        assert connection.execute(text("SELECT lead_id, route FROM decisions")).all() == [("d-1", "nurture")]
        if bare_engine.dialect.name == "sqlite":  # the pooled connection enforces references again
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
