"""Data folders whose SQLite registry holds trained models, logged once and copied by the tests that use them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import ENV_NAMES


@contextmanager
def no_developer_settings() -> Iterator[None]:
    """No developer settings inside, and what MLflow exported meanwhile undone after (for module fixtures)."""
    with pytest.MonkeyPatch.context() as patch:
        for name in ENV_NAMES:
            patch.setenv(name, "")  # recorded, so leaving also removes a value MLflow exported meanwhile
            patch.delenv(name)
        yield


def logged_models(folder: Path, models: list[tuple], data: str = "fixture") -> list:
    """`folder` with each (trained model, policy) logged in turn (champion first, then challengers); the
    registered version of each."""
    from leadgate.settings import Settings
    from leadgate.training.registry import log_training

    with no_developer_settings():
        settings = Settings(data_dir=folder, mlflow_tracking_uri=None, database_url=None)
        return [
            log_training(trained, policy, settings, {"path": data, "leads": 1}) for trained, policy in models
        ]


def logged_folder(folder: Path, trained, policy, versions: int = 1, data: str = "fixture") -> Path:
    """`folder` with the session's model logged `versions` times (champion 1, then challengers); its path."""
    logged_models(folder, [(trained, policy)] * versions, data)
    return folder


def folder_copy(folder: Path, tmp_path: Path, database_url: str | None = None):
    """Settings of a test's own copy of a logged folder (as a person copies one: a copy may move aliases)."""
    import shutil

    from leadgate.settings import Settings

    shutil.copytree(folder, tmp_path / "data")
    return Settings(data_dir=tmp_path / "data", mlflow_tracking_uri=None, database_url=database_url)
