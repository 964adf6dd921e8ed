"""`leadgate rollback`: the champion goes back to the version it replaced, and the registry says so."""

from __future__ import annotations

import pytest
from mlflow import MlflowClient
from typer.testing import CliRunner

from leadgate.cli import app
from tests.conftest import ENV_NAMES
from tests.registry_folders import folder_copy, logged_folder

ENV = dict.fromkeys(ENV_NAMES)  # unset for each run: the developer's settings stay out


@pytest.fixture(scope="module")
def two_versions(tmp_path_factory, trained, policy):
    """A data folder with champion leadgate/1 and challenger leadgate/2, logged once for the module."""
    return logged_folder(tmp_path_factory.mktemp("two"), trained, policy, versions=2, data="test")


def _copy(two_versions, tmp_path):
    """Settings of this test's own copy of the module's folder (a copy may move aliases and tag versions)."""
    return folder_copy(two_versions, tmp_path)


def _run(settings, *args):
    result = CliRunner().invoke(app, [*args, "--data-dir", str(settings.data_dir)], env=ENV)
    return result.exit_code, " ".join(result.output.split())


def test_a_promoted_champion_rolls_back_to_the_one_it_replaced_with_both_versions_tagged(
    tmp_path, two_versions
):
    from leadgate.training.registry import record_promotion

    settings = _copy(two_versions, tmp_path)
    code, said = _run(settings, "rollback", "--why", "x")
    assert (
        code == 2 and "leadgate/1 replaced no earlier champion" in said and "nothing to roll back to" in said
    )
    record_promotion(settings, "2", "1", {"promote": True, "checks": []}, who="ops:kim")

    code, said = _run(settings, "rollback", "--why", "wrong routes", "--dry-run")
    assert code == 0 and said == "dry run: would roll back champion leadgate/2 → leadgate/1. Nothing changed."
    client = MlflowClient(tracking_uri=settings.tracking_uri())
    assert str(client.get_model_version_by_alias("leadgate", "champion").version) == "2"

    code, said = _run(settings, "rollback", "--why", "wrong routes", "--who", "ops:ana")
    assert code == 0, said
    assert said.startswith("rolled back champion leadgate/2 → leadgate/1 (wrong routes)")
    assert str(client.get_model_version_by_alias("leadgate", "champion").version) == "1"
    gone, back = (
        client.get_model_version("leadgate", "2").tags,
        client.get_model_version("leadgate", "1").tags,
    )
    assert gone["leadgate.replaced_by"] == "1" and gone["leadgate.rolled_back"].endswith(
        "by ops:ana: wrong routes"
    )
    assert "leadgate.replaced_by" not in back and back["leadgate.restored_from"].startswith("2 at ")
    # The rollback replaced 2 by 1, as a promotion would: rolling back again undoes it.
    code, said = _run(settings, "rollback", "--why", "again", "--dry-run")
    assert code == 0 and said == "dry run: would roll back champion leadgate/1 → leadgate/2. Nothing changed."


def test_a_rollback_to_a_version_that_cannot_load_moves_nothing(tmp_path, trained, policy):
    import shutil

    from leadgate.settings import Settings
    from leadgate.training.registry import log_training, record_promotion

    settings = Settings(data_dir=tmp_path / "data", mlflow_tracking_uri=None, database_url=None)
    for _ in range(2):
        log_training(trained, policy, settings, {"path": "test", "leads": 1})
    record_promotion(settings, "2", "1", {"promote": True, "checks": []}, who="ops:kim")
    client = MlflowClient(tracking_uri=settings.tracking_uri())
    source = client.get_model_version("leadgate", "1").source  # models:/m-…, MLflow 3's logged model
    files = client.get_logged_model(source.removeprefix("models:/")).artifact_location
    shutil.rmtree(files.removeprefix("file://"))
    code, said = _run(settings, "rollback", "--why", "bad routes")
    assert code == 2 and "leadgate/1 cannot be loaded, so nothing moved" in said
    assert str(client.get_model_version_by_alias("leadgate", "champion").version) == "2"


def test_a_rollback_the_registry_will_not_write_moves_nothing_and_says_so_in_one_line(tmp_path, two_versions):
    from leadgate.training.registry import record_promotion
    from tests.registry_hangs import sqlite_locked

    settings = _copy(two_versions, tmp_path)
    record_promotion(settings, "2", "1", {"promote": True, "checks": []}, who="ops:kim")
    # Another process writing to the registry: reads go through (the plan, the load of leadgate/1), writes wait.
    with sqlite_locked(settings.data_dir / "mlflow.db", "IMMEDIATE"):
        result = CliRunner().invoke(
            app,
            ["rollback", "--why", "x", "--data-dir", str(settings.data_dir)],
            env={**ENV, "LEADGATE_REGISTRY_TIMEOUT_SECONDS": "6"},
        )
    said = " ".join(result.output.split())
    assert result.exit_code == 2 and "Traceback" not in result.output and said.startswith("error: "), said
    assert "did not answer within 6 s (moving alias champion to leadgate/1: " in said
    assert "database is locked); this write was not made" in said
    client = MlflowClient(tracking_uri=settings.tracking_uri())
    assert str(client.get_model_version_by_alias("leadgate", "champion").version) == "2"
