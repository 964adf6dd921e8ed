"""A real `leadgate serve` killed with SIGKILL under load, and its PostgreSQL connections killed under load.

What was acknowledged (201, or 200 for a repeat) is stored with the answered decision; what got no answer
is answered 201 (or 200 if it was stored after all) when sent again with its Idempotency-Key, and stored
once. bench/durability_bench.py runs the same functions at a larger scale and prints the figures.
"""

from __future__ import annotations

import subprocess
import sys
import uuid
from contextlib import contextmanager

import pytest

from bench.durability import kill_cycle, outage_run, postgres_schema
from bench.durability_client import KEY, server_env
from tests.factories import lead_dict
from tests.postgres import postgres_or_skip

LOAD_SECONDS = 3.0
RATE = 60.0  # POSTs a second from four threads: a few hundred leads a run, a few in flight at the kill
RECOVERY_BOUND = 10.0  # seconds from the last killed connection to a new lead stored, without restart


@contextmanager
def _store_url(kind: str, tmp_path, application_name: str):
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'decisions.db'}"
        return
    base = postgres_or_skip()
    with postgres_schema(base, application_name) as url:
        yield url


@pytest.fixture
def served(request, tmp_path, registered_settings):
    """(server environment, store URL, application name) for a fresh store and the session's champion."""
    from leadgate.serving.auth import hash_key

    settings, _ = registered_settings
    name = f"durability-{uuid.uuid4().hex[:8]}"
    with _store_url(request.param, tmp_path, name) as url:
        env = server_env(tmp_path / "data", settings.tracking_uri(), url, hash_key(KEY))
        # serve creates only the data folder's own store: the one named by URL is made first, as in deployment.
        subprocess.run(
            [sys.executable, "-m", "leadgate", "migrate"], env=env, check=True, capture_output=True
        )
        yield env, url, name


def _report(tally) -> str:
    return (
        f"sent {tally.sent}, acknowledged {tally.acknowledged}, stored {tally.stored}, "
        f"stored but unacknowledged {tally.stored_unacknowledged}, unanswered {tally.unanswered}, "
        f"5xx {tally.server_errors}, retries {tally.retry_statuses}, recovery {tally.recovery_seconds:.2f} s"
    )


@pytest.mark.parametrize("served", ["sqlite", "postgres"], indirect=True)
def test_kill_9_under_load_loses_no_acknowledged_lead_and_a_retry_stores_each_once(served, tmp_path):
    env, url, _ = served
    tally = kill_cycle(env, url, lead_dict(), tmp_path / "serve.log", seconds=LOAD_SECONDS, rate=RATE)
    print(_report(tally))  # shown with -s: how many were in flight at the kill
    assert tally.acknowledged >= 50, _report(tally)  # the load really ran before the kill
    assert tally.unanswered >= 1, _report(tally)  # and the kill cut requests short in the server
    assert tally.lost == []  # acknowledged ⊆ stored, each with the decision it was answered with
    assert tally.unexplained == []  # no 500; a 503 carries Retry-After and never wrongly says nothing stored
    assert tally.retried == tally.sent - tally.acknowledged
    assert set(tally.retry_statuses) <= {200, 201} and tally.retry_wrong == []  # 200 exactly for the stored
    assert tally.retry_statuses.get(200, 0) == tally.stored_unacknowledged
    assert tally.duplicates == []  # every lead sent is stored once, under its own key


@pytest.mark.parametrize("served", ["postgres"], indirect=True)
def test_postgres_connections_killed_under_load_answer_503_or_succeed_and_recover_alone(served, tmp_path):
    env, url, name = served
    base = postgres_or_skip()
    tally, ended = outage_run(
        env, url, base, name, lead_dict(), tmp_path / "serve.log", seconds=LOAD_SECONDS, rate=RATE, every=0.2
    )
    print(f"{ended} connections killed; {_report(tally)}")
    assert ended >= 3, "the server's connections were never found to kill"
    assert tally.unanswered == 0  # the server itself stayed up: every request got an answer
    assert set(tally.server_errors) <= {503} and tally.unexplained == []  # never a 500
    assert tally.acknowledged >= 50 and tally.lost == []
    assert tally.recovery_seconds < RECOVERY_BOUND
    assert tally.retry_wrong == [] and tally.duplicates == []
