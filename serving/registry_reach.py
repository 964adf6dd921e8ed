"""Whether the MLflow registry's database answers, asked with a short connect timeout before MLflow is asked."""

from __future__ import annotations

import math

from leadgate.serving.registry_errors import RegistryUnreachable  # noqa: F401 - importers read it here too
from leadgate.settings import Settings

# MLflow's SQL store retries a database it cannot reach for ~100 s (mlflow.store.db.utils
# create_sqlalchemy_engine_with_retry, 10 attempts with doubling sleeps), once for every client that asks:
# the service would not open its port for minutes, and a CLI dry run would wait as long for a traceback.
# libpq rounds a connect timeout below 2 s up to 2.
REACH_SECONDS = 3
# Databases MLflow reaches through SQLAlchemy over a network; SQLite is a file (MLflow makes its folder).
NETWORK_SCHEMES = ("postgresql", "mysql", "mssql")


def check_registry(settings: Settings) -> bool:
    """Raise RegistryUnreachable unless the tracking database (when it is one over a network) opens quickly.

    True when MLflow's tables are there, or when that is not asked here (a SQLite file, a tracking server): False
    tells that MLflow's first call will create them.
    """
    uri = settings.tracking_uri()
    if not uri.startswith(NETWORK_SCHEMES):
        return True
    from sqlalchemy import create_engine, inspect
    from sqlalchemy.pool import NullPool

    from leadgate.serving.db_problems import first_line, masked, why_unopened
    from leadgate.serving.registry_uri import bounded_uri

    engine = None
    try:
        # Within the registry's bound when that is shorter (libpq waits at least 2 s).
        seconds = max(2, min(REACH_SECONDS, math.ceil(settings.registry_timeout_seconds)))
        timeout = {"timeout": seconds} if uri.startswith("mssql") else {"connect_timeout": seconds}
        # The registry's bounds in the URI too: a server that stops answering once connected is not waited on.
        engine = create_engine(
            bounded_uri(uri, settings.registry_timeout_seconds), poolclass=NullPool, connect_args=timeout
        )
        with engine.connect() as connection:
            return inspect(connection).has_table("registered_models")
    except Exception as error:  # noqa: BLE001 - whatever stops it opening, MLflow would retry it for minutes
        given = settings.mlflow_tracking_uri is not None
        said = why_unopened(error, uri, given, what="MLflow registry", variable="MLFLOW_TRACKING_URI")
        raise RegistryUnreachable(said or f"MLflow registry {masked(uri)}: {first_line(error)}") from None
    finally:
        if engine is not None:
            engine.dispose()
