"""Why a database (the decision store, the MLflow registry) could not be opened, in one line a person can act on."""

from __future__ import annotations

import re

SUPPORTED = "postgresql+psycopg://user:password@host:5432/name or sqlite:////path/to/file.db"


def masked(url: str) -> str:
    """The URL with its password hidden, also when SQLAlchemy cannot parse it."""
    from sqlalchemy import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return re.sub(r"(://[^:/@]*):[^@]*@", r"\1:***@", url)


def why_unopened(
    error: BaseException,
    url: str,
    given: bool,
    what: str = "decision store",
    variable: str = "DATABASE_URL",
) -> str | None:
    """What failed and what to do, naming the URL (password masked) and, when `given`, the variable that set it;
    None for a failure of another kind."""
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

    where = f"{what} {masked(url)}" + (f" ({variable})" if given else "")
    # A module SQLAlchemy cannot import is the URL's driver: mysql:// wants MySQLdb, +psycopg2 wants psycopg2.
    if isinstance(error, NoSuchModuleError | ArgumentError | ImportError):
        problem = (
            "not a database URL" if isinstance(error, ArgumentError) else "unsupported database or driver"
        )
        return f"{where}: {problem} ({first_line(error)}); use {SUPPORTED}"
    if isinstance(error, OperationalError):
        return f"{where}: {_operational(str(error.orig or error), url)}"
    if isinstance(error, OSError) and url.startswith("sqlite"):
        fix = f"fix {variable}" if given else "choose another --data-dir"
        return f"{where}: cannot create its folder ({error.strerror}: {error.filename}); {fix}"
    return None


def _operational(message: str, url: str) -> str:
    from sqlalchemy import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"SQLite cannot open it ({first_line(message)}); check the folder exists and is writable"
    missing = re.search(r'database "([^"]+)" does not exist', message)
    if missing:
        user = f" -U {parsed.username}" if parsed.username else ""
        where = f"-h {parsed.host or 'localhost'} -p {parsed.port or 5432}{user}"
        return f'database "{missing.group(1)}" does not exist: create it with `createdb {where} {missing.group(1)}`'
    if "password authentication failed" in message or "no password supplied" in message:
        return f"login refused ({first_line(message)}): check the user and password"
    if "role" in message and "does not exist" in message:
        return f"{first_line(message)}: check the user"
    return f"cannot connect ({first_line(message)}): is PostgreSQL running at that host and port?"


def first_line(error: BaseException | str) -> str:
    text = str(error).strip()
    # psycopg's prefix repeats the host and port the URL already names.
    text = re.sub(r'^connection failed: (connection to server at "[^"]*", port \d+ failed: )?', "", text)
    text = re.sub(r"^FATAL:\s+", "", text)
    return text.splitlines()[0] if text else type(error).__name__
