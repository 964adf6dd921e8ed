"""CLI test isolation: each test that asks for it runs without developer settings, in a scratch folder."""

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
