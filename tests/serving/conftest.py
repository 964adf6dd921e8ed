"""Service fixtures: the session's champion model, hashed API keys, a real SQLite or PostgreSQL store."""

from __future__ import annotations

import pytest

from tests.postgres import fresh_schema, postgres_or_skip, use_schema
from tests.serving.held_store import bounded_store

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


@pytest.fixture(params=["sqlite", "postgres"])
def store(request, tmp_path):
    """A migrated store on each database, its engine made by make_engine as the product makes it (pool,
    hidden parameters, UTC sessions), without the service's bound."""
    with bounded_store(request.param, tmp_path, bound=None) as built:
        yield built


@pytest.fixture(params=["sqlite", "postgres"])
def bare_engine(request, tmp_path):
    """An empty database with no migration run, for tests that upgrade step by step; its engine made by
    make_engine, as `leadgate migrate` and the service make theirs (SQLite's foreign keys on, UTC sessions)."""
    from leadgate.serving.store import make_engine

    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
        yield engine
        engine.dispose()
        return
    url = postgres_or_skip()
    with fresh_schema(url) as schema:
        engine = make_engine(url)
        use_schema(engine, schema)
        yield engine
        engine.dispose()


def upgrade_to(engine, revision: str) -> None:
    """Run the store's migrations on `engine` up to `revision` ("head": all)."""
    from alembic import command
    from alembic.config import Config

    from leadgate.serving.store_schema import MIGRATIONS, migrating

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with migrating(engine) as connection:  # the transaction `leadgate migrate` runs its migrations in
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


@pytest.fixture
def client(service_settings, store):
    from fastapi.testclient import TestClient

    from leadgate.serving.app import create_app

    app = create_app(service_settings, store=store, poll=False)
    with TestClient(app) as test_client:
        yield test_client
