"""The registry's bound told to its database or server: PostgreSQL cancels past it, SQLite stops waiting for a lock
within it, MLflow's HTTP client neither waits nor retries past it (unless the user said otherwise)."""

from __future__ import annotations

import pytest

from leadgate.serving.registry_uri import bounded_uri


def test_a_postgresql_registry_gets_statement_lock_and_connect_bounds_keeping_its_own_options():
    from sqlalchemy import create_engine

    from tests.postgres import fresh_schema, postgres_or_skip

    url = postgres_or_skip()
    with fresh_schema(url) as schema:
        engine = create_engine(bounded_uri(f"{url}?options=-csearch_path%3D{schema}", 4))
        try:
            with engine.connect() as connection:
                shown = {
                    name: connection.exec_driver_sql(f"SHOW {name}").scalar()
                    for name in ("statement_timeout", "lock_timeout", "search_path")
                }
        finally:
            engine.dispose()
    assert shown == {"statement_timeout": "3s", "lock_timeout": "2s", "search_path": schema}


def test_a_bound_the_user_set_in_the_url_is_kept():
    uri = bounded_uri(
        "postgresql+psycopg://u@h/db?options=-c%20statement_timeout%3D100&connect_timeout=9", 10
    )
    assert "statement_timeout%3D100" in uri and "statement_timeout%3D7500" not in uri
    assert "connect_timeout=9" in uri and "lock_timeout%3D5000" in uri


def test_sqlite_waits_for_a_lock_within_the_bound_not_mlflow_s_20_seconds(tmp_path):
    from sqlalchemy import create_engine

    engine = create_engine(bounded_uri(f"sqlite:///{tmp_path / 'mlflow.db'}", 2))
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA busy_timeout = 20000;")  # as MLflow sets it on every session
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 1500
    finally:
        engine.dispose()


@pytest.mark.parametrize("set_by_user", [False, True])
def test_mlflow_s_http_timeout_and_retries_follow_the_bound_unless_the_user_set_them(
    set_by_user, monkeypatch
):
    import os

    for name in ("MLFLOW_HTTP_REQUEST_TIMEOUT", "MLFLOW_HTTP_REQUEST_MAX_RETRIES"):
        monkeypatch.setenv(name, "")  # recorded, so teardown also removes what the bound sets meanwhile
        monkeypatch.delenv(name)
    if set_by_user:
        monkeypatch.setenv("MLFLOW_HTTP_REQUEST_TIMEOUT", "300")
    assert bounded_uri("http://mlflow.internal:5000", 8) == "http://mlflow.internal:5000"
    assert os.environ["MLFLOW_HTTP_REQUEST_TIMEOUT"] == ("300" if set_by_user else "6")
    assert os.environ["MLFLOW_HTTP_REQUEST_MAX_RETRIES"] == "0"
    bounded_uri("http://mlflow.internal:5000", 20)  # ours follow a new bound
    assert os.environ["MLFLOW_HTTP_REQUEST_TIMEOUT"] == ("300" if set_by_user else "15")
