"""A hung decision store answers 503 with Retry-After within LEADGATE_DB_TIMEOUT_SECONDS, and /readyz tells."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.factories import lead_dict
from tests.postgres import postgres_or_skip
from tests.serving.conftest import auth
from tests.serving.held_store import BOUND, bounded_store, hung

SLACK = 0.6  # thread hand-offs and the test client on two shared cores


def _timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


@pytest.fixture(params=["sqlite", "postgres"])
def bounded(request, tmp_path):
    with bounded_store(request.param, tmp_path) as store:
        yield store


def test_a_hung_store_answers_503_within_the_bound_and_stores_nothing(service_settings, bounded):
    from leadgate.serving.app import create_app

    assert service_settings.db_timeout_seconds == BOUND
    with TestClient(create_app(service_settings, store=bounded, poll=False)) as client:
        with hung(bounded):
            down, took = _timed(
                lambda: client.post("/v1/leads", json=lead_dict(lead_id="hung-1"), headers=auth("intake"))
            )
            assert down.status_code == 503 and took < BOUND + SLACK, (down.status_code, took)
            assert down.headers["Retry-After"] and "nothing was stored" in down.json()["detail"]
            ready, took = _timed(lambda: client.get("/readyz"))
            assert ready.status_code == 503 and ready.json()["store"] == "unavailable"
            assert took < BOUND + SLACK, took
        assert client.get("/readyz").status_code == 200  # the lock let go: ready again, no restart
        retry = client.post("/v1/leads", json=lead_dict(lead_id="hung-1"), headers=auth("intake"))
        assert retry.status_code == 201  # a new lead: the 503 had stored nothing
        history = client.get("/v1/leads/hung-1/decision", headers=auth("sales")).json()["history"]
        assert len(history) == 1


@pytest.mark.parametrize("tables", ["leads", "decisions"])
def test_readiness_sees_a_lock_on_either_table_a_decision_writes(service_settings, tmp_path, tables):
    from leadgate.serving.app import create_app

    with (
        bounded_store("postgres", tmp_path) as store,
        TestClient(create_app(service_settings, store=store, poll=False)) as client,
    ):
        with hung(store, tables):
            ready, took = _timed(lambda: client.get("/readyz"))
            assert ready.status_code == 503 and took < BOUND + SLACK, (ready.status_code, took)
        assert client.get("/readyz").status_code == 200


def test_a_read_refused_by_a_hung_store_does_not_claim_nothing_was_stored(service_settings, bounded):
    from leadgate.serving.app import create_app

    with TestClient(create_app(service_settings, store=bounded, poll=False)) as client:
        if bounded.engine.dialect.name == "sqlite":
            # Reads go on beside a SQLite writer: take the file away instead.
            path = bounded.engine.url.database
            bounded.engine.dispose()
            os.rename(path, f"{path}.away")
            try:
                down = client.get("/v1/leads", headers=auth("sales"))
            finally:
                bounded.engine.dispose()
                os.replace(f"{path}.away", path)
        else:
            with hung(bounded):
                down, took = _timed(lambda: client.get("/v1/leads", headers=auth("sales")))
                assert took < BOUND + SLACK
        assert down.status_code == 503 and down.headers["Retry-After"]
        assert "nothing was stored" not in down.json()["detail"]
        # Held by someone else: unavailable, worth a retry; not "the query took too long" (a lock wait ends first).
        assert down.json()["detail"] == "decision store unavailable, please retry"


@contextmanager
def _slow_decisions(store):
    """The store's decisions read through a view that first sleeps past the statement bound: a real long read."""
    with store.engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE decisions RENAME TO decisions_kept")
        # An uncorrelated subquery is one filter run before the scan: the sleep happens once, rows or none.
        connection.exec_driver_sql(
            "CREATE VIEW decisions AS SELECT * FROM decisions_kept WHERE (SELECT true FROM pg_sleep(5))"
        )
    try:
        yield
    finally:
        with store.engine.begin() as connection:
            connection.exec_driver_sql("DROP VIEW decisions")
            connection.exec_driver_sql("ALTER TABLE decisions_kept RENAME TO decisions")


def test_a_read_the_store_cut_at_its_bound_says_the_query_took_too_long(service_settings, tmp_path):
    """The store answered; the query's own work outlasted the bound, and a retry as it is would take as long.

    PostgreSQL only: SQLite has no statement bound (its reads never wait for its writer), so a long read answers.
    """
    from leadgate.serving.app import create_app

    with (
        bounded_store("postgres", tmp_path) as store,
        TestClient(create_app(service_settings, store=store, poll=False)) as client,
    ):
        with _slow_decisions(store):
            cut, took = _timed(lambda: client.get("/v1/leads", headers=auth("sales")))
        assert cut.status_code == 503 and took < BOUND + SLACK, (cut.text, took)
        assert "took too long" in cut.json()["detail"] and "narrow the filter" in cut.json()["detail"]
        assert "Retry-After" not in cut.headers  # an automatic retry would run it again, as long
        assert client.get("/readyz").status_code == 200  # no outage: the store answers


