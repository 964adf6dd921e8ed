"""A decision store that cannot be opened stops every command that opens it in one line, not a traceback."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from leadgate.cli import app

# Every command that opens the store, with the arguments it needs to get that far.
STORE_COMMANDS = [
    ["migrate"],
    ["serve"],
    ["monitor"],
    ["lists", "show", "--kind", "do_not_engage"],
    ["erase", "--lead-id", "lead-1"],
    ["train", "--from-store"],
]


def _run(args: list[str], url: str, tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", url)
    return CliRunner().invoke(app, [*args, "--data-dir", str(tmp_path / "d")])


def _one_clear_error(result, lines: int = 4) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    error = result.output[result.output.index("error:") :]
    assert len(error.splitlines()) <= lines, error  # one or two sentences, wrapped at 80 columns
    return " ".join(error.split())


@pytest.mark.parametrize("args", STORE_COMMANDS, ids=lambda args: " ".join(args[:2]))
def test_an_unsupported_database_is_named_with_its_password_masked(args, isolated, tmp_path, monkeypatch):
    said = _one_clear_error(_run(args, "mysql://sales:hunter2@db.example/crm", tmp_path, monkeypatch))
    assert "mysql://sales:***@db.example/crm (DATABASE_URL)" in said and "hunter2" not in said
    assert "unsupported database or driver" in said and "postgresql+psycopg://" in said


def test_a_string_that_is_no_url_is_told_as_such(isolated, tmp_path, monkeypatch):
    said = _one_clear_error(_run(["migrate"], "postgres//oops", tmp_path, monkeypatch))
    assert "not a database URL" in said


def test_a_server_that_does_not_answer_is_told_as_such(isolated, tmp_path, monkeypatch):
    said = _one_clear_error(
        _run(["monitor"], "postgresql+psycopg://u:pw@127.0.0.1:1/x", tmp_path, monkeypatch)
    )
    assert "postgresql+psycopg://u:***@127.0.0.1:1/x" in said and "cannot connect" in said


@pytest.mark.parametrize("args", STORE_COMMANDS[:4], ids=lambda args: " ".join(args[:2]))
def test_a_database_that_does_not_exist_is_named_with_the_command_that_creates_it(
    args, isolated, tmp_path, monkeypatch
):
    from sqlalchemy import make_url

    from tests.postgres import postgres_or_skip

    url = make_url(postgres_or_skip()).set(database="leadgate_no_such_db", password="s3cret")
    said = _one_clear_error(_run(args, url.render_as_string(hide_password=False), tmp_path, monkeypatch))
    assert 'database "leadgate_no_such_db" does not exist' in said and "s3cret" not in said
    assert f"createdb -h {url.host} -p {url.port or 5432}" in said and "leadgate_no_such_db`" in said


def test_a_data_folder_that_cannot_be_made_is_told_as_such(isolated, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = CliRunner().invoke(app, ["migrate", "--data-dir", str(blocker / "d")])
    said = _one_clear_error(result, lines=6)  # the long temporary path is named twice
    assert "cannot create its folder" in said and "--data-dir" in said


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_a_store_that_opens_is_migrated_as_before(kind, isolated, tmp_path, monkeypatch):
    from contextlib import nullcontext

    from sqlalchemy import make_url

    from tests.postgres import fresh_schema, postgres_or_skip

    base = postgres_or_skip() if kind == "postgres" else None
    with fresh_schema(base) if base else nullcontext() as schema:
        if base:  # the test's own schema, through the URL as a user could give it
            url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
            monkeypatch.setenv("DATABASE_URL", url.render_as_string(hide_password=False))
        result = CliRunner().invoke(app, ["migrate", "--data-dir", str(tmp_path / "d")])
    assert result.exit_code == 0, result.output
    assert "created the decision store at" in " ".join(result.output.split())


READING_COMMANDS = [
    ["monitor"],
    ["lists", "show", "--kind", "competitor_domains"],
    ["erase", "--lead-id", "x", "--dry-run"],
]


def _revision(url: str) -> str | None:
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.connect() as connection:
        revision = MigrationContext.configure(connection).get_current_revision()
    engine.dispose()
    return revision


def _at(url: str, revision: str) -> None:
    from sqlalchemy import create_engine

    from tests.serving.conftest import upgrade_to

    engine = create_engine(url)
    upgrade_to(engine, revision)
    engine.dispose()


@pytest.mark.parametrize("args", READING_COMMANDS, ids=lambda args: " ".join(args[:2]))
def test_other_commands_refuse_an_absent_or_older_schema_and_change_nothing(
    args, bare_store_url, tmp_path, monkeypatch
):
    from leadgate.serving.store_schema import head

    said = _one_clear_error(_run(args, bare_store_url, tmp_path, monkeypatch))
    assert "no leadgate tables yet" in said and "run `leadgate migrate`" in said
    assert _revision(bare_store_url) is None  # no table created
    _at(bare_store_url, "0005_reviews")
    said = _one_clear_error(_run(args, bare_store_url, tmp_path, monkeypatch))
    assert (
        f"the decision store is at 0005_reviews, this leadgate needs {head()}: run `leadgate migrate`" in said
    )
    assert _revision(bare_store_url) == "0005_reviews"


@pytest.mark.parametrize(
    "args",
    [
        *READING_COMMANDS,
        ["suppressions", "show", "--subject", "dana@example.com"],
        ["outcomes", "import", "OUTCOMES"],
        ["train", "--from-store"],
        ["promote", "--dry-run"],
        ["rollback", "--why", "a test", "--dry-run"],
    ],
    ids=lambda args: " ".join(args[:2]),
)
def test_commands_pointed_at_a_missing_data_folder_refuse_and_create_nothing(args, isolated, tmp_path):
    # Walk: `monitor` made the folder and an empty decisions.db before saying "run `leadgate migrate`".
    outcomes = tmp_path / "outcomes.csv"
    outcomes.write_text("lead_id,sql\nlead-1,true\n")
    missing = tmp_path / "no" / "such"
    args = [str(outcomes) if arg == "OUTCOMES" else arg for arg in args]
    said = _one_clear_error(CliRunner().invoke(app, [*args, "--data-dir", str(missing)]), lines=8)
    # promote names where it looked for the challenger: the folder's mlflow.db, or MLFLOW_TRACKING_URI.
    assert "run `leadgate migrate`" in said or "has the alias" in said, said
    assert "DATABASE_URL" in said or "MLFLOW_TRACKING_URI" in said or f"{missing} yet" in said, said
    assert not (tmp_path / "no").exists()


def test_migrate_says_what_it_did(bare_store_url, tmp_path, monkeypatch):
    from leadgate.serving.store_schema import head

    _at(bare_store_url, "0005_reviews")
    said = " ".join(_run(["migrate"], bare_store_url, tmp_path, monkeypatch).output.split())
    assert "upgraded the decision store at" in said and f"from 0005_reviews to {head()}" in said
    said = " ".join(_run(["migrate"], bare_store_url, tmp_path, monkeypatch).output.split())
    assert f"is already at the newest revision ({head()})" in said


@pytest.mark.parametrize("args", [["migrate"], ["monitor"], ["serve"]], ids=lambda args: args[0])
def test_a_schema_newer_than_this_leadgate_is_one_line(args, bare_store_url, tmp_path, monkeypatch):
    from sqlalchemy import create_engine

    _at(bare_store_url, "head")
    engine = create_engine(bare_store_url)
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0099_future'")
    engine.dispose()
    said = _one_clear_error(_run(args, bare_store_url, tmp_path, monkeypatch))
    assert "at revision 0099_future, which this leadgate does not know" in said and "Upgrade leadgate" in said
    assert _revision(bare_store_url) == "0099_future"


def _taken_port():
    import socket

    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    return taken


@pytest.mark.parametrize("given", ["absolute", "relative"])
def test_serve_refuses_a_database_url_naming_a_sqlite_file_that_is_not_there(
    given, isolated, tmp_path, monkeypatch
):
    # Walk: a mistyped path served on a new, empty store (no suppressions, lists, keys or history).
    url = f"sqlite:///{tmp_path / 'no' / 'such' / 'd.db'}" if given == "absolute" else "sqlite:///relative.db"
    named = tmp_path / "no" / "such" / "d.db" if given == "absolute" else tmp_path / "relative.db"
    with _taken_port() as taken:  # so a serve that does not refuse stops at the port rather than serving
        port = str(taken.getsockname()[1])
        said = _one_clear_error(_run(["serve", "--port", port], url, tmp_path, monkeypatch))
    assert f"no decision store at {named} (DATABASE_URL)" in said and "run `leadgate migrate`" in said
    assert not named.exists() and not (tmp_path / "no").exists()
    # Once `leadgate migrate` made it, serve opens it (and gets as far as the port, taken here).
    assert _run(["migrate"], url, tmp_path, monkeypatch).exit_code == 0
    with _taken_port() as taken:
        port = str(taken.getsockname()[1])
        said = _one_clear_error(_run(["serve", "--port", port], url, tmp_path, monkeypatch))
    assert "cannot listen on" in said


def test_serve_still_creates_the_data_folder_s_own_store(isolated, tmp_path, monkeypatch):
    own = tmp_path / "d" / "decisions.db"
    for url in ("", f"sqlite:///{own}"):  # unset, or the same file named
        if own.exists():
            own.unlink()
        with _taken_port() as taken:
            result = _run(["serve", "--port", str(taken.getsockname()[1])], url, tmp_path, monkeypatch)
        assert "created the decision store at" in " ".join(result.output.split()), result.output
        assert "cannot listen on" in result.output and own.exists()
