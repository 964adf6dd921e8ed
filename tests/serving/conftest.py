"""Service fixtures: the session's champion model, hashed API keys, a real SQLite or PostgreSQL store."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

KEYS = {"intake": "intake-key-123", "sales": "sales-key-456", "admin": "admin-key-789"}


def auth(role: str) -> dict:
    """Authorization header for a role's test key."""
    return {"Authorization": f"Bearer {KEYS[role]}"}


def sales_view(client, lead_id: str) -> dict:
    """The sales view of a stored lead's decision, asserted found."""
    response = client.get(f"/v1/leads/{lead_id}/decision", headers=auth("sales"))
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture(scope="session")
def service_settings(registered_settings):
    from leadgate.serving.auth import hash_key
    from leadgate.settings import ApiKey

    settings, _ = registered_settings
    keys = [ApiKey(name=f"test-{role}", role=role, sha256=hash_key(key)) for role, key in KEYS.items()]
    return settings.model_copy(update={"api_keys": keys, "model_poll_seconds": 3600})


def postgres_url() -> str | None:
    """The PostgreSQL URL for tests; when LEADGATE_REQUIRE_POSTGRES=1 an unreachable server fails the run."""
    url = os.environ.get("LEADGATE_TEST_POSTGRES_URL", "postgresql+psycopg://root@127.0.0.1:5432/test")
    from sqlalchemy import create_engine

    try:
        with create_engine(url).connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except Exception as error:  # noqa: BLE001
        if os.environ.get("LEADGATE_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL required but unreachable at {url}: {error}")
        return None
    return url


@contextmanager
def fresh_schema(url: str) -> Iterator[str]:
    """A new PostgreSQL schema for one test, dropped afterwards, so runs never see each other's rows."""
    from sqlalchemy import create_engine

    schema = f"lg_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    try:
        yield schema
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


def use_schema(engine, schema: str) -> None:
    """Every connection of `engine` works in `schema`."""
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _search_path(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute(f"SET search_path TO {schema}")
        cursor.close()
        dbapi_connection.commit()


def postgres_or_skip() -> str:
    """The test PostgreSQL URL; a skip when unreachable (a failure under LEADGATE_REQUIRE_POSTGRES=1)."""
    url = postgres_url()
    if url is None:
        pytest.skip("PostgreSQL not reachable (set LEADGATE_REQUIRE_POSTGRES=1 to fail instead)")
    return url


@pytest.fixture(params=["sqlite", "postgres"])
def store(request, tmp_path):
    from leadgate.serving.store import DecisionStore, make_engine, migrate

    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'decisions.db'}")
        migrate(engine)
        yield DecisionStore(engine)
        engine.dispose()
        return
    from sqlalchemy import create_engine

    url = postgres_or_skip()
    with fresh_schema(url) as schema:
        engine = create_engine(url, pool_pre_ping=True)
        use_schema(engine, schema)
        migrate(engine)
        yield DecisionStore(engine)
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def bare_engine(request, tmp_path):
    """An empty database with no migration run, for tests that upgrade step by step."""
    from sqlalchemy import create_engine

    if request.param == "sqlite":
        engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
        yield engine
        engine.dispose()
        return
    url = postgres_or_skip()
    with fresh_schema(url) as schema:
        engine = create_engine(url)
        use_schema(engine, schema)
        yield engine
        engine.dispose()


def upgrade_to(engine, revision: str) -> None:
    """Run the store's migrations on `engine` up to `revision` ("head": all)."""
    from alembic import command
    from alembic.config import Config

    from leadgate.serving.store_engine import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


@pytest.fixture
def client(service_settings, store):
    from fastapi.testclient import TestClient

    from leadgate.serving.app import create_app

    app = create_app(service_settings, store=store, poll=False)
    with TestClient(app) as test_client:
        yield test_client