@pytest.mark.parametrize(
    "cancel",
    [
        # A statement timeout from a server whose lc_messages is German.
        "DO $$BEGIN RAISE EXCEPTION 'Abbruch der Anweisung wegen Zeitüberschreitung der Anweisung' "
        "USING ERRCODE = 'query_canceled'; END$$",
        # An operator cancelling a query that ran too long: "canceling statement due to user request".
        "SELECT pg_cancel_backend(pg_backend_pid()), pg_sleep(1)",
    ],
)
def test_a_cancelled_statement_ran_out_of_time_whatever_the_message_language(tmp_path, cancel):
    from sqlalchemy.exc import DBAPIError

    from leadgate.serving.store_breaker import ran_out_of_time

    with bounded_store("postgres", tmp_path) as store:
        with pytest.raises(DBAPIError) as raised, store.engine.connect() as connection:
            connection.exec_driver_sql(cancel)
        assert raised.value.orig.sqlstate == "57014" and "statement timeout" not in str(raised.value)
        assert ran_out_of_time(raised.value)
        with pytest.raises(DBAPIError) as locked, store.engine.connect() as connection:
            connection.exec_driver_sql(
                "DO $$BEGIN RAISE EXCEPTION 'Zeitüberschreitung beim Warten auf Sperre' "
                "USING ERRCODE = 'lock_not_available'; END$$"
            )
        assert not ran_out_of_time(locked.value)  # a lock timeout: held by someone, an outage


def test_concurrent_writers_behind_a_hung_store_all_answer_within_the_bound(service_settings, bounded):
    """Batches queue behind the one waiting: after it ran out of time, the next only try (the breaker)."""
    from concurrent.futures import ThreadPoolExecutor

    from leadgate.serving.app import create_app

    with (
        TestClient(create_app(service_settings, store=bounded, poll=False)) as client,
        hung(bounded),
    ):

        def post(number: int):
            return _timed(
                lambda: client.post(
                    "/v1/leads", json=lead_dict(lead_id=f"queued-{number}"), headers=auth("intake")
                )
            )

        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(post, range(8)))
    assert all(response.status_code == 503 for response, _ in answers)
    assert max(took for _, took in answers) < BOUND + SLACK, [round(took, 2) for _, took in answers]


PROXY = """
import socket, sys, threading
target = ("127.0.0.1", int(sys.argv[1]))
server = socket.create_server(("127.0.0.1", 0))
print(server.getsockname()[1], flush=True)

def pipe(source, sink):
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    finally:
        sink.close()

while True:
    client, _ = server.accept()
    upstream = socket.create_connection(target)
    threading.Thread(target=pipe, args=(client, upstream), daemon=True).start()
    threading.Thread(target=pipe, args=(upstream, client), daemon=True).start()
"""


@contextmanager
def _proxy():
    """A loopback proxy in front of PostgreSQL (its pid and URL), stopped with SIGSTOP to freeze the server.

    Frozen, it behaves as a frozen server does: the kernel still accepts connections and acknowledges
    packets, and nothing ever answers.
    """
    from sqlalchemy import make_url

    base = postgres_or_skip()
    target = make_url(base)
    proxy = subprocess.Popen(
        [sys.executable, "-c", PROXY, str(target.port or 5432)], stdout=subprocess.PIPE, text=True
    )
    try:
        port = int(proxy.stdout.readline())
        yield proxy.pid, target.set(host="127.0.0.1", port=port).render_as_string(hide_password=False)
    finally:
        proxy.kill()
        proxy.wait()


def _freeze(pid: int) -> None:
    """SIGSTOP the proxy and wait until every one of its threads has stopped.

    kill() only queues the stop: under load a pipe thread can still forward a packet before the thread
    that takes the signal stops the rest, and the COMMIT meant to get no answer is confirmed.
    """
    os.kill(pid, signal.SIGSTOP)
    deadline = time.monotonic() + 10
    while not all(_thread_state(stat) == "T" for stat in Path(f"/proc/{pid}/task").glob("*/stat")):
        assert time.monotonic() < deadline, "the proxy never stopped"
        time.sleep(0.001)


def _thread_state(stat: Path) -> str:
    """One thread's state letter from /proc (T: stopped); a thread gone since the listing counts as stopped."""
    try:
        return stat.read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return "T"


