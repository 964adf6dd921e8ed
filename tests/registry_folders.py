"""Data folders whose SQLite registry holds trained models, logged once and copied by the tests that use them."""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
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


@functools.cache
def _empty_registry() -> Path:
    """MLflow's SQLite store as its first open leaves it before its first write: every table made and migrated
    (about 1.5 s of CPU and dozens of synced commits), no experiment yet."""
    from mlflow.store.db.utils import _initialize_tables, create_sqlalchemy_engine

    folder = Path(tempfile.mkdtemp(prefix="leadgate-registry-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    engine = create_sqlalchemy_engine(f"sqlite:///{folder / 'mlflow.db'}")
    _initialize_tables(engine)  # what MLflow runs on a database without its tables
    engine.dispose()
    return folder / "mlflow.db"


def new_registry(folder: Path) -> Path:
    """`folder` holding a new data folder's MLflow store, copied rather than migrated again; MLflow adds its
    Default experiment when it first opens it, as in a store it made. Tests of making the store itself
    (`leadgate train` into a new folder, interrupted creation, the session's registered_settings) make their own."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_empty_registry(), folder / "mlflow.db")
    return folder


def logged_models(folder: Path, models: list[tuple], data: str = "fixture") -> list:
    """`folder` with each (trained model, policy) logged in turn (champion first, then challengers); the
    registered version of each."""
    from leadgate.settings import Settings
    from leadgate.training.registry import log_training

    with no_developer_settings():
        settings = Settings(data_dir=new_registry(folder), mlflow_tracking_uri=None, database_url=None)
        return [
            log_training(trained, policy, settings, {"path": data, "leads": 1}) for trained, policy in models
        ]


def logged_folder(folder: Path, trained, policy, versions: int = 1, data: str = "fixture") -> Path:
    """`folder` with the session's model logged `versions` times (champion 1, then challengers); its path."""
    logged_models(folder, [(trained, policy)] * versions, data)
    return folder
