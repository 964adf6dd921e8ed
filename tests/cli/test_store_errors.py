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

    from tests.serving.conftest import postgres_or_skip

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

    from tests.serving.conftest import fresh_schema, postgres_or_skip

    base = postgres_or_skip() if kind == "postgres" else None
    with fresh_schema(base) if base else nullcontext() as schema:
        if base:  # the test's own schema, through the URL as a user could give it
            url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
            monkeypatch.setenv("DATABASE_URL", url.render_as_string(hide_password=False))
        result = CliRunner().invoke(app, ["migrate", "--data-dir", str(tmp_path / "d")])
    assert result.exit_code == 0, result.output
    assert "is at the newest revision" in " ".join(result.output.split())