def test_a_commit_the_frozen_server_never_confirmed_is_not_called_nothing_stored(service_settings, tmp_path):
    from sqlalchemy.exc import OperationalError

    from leadgate.serving.app import _store_down_detail

    with _proxy() as (pid, url), bounded_store("postgres", tmp_path, url=url) as store:
        with pytest.raises(OperationalError) as raised, store.engine.begin() as connection:
            connection.exec_driver_sql("DELETE FROM leads")
            _freeze(pid)  # the COMMIT at the end of the block gets no answer
        os.kill(pid, signal.SIGCONT)
        assert raised.value.orig.outcome_unknown is True
        assert "may have been stored" in _store_down_detail("POST", raised.value)
        assert "nothing was stored" in _store_down_detail("POST", OperationalError(None, None, Exception()))


def test_a_frozen_postgres_answers_503_within_the_bound_and_recovers(service_settings, tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    from leadgate.serving.app import create_app

    def post(lead_id: str):
        return _timed(
            lambda: client.post("/v1/leads", json=lead_dict(lead_id=lead_id), headers=auth("intake"))
        )

    with (
        _proxy() as (pid, url),
        bounded_store("postgres", tmp_path, url=url) as store,
        TestClient(create_app(service_settings, store=store, poll=False)) as client,
    ):
        assert post("warm")[0].status_code == 201
        _freeze(pid)
        try:
            down, took = post("frozen-1")
            assert down.status_code == 503 and took < BOUND + SLACK, (down.status_code, took)
            assert down.headers["Retry-After"]
            ready, took = _timed(lambda: client.get("/readyz"))
            assert ready.status_code == 503 and took < BOUND + SLACK, (ready.status_code, took)
            with ThreadPoolExecutor(8) as pool:  # queued behind the frozen server, none waits a bound more
                answers = list(pool.map(post, [f"frozen-q{n}" for n in range(8)]))
            assert {response.status_code for response, _ in answers} == {503}
            assert max(took for _, took in answers) < BOUND + SLACK
        finally:
            os.kill(pid, signal.SIGCONT)
        deadline = time.monotonic() + 20
        while client.get("/readyz").status_code != 200:
            assert time.monotonic() < deadline, "never ready again after the freeze"
            time.sleep(0.1)
        assert post("frozen-1")[0].status_code in (200, 201)
        history = client.get("/v1/leads/frozen-1/decision", headers=auth("sales")).json()["history"]
        assert len(history) == 1  # stored once, whatever the frozen attempt left


def test_a_migration_is_not_cut_short_by_the_statement_bound(tmp_path):
    with bounded_store("postgres", tmp_path) as store, store.engine.begin() as connection:
        from leadgate.serving.store_postgres import without_bounds

        with without_bounds(connection):
            assert connection.exec_driver_sql("SHOW statement_timeout").scalar_one() == "0"
            connection.exec_driver_sql(
                "SELECT pg_sleep(1.8)"
            )  # past the server's 1.5 s and near the client's 2


def test_a_slow_postgres_statement_is_cut_at_the_bound(tmp_path):
    from sqlalchemy.exc import OperationalError

    with bounded_store("postgres", tmp_path) as store:
        started = time.monotonic()
        with pytest.raises(OperationalError), store.engine.connect() as connection:
            connection.exec_driver_sql("SELECT pg_sleep(5)")
        assert time.monotonic() - started < BOUND + SLACK
        with store.engine.connect() as connection:  # the pool hands out a working connection after it
            assert connection.exec_driver_sql("SELECT 1").scalar_one() == 1


def test_the_client_bound_cuts_a_server_that_says_nothing(tmp_path):
    """With the server's own timeouts lifted, only the client side can end the wait."""
    from sqlalchemy.exc import OperationalError

    with bounded_store("postgres", tmp_path) as store:
        started = time.monotonic()
        with pytest.raises(OperationalError, match="did not answer"), store.engine.begin() as connection:
            connection.exec_driver_sql("SET LOCAL statement_timeout = 0")
            connection.exec_driver_sql("SELECT pg_sleep(5)")
        assert BOUND - 0.1 < time.monotonic() - started < BOUND + SLACK
        # Until a connection in the background finds the server answering again, attempts fail at once.
        failed_fast, deadline = 0, time.monotonic() + 10
        while True:
            try:
                with store.engine.connect() as connection:
                    assert connection.exec_driver_sql("SELECT 1").scalar_one() == 1
                break
            except OperationalError as error:
                assert "background" in str(error) and time.monotonic() < deadline
                failed_fast += 1
                time.sleep(0.05)
        assert failed_fast >= 1


HOLD_THE_TURN = """
import sys, time
from pathlib import Path
from leadgate.serving.store import make_engine, writing
engine = make_engine(sys.argv[1])
with writing(engine) as connection:
    connection.exec_driver_sql("DELETE FROM leads")
    Path(sys.argv[2]).write_text("holding")
    time.sleep(float(sys.argv[3]))
"""


@pytest.mark.parametrize("held", [0.5, 30.0])
def test_a_writer_waits_for_another_workers_turn_only_within_the_bound(tmp_path, held):
    from sqlalchemy.exc import OperationalError

    from leadgate.serving.store import writing

    with bounded_store("sqlite", tmp_path) as store:
        marker = tmp_path / "holding"
        url = f"sqlite:///{store.engine.url.database}"
        other = subprocess.Popen([sys.executable, "-c", HOLD_THE_TURN, url, str(marker), str(held)])
        try:
            deadline = time.monotonic() + 60
            while not marker.exists():
                assert time.monotonic() < deadline and other.poll() is None, "the other writer never started"
                time.sleep(0.01)
            started = time.monotonic()
            if held < BOUND:  # freed in time: this writer gets the turn as soon as it is free
                with writing(store.engine) as connection:
                    connection.exec_driver_sql("SELECT count(*) FROM leads")
                assert 0.2 < time.monotonic() - started < held + 0.3
            else:  # a worker stuck with the turn: StoreBusy (an OperationalError, so a 503) at the bound
                with pytest.raises(OperationalError, match="write lock"), writing(store.engine):
                    pass
                assert BOUND - 0.05 < time.monotonic() - started < BOUND + SLACK
        finally:
            other.kill()
            other.wait()


def test_a_suppression_over_hundreds_of_stored_leads_is_made_within_the_bound_and_intake_goes_on(
    service_settings, bounded, pipeline
):
    """A rep's suppression decides the account's stored leads again in one transaction, within the store's
    bound: decided one by one, 240 leads outlasted it on PostgreSQL, and the breaker then refused new leads."""
    from datetime import UTC, datetime

    from sqlalchemy import func, select

    from leadgate.features.schema import parse_lead
    from leadgate.serving.app import create_app
    from leadgate.serving.store import NewLead
    from leadgate.serving.store_models import DecisionRow

    now = datetime.now(UTC)
    # Each from its own address: 300 from one would (rightly) fire rapid_submissions once the store is read.
    leads = [
        lead_dict(
            lead_id=f"acct-{i:03}",
            contact={"email": f"p{i}@bige49a3a.com"},
            source={"ip": f"2001:db8::{i:x}"},
        )
        for i in range(300)
    ]
    for lead in leads:
        lead.pop("scored_at")
    _, records = pipeline.decide_records([parse_lead(lead) for lead in leads], now=now)
    stored = bounded.create_many(
        [NewLead(lead, r, None, now) for lead, r in zip(leads, records, strict=True)]
    )
    assert all(s.created for s in stored)

    hold = {"subject": "bige49a3a.com", "contact": "all_contact", "reason": "legal hold"}
    with TestClient(create_app(service_settings, store=bounded, poll=False)) as client:
        made, took = _timed(lambda: client.post("/v1/suppressions", json=hold, headers=auth("sales")))
        assert made.status_code == 201 and took < BOUND, (made.status_code, took, made.text)
        # Straight after: no breaker left open by the rep's write, intake goes on.
        new = client.post("/v1/leads", json=lead_dict(lead_id="next-1"), headers=auth("intake"))
        assert new.status_code == 201, new.text
        assert client.get("/readyz").status_code == 200
        lifted, took = _timed(
            lambda: client.post(
                f"/v1/suppressions/{made.json()['id']}/lift", json={"why": "ended"}, headers=auth("sales")
            )
        )
        assert lifted.status_code == 200 and took < BOUND, (lifted.status_code, took, lifted.text)
    with bounded.engine.connect() as connection:
        triggers = dict(
            connection.execute(select(DecisionRow.trigger, func.count()).group_by(DecisionRow.trigger)).all()
        )
    assert triggers == {"created": 301, "suppression": 300, "suppression_lifted": 300}
    assert bounded.history("acct-123")[1].route == "silent_reject"
    assert bounded.history("acct-123")[2].route == records[123].route


def test_an_admin_write_cut_by_a_lock_leaves_the_breaker_closed_for_intake(bounded):
    """A rep's long write that fails is its own failure: new leads still get the whole bound, not a probe."""
    from sqlalchemy import update
    from sqlalchemy.exc import OperationalError

    from leadgate.serving.store_engine import _BREAKERS, writing
    from leadgate.serving.store_models import LeadRow

    breaker = _BREAKERS[bounded.engine]
    with (
        hung(bounded),
        pytest.raises(OperationalError),
        writing(bounded.engine, admin=True) as connection,
    ):
        connection.execute(update(LeadRow).values(lead_id=LeadRow.lead_id))
    assert not breaker.open and breaker.budget() == BOUND
    # The same wait in an intake write: the store failed, the breaker opens.
    with hung(bounded), pytest.raises(OperationalError), writing(bounded.engine) as connection:
        connection.execute(update(LeadRow).values(lead_id=LeadRow.lead_id))
    assert breaker.open
