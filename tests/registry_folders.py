"""Data folders whose SQLite registry holds the session's model, logged once and copied by the tests that use them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ENV_NAMES


def logged_folder(folder: Path, trained, policy, versions: int = 1, data: str = "fixture") -> Path:
    """`folder` with the session's model logged `versions` times (champion 1, then challengers); its path."""
    from leadgate.settings import Settings
    from leadgate.training.registry import log_training

    with pytest.MonkeyPatch.context() as patch:  # no developer settings, and MLflow's exports undone after
        for name in ENV_NAMES:
            patch.setenv(name, "")
            patch.delenv(name)
        settings = Settings(data_dir=folder, mlflow_tracking_uri=None, database_url=None)
        for _ in range(versions):
            log_training(trained, policy, settings, {"path": data, "leads": 1})
    return settings.data_dir
