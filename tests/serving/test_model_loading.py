"""Model loads: one at a time per process, so concurrent pollers leave nothing of mlflow's behind."""

from __future__ import annotations

import sys
import threading
import time

from leadgate.serving.model_loading import load_by_alias, policy_for


def test_concurrent_loads_run_one_at_a_time_and_leave_no_stand_in_module(service_settings, monkeypatch):
    import mlflow.pyfunc

    real_load, inside, most = mlflow.pyfunc.load_model, [0], [0]

    def load_model(*args, **kwargs):
        inside[0] += 1
        most[0] = max(most[0], inside[0])
        time.sleep(0.05)  # long enough for the other thread to arrive if nothing stops it
        try:
            return real_load(*args, **kwargs)
        finally:
            inside[0] -= 1

    monkeypatch.setattr(mlflow.pyfunc, "load_model", load_model)
    loaded = []
    threads = [
        threading.Thread(target=lambda: loaded.append(load_by_alias(service_settings))) for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most[0] == 1 and len(loaded) == 3
    assert len({model.version for model in loaded}) == 1
    assert type(sys.modules.get("dbutils")).__name__ != "MockDbutils"


def test_one_rule_picks_the_policy_file_else_the_model_s_else_the_shipped(
    settings, tmp_path, registered_settings
):
    from leadgate.decision.policy import default_policy_text, load_policy

    registered, _ = registered_settings
    model_policy = load_by_alias(registered).policy
    own = tmp_path / "own.yaml"
    own.write_text(default_policy_text().replace("name: default", "name: own"))
    assert policy_for(settings.model_copy(update={"policy_path": own}), model_policy).name == "own"
    assert policy_for(settings, model_policy) is model_policy
    assert policy_for(settings).version == load_policy().version
    # Loading applies the same rule, once: the settings' file wins over the model's own policy.
    overridden = load_by_alias(registered.model_copy(update={"policy_path": own}))
    assert overridden.policy.name == "own" and overridden.pipeline().policy.name == "own"


def _trained_folder(root, monkeypatch, trained, policy):
    """A data folder at root/fresh holding the session's model as champion, no developer settings read."""
    from leadgate.settings import Settings
    from leadgate.training.registry import log_training

    for name in ("DATABASE_URL", "MLFLOW_TRACKING_URI", "LEADGATE_DATA_DIR", "LEADGATE_POLICY_PATH"):
        monkeypatch.delenv(name, raising=False)
    fresh = root / "fresh"
    log_training(
        trained, policy, Settings(data_dir=fresh, mlflow_tracking_uri=None), {"path": "t", "leads": 1}
    )
    return fresh


def test_a_moved_or_copied_data_folder_reads_its_models_from_where_it_is_now(
    tmp_path, monkeypatch, trained, policy, pipeline, history
):
    import shutil

    import numpy as np

    from leadgate.settings import Settings

    fresh = _trained_folder(tmp_path, monkeypatch, trained, policy)
    shutil.copytree(fresh, tmp_path / "copy")
    shutil.move(fresh, tmp_path / "moved")  # the original path is gone: MLflow's absolute paths name it
    leads = [history.leads[i] for i in np.flatnonzero(trained.split.test)[:50]]
    for folder in ("moved", "copy"):
        loaded = load_by_alias(Settings(data_dir=tmp_path / folder, mlflow_tracking_uri=None))
        assert loaded.model.version == "leadgate/1"
        np.testing.assert_allclose(loaded.pipeline().decide(leads).p_sql, pipeline.decide(leads).p_sql)


def test_a_folder_moved_without_its_model_files_says_so_naming_both_paths(
    tmp_path, monkeypatch, trained, policy
):
    import shutil

    import pytest

    from leadgate.serving.model_loading import ModelNotFound
    from leadgate.settings import Settings

    fresh = _trained_folder(tmp_path, monkeypatch, trained, policy)
    (tmp_path / "moved").mkdir()
    shutil.move(fresh / "mlflow.db", tmp_path / "moved" / "mlflow.db")  # the registry alone, no mlartifacts
    shutil.rmtree(fresh)
    with pytest.raises(ModelNotFound) as refused:
        load_by_alias(Settings(data_dir=tmp_path / "moved", mlflow_tracking_uri=None))
    said = str(refused.value)
    assert "\n" not in said and "no longer exists" in said
    assert (
        str((fresh / "mlartifacts").resolve()) in said
        and str((tmp_path / "moved" / "mlartifacts").resolve()) in said
    )


def test_a_weak_model_s_missing_alias_says_why(tmp_path, monkeypatch, trained, policy):
    import pytest

    from leadgate.serving.model_loading import ModelNotFound, version_without_alias
    from leadgate.settings import Settings
    from leadgate.training.registry import log_training

    for name in ("DATABASE_URL", "MLFLOW_TRACKING_URI", "LEADGATE_DATA_DIR", "LEADGATE_POLICY_PATH"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(data_dir=tmp_path / "data", mlflow_tracking_uri=None)
    said = "the test part's ROC-AUC 0.540 (95% interval 0.39–0.69, 12 SQLs) cannot be told from chance"
    log_training(trained, policy, settings, {"path": "t", "leads": 1}, weak=said)
    why = "registered it without an alias, as its test ROC-AUC could not be told from chance"
    with pytest.raises(ModelNotFound) as raised:
        load_by_alias(settings, "champion")
    assert f"the newest version, leadgate/1, has no alias (`leadgate train` {why}" in str(raised.value)
    assert why in version_without_alias(settings, "1")  # decide/report --version 1


def test_a_registry_url_s_password_is_never_shown(tmp_path, monkeypatch):
    import pytest

    from leadgate.serving.model_loading import ModelNotFound, load_registered_version
    from leadgate.settings import Settings
    from tests.postgres import fresh_schema, postgres_or_skip
    from tests.registry_hangs import init_registry, registry_url_with_password

    for name in ("DATABASE_URL", "MLFLOW_TRACKING_URI", "LEADGATE_DATA_DIR", "LEADGATE_POLICY_PATH"):
        monkeypatch.delenv(name, raising=False)
    url = postgres_or_skip()
    with fresh_schema(url) as schema:
        registry = registry_url_with_password(url, schema)
        init_registry(registry)
        settings = Settings(data_dir=tmp_path / "data", mlflow_tracking_uri=registry)
        said = []
        for load in (
            lambda: load_by_alias(settings, "champion"),
            lambda: load_registered_version(settings, "4"),
        ):
            with pytest.raises(ModelNotFound) as raised:
                load()
            said.append(str(raised.value))
    assert said[0].startswith(
        "no model 'leadgate' with alias 'champion' at postgresql+psycopg://postgres:***@"
    )
    assert said[1].startswith("no version 4 of model 'leadgate' at postgresql+psycopg://postgres:***@")
    assert not any("s3cret" in line for line in said)


def test_a_registry_uri_naming_a_sqlite_file_that_is_not_there_is_no_model_and_creates_nothing(
    tmp_path, monkeypatch
):
    import pytest

    from leadgate.serving.model_loading import (
        ModelNotFound,
        load_registered_version,
        missing_registry,
        registered_run,
    )
    from leadgate.settings import Settings

    for name in ("DATABASE_URL", "MLFLOW_TRACKING_URI", "LEADGATE_DATA_DIR", "LEADGATE_POLICY_PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    data = tmp_path / "data"
    for mistyped in (data / "mlfow.db", tmp_path / "elsewhere" / "mlflow.db", tmp_path / "relative.db"):
        uri = "sqlite:///relative.db" if mistyped.name == "relative.db" else f"sqlite:///{mistyped}"
        settings = Settings(data_dir=data, mlflow_tracking_uri=uri)
        said = f"no MLflow registry at {mistyped} (MLFLOW_TRACKING_URI): no such file"
        assert missing_registry(settings).startswith(said)
        for load, args in ((load_by_alias, ()), (load_registered_version, ("1",))):
            with pytest.raises(ModelNotFound, match="no such file"):
                load(settings, *args)
        assert registered_run(settings) is None
        assert not mistyped.exists() and not mistyped.parent.joinpath("mlartifacts").exists()
    # The data folder's own registry, named or not, is a fresh folder's: no models there yet, as before.
    for uri in (None, f"sqlite:///{data / 'mlflow.db'}"):
        settings = Settings(data_dir=data, mlflow_tracking_uri=uri)
        assert missing_registry(settings) is None
        with pytest.raises(ModelNotFound, match="no models in .* yet"):
            load_by_alias(settings)
    assert not (data / "mlflow.db").exists()
