"""CLI test isolation: each test that asks for it runs without developer settings, in a scratch folder; stores."""

from __future__ import annotations

import pytest

from tests.cli.test_commands import ENV_NAMES


@pytest.fixture
def isolated(monkeypatch, tmp_path):
    """No developer settings, and a scratch working directory so no default `.leadgate` is created here."""
    for name in ENV_NAMES:
        monkeypatch.setenv(name, "")  # recorded, so teardown also removes a value MLflow exported meanwhile
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


@pytest.fixture(params=["sqlite", "postgres"])
def bare_store_url(request, tmp_path, isolated):
    """An empty database's URL, no table in it: a SQLite file, or a fresh PostgreSQL schema."""
    from tests.postgres import fresh_schema, postgres_or_skip

    if request.param == "sqlite":
        # An empty database file: commands refuse a missing one before opening it.
        (tmp_path / "decisions.db").touch()
        yield f"sqlite:///{tmp_path / 'decisions.db'}"
        return
    url = postgres_or_skip()
    with fresh_schema(url) as schema:
        yield f"{url}?options=-csearch_path%3D{schema}"


@pytest.fixture
def store_url(bare_store_url):
    """A migrated, empty decision store's URL (commands other than migrate and serve never create one)."""
    from leadgate.serving.store import make_engine, migrate

    engine = make_engine(bare_store_url)
    migrate(engine)
    engine.dispose()
    return bare_store_url
