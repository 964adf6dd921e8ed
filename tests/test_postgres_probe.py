"""The test PostgreSQL probe: which runs require the server, why it cannot be used, and how long it waits."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from tests.postgres import postgres_or_skip, required, unusable_because

REFUSED = "postgresql+psycopg://postgres@127.0.0.1:1/test"  # nothing listens on port 1


@pytest.mark.parametrize("value", ["1", "true", "True", "YES", " on "])
def test_the_usual_ways_of_saying_yes_require_the_server(monkeypatch, value):
    monkeypatch.setenv("LEADGATE_REQUIRE_POSTGRES", value)
    assert required()


@pytest.mark.parametrize("value", ["", "0", "false", "No", "off"])
def test_the_usual_ways_of_saying_no_do_not(monkeypatch, value):
    monkeypatch.setenv("LEADGATE_REQUIRE_POSTGRES", value)
    assert not required()


def test_a_spelling_it_cannot_read_stops_the_run_rather_than_meaning_no(monkeypatch):
    monkeypatch.setenv("LEADGATE_REQUIRE_POSTGRES", "required")
    with pytest.raises(pytest.UsageError, match="'required' is neither yes"):
        required()


@pytest.mark.parametrize("value", ["", "true"])
def test_an_unusable_server_is_a_skip_or_when_required_a_failure_that_says_why(monkeypatch, value):
    monkeypatch.setenv("LEADGATE_TEST_POSTGRES_URL", REFUSED)
    monkeypatch.setenv("LEADGATE_REQUIRE_POSTGRES", value)
    with pytest.raises((pytest.fail.Exception, pytest.skip.Exception)) as raised:
        postgres_or_skip()
    assert raised.type is (pytest.fail.Exception if value else pytest.skip.Exception)
    assert "port 1 failed: Connection refused" in str(raised.value)


def test_a_refused_login_and_a_missing_driver_are_told_apart_from_an_absent_server():
    from sqlalchemy import make_url

    url = make_url(postgres_or_skip())
    stranger = url.set(username="lg_no_such_role").render_as_string(hide_password=False)
    assert 'role "lg_no_such_role" does not exist' in unusable_because(stranger)
    other_driver = url.set(drivername="postgresql+pg8000").render_as_string(hide_password=False)
    assert unusable_because(other_driver) == "No module named 'pg8000'"


def test_a_server_that_never_answers_is_given_up_within_the_timeout_and_asked_once():
    silent = socket.socket()  # the kernel accepts the connection; nothing ever answers it
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)
    url = f"postgresql+psycopg://postgres@127.0.0.1:{silent.getsockname()[1]}/test"
    answers = []

    def probe() -> None:
        answers.append(unusable_because(url, seconds=2))  # libpq's least

    try:
        # In a thread: a probe with no timeout would wait forever, and this test would hang, not fail.
        waiting = threading.Thread(target=probe, daemon=True)
        waiting.start()
        waiting.join(2 + 2)
        assert answers and "timeout expired" in answers[0]
        started = time.monotonic()
        assert unusable_because(url, seconds=2) == answers[0]
        assert time.monotonic() - started < 0.1  # the answer is kept for the session
    finally:
        silent.close()
