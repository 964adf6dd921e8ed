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
def store_url(request, tmp_path, isolated):
    """A migrated, empty decision store's URL: a SQLite file, or a fresh PostgreSQL schema."""
    from tests.serving.conftest import fresh_schema, postgres_or_skip

    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'decisions.db'}"
        return
    url = postgres_or_skip()
    with fresh_schema(url) as schema:
        yield f"{url}?options=-csearch_path%3D{schema}"
