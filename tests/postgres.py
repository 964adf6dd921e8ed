"""The test PostgreSQL server: its URL, whether this run requires it, and a fresh schema for each test.

Unusable, the server's tests skip, or fail when the run requires it (LEADGATE_REQUIRE_POSTGRES, as
.ci/run sets); either way they say why: a missing driver, a refused login or a server that is not there.
"""

from __future__ import annotations

import functools
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

URL_VARIABLE = "LEADGATE_TEST_POSTGRES_URL"
REQUIRE_VARIABLE = "LEADGATE_REQUIRE_POSTGRES"
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"  # as .ci/run sets it
# A host that drops packets would hold each probe for the OS's TCP timeout, about two minutes.
CONNECT_TIMEOUT = 5
YES = ("1", "true", "yes", "on")
NO = ("", "0", "false", "no", "off")


def required(variable: str = REQUIRE_VARIABLE) -> bool:
    """Whether `variable` asks to fail rather than skip; a spelling it cannot read stops the run."""
    value = os.environ.get(variable, "").strip().lower()
    if value in YES:
        return True
    if value in NO:
        return False
    raise pytest.UsageError(
        f"{variable}={os.environ[variable]!r} is neither yes ({', '.join(YES)}) nor no ({', '.join(NO[1:])}, or unset)"
    )


def configured_url() -> str:
    """The test server's URL: LEADGATE_TEST_POSTGRES_URL, else the one .ci/run uses."""
    return os.environ.get(URL_VARIABLE) or DEFAULT_URL


@functools.cache
def unusable_because(url: str, seconds: int = CONNECT_TIMEOUT) -> str | None:
    """Why the server at `url` cannot be used (its error's first line), or None; asked once a session."""
    from sqlalchemy import create_engine

    engine = None
    try:
        engine = create_engine(url, connect_args={"connect_timeout": seconds})
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except Exception as error:  # noqa: BLE001 - any cause is told, not only "unreachable"
        return (str(error).strip().splitlines() or [type(error).__name__])[0]
    finally:
        if engine is not None:
            engine.dispose()
    return None


def postgres_url() -> str | None:
    """The test server's URL; None when it cannot be used, or a failure when the run requires it."""
    url = configured_url()
    why = unusable_because(url)
    if why is not None and required():
        pytest.fail(f"PostgreSQL required ({REQUIRE_VARIABLE}) but not usable at {_shown(url)}: {why}")
    return url if why is None else None


def postgres_or_skip() -> str:
    """The test server's URL; a skip that says why when it cannot be used (a failure when required)."""
    url = postgres_url()
    if url is None:
        configured = configured_url()
        pytest.skip(
            f"PostgreSQL not usable at {_shown(configured)}: {unusable_because(configured)} "
            f"(set {REQUIRE_VARIABLE}=1 to fail instead)"
        )
    return url


def _shown(url: str) -> str:
    from sqlalchemy import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return f"the URL in {URL_VARIABLE}"  # unreadable, it may hold a password in the clear


@contextmanager
def fresh_schema(url: str) -> Iterator[str]:
    """A new PostgreSQL schema for one test, dropped afterwards, so runs never see each other's rows."""
    from sqlalchemy import create_engine

    schema = f"lg_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    try:
        yield schema
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


def use_schema(engine, schema: str) -> None:
    """Every connection of `engine` works in `schema`."""
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _search_path(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute(f"SET search_path TO {schema}")
        cursor.close()
        dbapi_connection.commit()
