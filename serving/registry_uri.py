"""The registry's bound told to the registry's own database or server, so it gives up too, not only we.

A call we abandon after LEADGATE_REGISTRY_TIMEOUT_SECONDS (registry_calls.py) goes on in its thread; bounded
on the other side as well, a locked or frozen registry ends it soon after, and a write waiting for a lock fails
rather than lands later.
"""

from __future__ import annotations

import math
import os
import threading

# Below the bound, so the database's own refusal (a lock or statement timeout) usually comes first and says why.
SERVER_SHARE = 0.75
LOCK_SHARE = 0.5
# MLflow sets this on every SQLite session (mlflow/store/db/utils.py make_managed_session): 20 s, past our bound.
MLFLOW_BUSY_PRAGMA = "PRAGMA busy_timeout"
# One request a call: a retry would start after the bound, for an answer nobody waits for any more.
HTTP_RETRIES = "0"

_listening = threading.Lock()
_installed = False
# The HTTP variables as this process set them: a value the user set is never overwritten; ours follow the bound.
_ours: dict[str, str] = {}


def bounded_uri(uri: str, seconds: float) -> str:
    """`uri` as MLflow should be given it: PostgreSQL with statement, lock, connect and keepalive bounds, SQLite
    with a busy timeout, both within `seconds`; for an HTTP tracking server, MLflow's request timeout and
    retries are set in the environment (unless the user set them) and the URI is returned as it is."""
    if uri.startswith("postgresql"):
        return _postgres(uri, seconds)
    if uri.startswith("sqlite:"):
        _bound_sqlite_busy_timeout()
        return (
            uri
            if "timeout=" in uri
            else f"{uri}{'&' if '?' in uri else '?'}timeout={seconds * SERVER_SHARE:g}"
        )
    if uri.startswith(("http://", "https://")):
        _bound_http(seconds)
    return uri


def _postgres(uri: str, seconds: float) -> str:
    from sqlalchemy import make_url

    url = make_url(uri)
    query = dict(url.query)
    options = str(query.get("options", ""))
    # libpq's options: the server itself cancels a statement (or a wait for a lock) past these.
    extra = [
        f"-c {name}={int(seconds * share * 1000)}"
        for name, share in (("statement_timeout", SERVER_SHARE), ("lock_timeout", LOCK_SHARE))
        if name not in options
    ]
    if extra:
        query["options"] = " ".join([options, *extra]).strip()
    server = max(1, math.floor(seconds * SERVER_SHARE))
    for name, value in (
        ("connect_timeout", max(2, server)),  # libpq reads below 2 as 2
        # A server that stops answering mid-query (a frozen host, a dropped network) is noticed, not waited on.
        ("keepalives", 1),
        ("keepalives_idle", max(1, math.floor(seconds / 2))),
        ("keepalives_interval", 1),
        ("keepalives_count", 3),
        ("tcp_user_timeout", int(seconds * SERVER_SHARE * 1000)),
    ):
        query.setdefault(name, str(value))
    return url.set(query=query).render_as_string(hide_password=False)


def _bound_http(seconds: float) -> None:
    # MLflow reads both at each request (mlflow/environment_variables.py): 120 s and 7 retries by default.
    wanted = {
        "MLFLOW_HTTP_REQUEST_TIMEOUT": str(max(1, math.floor(seconds * SERVER_SHARE))),
        "MLFLOW_HTTP_REQUEST_MAX_RETRIES": HTTP_RETRIES,
    }
    for name, value in wanted.items():
        current = os.environ.get(name)
        if current is None or current == _ours.get(name):
            os.environ[name] = _ours[name] = value


def _bound_sqlite_busy_timeout() -> None:
    """MLflow's own busy timeout on SQLite sessions replaced by the URI's `timeout` (installed once)."""
    global _installed
    with _listening:
        if _installed:
            return
        from sqlalchemy import event
        from sqlalchemy.engine import Engine

        event.listen(Engine, "before_cursor_execute", _busy_timeout_of_uri, retval=True)
        _installed = True


def _busy_timeout_of_uri(conn, cursor, statement, parameters, context, executemany):
    if statement.startswith(MLFLOW_BUSY_PRAGMA):
        timeout = conn.engine.url.query.get("timeout")
        if timeout and conn.engine.url.get_backend_name() == "sqlite":
            statement = f"{MLFLOW_BUSY_PRAGMA} = {int(float(timeout) * 1000)}"
    return statement, parameters
