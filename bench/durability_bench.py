"""kill -9 under load, and PostgreSQL connections killed under load: is every acknowledged lead stored?

Usage: python bench/durability_bench.py [--cycles 3] [--seconds 10] [--rate 200] [--stores sqlite,postgres]

A real `leadgate serve` on loopback takes POST /v1/leads from a few threads at a fixed rate (for the last
0.5 s as fast as it answers, so requests are in the server); after `--seconds` it is killed with SIGKILL,
the store is read directly, and the server is started again on the same store, where every lead that got no
answer is sent again with its Idempotency-Key. On PostgreSQL one more run kills the server's connections
(pg_terminate_backend) every 0.2 s under the same load, without restarting it.
tests/serving/test_durability.py runs the same functions at a small scale and asserts on them.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

KEY = "durability-intake-key"
ACKNOWLEDGED = (200, 201)
COLUMNS = (
    "store", "run", "sent", "req/s", "acknowledged", "stored", "ack. but lost", "stored, unack.",
    "no answer", "5xx", "retries → status", "wrong retries", "recovery s",
)  # fmt: skip
BURST_SECONDS = 0.5  # the last moments before a kill: no pause between a thread's requests
KILL_EVERY = 0.2  # seconds between two rounds of pg_terminate_backend in the connection-outage run
LEAD = {
    "lead_id": "__ID__",
    "created_at": "2026-11-01T09:00:00Z",
    "contact": {
        "first_name": "Maria",
        "last_name": "Keller",
        "email": "maria.keller@nordwerk.de",
        "job_title": "VP Operations",
    },
    "company": {
        "name": "Nordwerk GmbH",
        "website": "https://www.nordwerk.de",
        "employees": 400,
        "annual_revenue": 60000000,
        "industry": "manufacturing",
        "country": "DE",
        "company_type": "b2b",
        "crm": "salesforce",
    },
    "form": {"inquiry_type": "demo", "message": "We would like a demo.", "seconds_on_form": 62},
    "source": {"channel": "organic", "campaign": "", "ip": "203.0.113.9"},
    "events": [{"type": "pricing_page", "at": "2026-11-01T09:10:00Z"}],
}


@dataclass
class Attempt:
    """One POST: the lead it carried and what came back (status None: no answer, the connection broke)."""

    lead_id: str
    body: bytes
    started: float = field(default_factory=time.monotonic)
    status: int | None = None
    next_step: str | None = None
    detail: str = ""
    retry_after: str | None = None


@dataclass
class Tally:
    """What one load run sent, what the store holds of it, and what a retry of the unanswered got."""

    sent: int = 0
    acknowledged: int = 0
    stored: int = 0
    lost: list[str] = field(default_factory=list)  # acknowledged but not stored with the answered decision
    stored_unacknowledged: int = 0
    unanswered: int = 0  # the connection broke before an answer came
    server_errors: dict[int, int] = field(default_factory=dict)  # 5xx status -> count
    unexplained: list[str] = field(
        default_factory=list
    )  # 500s, 503 without Retry-After, "nothing stored" lies
    retried: int = 0
    retry_statuses: dict[int, int] = field(default_factory=dict)
    retry_wrong: list[str] = field(default_factory=list)  # a retry not 201 when unstored / 200 when stored
    duplicates: list[str] = field(default_factory=list)  # a lead with more than one decision after retries
    recovery_seconds: float | None = None


def free_port() -> int:
    """A TCP port free on loopback right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_env(data_dir: Path, tracking_uri: str, database_url: str, key_hash: str) -> dict:
    """The environment of a server on this store: one intake key, no rate limits, nothing of the caller's."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("LEADGATE_", "PROMETHEUS_"))
        and name not in ("DATABASE_URL", "MLFLOW_TRACKING_URI")
    }
    env.update(
        LEADGATE_DATA_DIR=str(data_dir),
        MLFLOW_TRACKING_URI=tracking_uri,
        DATABASE_URL=database_url,
        LEADGATE_API_KEYS=json.dumps([{"name": "durability", "role": "intake", "sha256": key_hash}]),
        LEADGATE_RATE_LIMITS_ENABLED="false",  # the load is one key from one address, on purpose
        LEADGATE_MODEL_POLL_SECONDS="3600",
    )
    return env


def start_server(env: dict, port: int, log: Path, timeout: float = 180) -> tuple[subprocess.Popen, float]:
    """`leadgate serve` in its own process group; returns it and the seconds until it decided a lead."""
    started = time.monotonic()
    with open(log, "a") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "leadgate", "serve", "--port", str(port)],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = started + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited {process.returncode}: {log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5) as answer:
                if b'"model":"leadgate/' in answer.read():
                    return process, time.monotonic() - started
        except OSError:
            pass  # not listening, or not ready (503)
        time.sleep(0.2)
    kill(process)
    raise RuntimeError(f"server not ready after {timeout} s: {log.read_text()[-3000:]}")


def kill(process: subprocess.Popen) -> None:
    """SIGKILL the server's whole process group: no shutdown hook, no flush, no goodbye."""
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def post(connection: http.client.HTTPConnection, attempt: Attempt, key: str) -> None:
    """Send one lead with its Idempotency-Key (the lead id); fill in what came back."""
    headers = {
        "Authorization": f"Bearer {key}",
        "Content-Type": "application/json",
        "Idempotency-Key": f"key-{attempt.lead_id}",
    }
    connection.request("POST", "/v1/leads", body=attempt.body, headers=headers)
    answer = connection.getresponse()
    text = answer.read()
    attempt.status = answer.status
    attempt.retry_after = answer.getheader("Retry-After")
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = {}
    attempt.next_step = parsed.get("next_step")
    attempt.detail = str(parsed.get("detail", ""))


def load(
    port: int,
    prefix: str,
    template: dict,
    *,
    threads: int,
    rate: float,
    stop: threading.Event,
    burst: threading.Event | None = None,
) -> list[Attempt]:
    """POST new leads from `threads` keep-alive connections at `rate` a second in all, until `stop` is set.

    Once `burst` is set, each thread sends its next lead as soon as the last is answered: the server always
    has `threads` requests in hand.
    """
    attempts: list[Attempt] = []
    lock = threading.Lock()
    gap = threads / rate

    def sender(number: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        due = time.monotonic()
        sequence = 0
        while not stop.is_set():
            lead_id = f"{prefix}-{number}-{sequence}"
            sequence += 1
            attempt = Attempt(lead_id, json.dumps({**template, "lead_id": lead_id}).encode())
            with lock:
                attempts.append(attempt)
            try:
                post(connection, attempt, KEY)
            except ConnectionRefusedError:
                with lock:
                    attempts.remove(attempt)  # never sent: the server is gone (killed), nothing to count
                break
            except (OSError, http.client.HTTPException):
                connection.close()  # the server went away mid-request: no answer for this lead
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            due += gap
            if burst is None or not burst.is_set():
                time.sleep(max(0.0, due - time.monotonic()))
        connection.close()

    workers = [threading.Thread(target=sender, args=(n,), daemon=True) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    return attempts


def stored_decisions(database_url: str, prefix: str) -> dict[str, list[tuple[int, str, str | None]]]:
    """Every stored lead of this run: its decisions as (seq, next_step, idempotency key), read directly."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT l.lead_id, d.seq, d.next_step, l.idempotency_key FROM leads l "
                    "LEFT JOIN decisions d ON d.lead_id = l.lead_id WHERE l.lead_id LIKE :prefix"
                ),
                {"prefix": f"{prefix}-%"},
            ).all()
    finally:
        engine.dispose()
    found: dict[str, list] = {}
    for lead_id, seq, next_step, key in rows:
        found.setdefault(lead_id, [])
        if seq is not None:
            found[lead_id].append((seq, next_step, key))
    return found


def audit(attempts: list[Attempt], stored: dict[str, list]) -> Tally:
    """Compare what was answered with what is stored: acknowledged ⊆ stored, and every 5xx explained."""
    tally = Tally(sent=len(attempts), stored=sum(1 for a in attempts if a.lead_id in stored))
    for attempt in attempts:
        decisions = stored.get(attempt.lead_id)
        if attempt.status in ACKNOWLEDGED:
            tally.acknowledged += 1
            if not decisions or decisions[0][:2] != (1, attempt.next_step):
                tally.lost.append(f"{attempt.lead_id}: answered {attempt.next_step}, stored {decisions}")
            continue
        if decisions is not None:
            tally.stored_unacknowledged += 1
        if attempt.status is None:
            tally.unanswered += 1
        if attempt.status is not None and attempt.status >= 500:
            tally.server_errors[attempt.status] = tally.server_errors.get(attempt.status, 0) + 1
            if attempt.status != 503 or not attempt.retry_after:
                tally.unexplained.append(f"{attempt.lead_id}: {attempt.status} {attempt.detail}")
            elif decisions is not None and "nothing was stored" in attempt.detail:
                tally.unexplained.append(f"{attempt.lead_id}: 503 said nothing was stored, but it was")
    return tally


def retry_unacknowledged(port: int, attempts: list[Attempt], stored: dict[str, list], tally: Tally) -> None:
    """Send every lead that got no acknowledgement again, same key: 201 if it was not stored, else 200."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for attempt in attempts:
        if attempt.status in ACKNOWLEDGED:
            continue
        again = Attempt(attempt.lead_id, attempt.body)
        post(connection, again, KEY)
        tally.retried += 1
        tally.retry_statuses[again.status] = tally.retry_statuses.get(again.status, 0) + 1
        expected = 200 if attempt.lead_id in stored else 201
        if again.status != expected:
            tally.retry_wrong.append(
                f"{attempt.lead_id}: {again.status} (expected {expected}) {again.detail}"
            )
    connection.close()


def check_once_each(database_url: str, prefix: str, attempts: list[Attempt], tally: Tally) -> None:
    """After the retries every lead sent is stored, with exactly one decision and its own key."""
    stored = stored_decisions(database_url, prefix)
    for attempt in attempts:
        decisions = stored.get(attempt.lead_id, [])
        if [seq for seq, _, key in decisions if key == f"key-{attempt.lead_id}"] != [1]:
            tally.duplicates.append(f"{attempt.lead_id}: {decisions}")


def kill_cycle(
    env: dict, database_url: str, template: dict, log: Path, *, seconds: float, rate: float, threads: int = 4
) -> Tally:
    """Serve, load, SIGKILL mid-load, audit the store, restart on it, retry the unanswered, audit again."""
    port = free_port()
    server, _ = start_server(env, port, log)
    prefix = f"k{uuid.uuid4().hex[:8]}"
    stop = threading.Event()
    result: list[list[Attempt]] = []
    burst = threading.Event()
    loader = threading.Thread(
        target=lambda: result.append(
            load(port, prefix, template, threads=threads, rate=rate, stop=stop, burst=burst)
        )
    )
    loader.start()
    time.sleep(max(0.0, seconds - BURST_SECONDS))
    burst.set()  # the kill then finds `threads` requests in the server: being decided, written or answered
    time.sleep(BURST_SECONDS)
    killed_at = time.monotonic()
    kill(server)
    stop.set()
    loader.join()
    # A lead sent after the kill (on a kept-alive connection to the dead server) never reached a server.
    attempts = [attempt for attempt in result[0] if attempt.started < killed_at]
    stored = stored_decisions(database_url, prefix)
    tally = audit(attempts, stored)
    server, tally.recovery_seconds = start_server(env, port, log)
    try:
        retry_unacknowledged(port, attempts, stored, tally)
    finally:
        kill(server)
    check_once_each(database_url, prefix, attempts, tally)
    return tally


def terminate_backends(admin_url: str, application_name: str) -> int:
    """pg_terminate_backend on every connection of the server under test; how many were ended."""
    from sqlalchemy import create_engine, text

    engine = create_engine(admin_url)
    try:
        with engine.begin() as connection:
            return len(
                connection.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE application_name = :name AND pid <> pg_backend_pid()"
                    ),
                    {"name": application_name},
                ).all()
            )
    finally:
        engine.dispose()


def outage_run(
    env: dict,
    database_url: str,
    admin_url: str,
    application_name: str,
    template: dict,
    log: Path,
    *,
    seconds: float,
    rate: float,
    every: float = 0.5,
    threads: int = 4,
) -> tuple[Tally, int]:
    """Serve, load, kill the server's PostgreSQL connections every `every` s, then time its own recovery."""
    port = free_port()
    server, _ = start_server(env, port, log)
    try:
        prefix = f"o{uuid.uuid4().hex[:8]}"
        stop = threading.Event()
        result: list[list[Attempt]] = []
        loader = threading.Thread(
            target=lambda: result.append(load(port, prefix, template, threads=threads, rate=rate, stop=stop))
        )
        loader.start()
        ended, until = 0, time.monotonic() + seconds
        while time.monotonic() < until:
            time.sleep(every)
            ended += terminate_backends(admin_url, application_name)
        terminations_over = time.monotonic()
        stop.set()
        loader.join()
        attempts = result[0]
        stored = stored_decisions(database_url, prefix)
        tally = audit(attempts, stored)
        tally.recovery_seconds = _until_a_lead_is_created(port, template, prefix) - terminations_over
        retry_unacknowledged(port, attempts, stored, tally)
        check_once_each(database_url, prefix, attempts, tally)
        return tally, ended
    finally:
        kill(server)


def _until_a_lead_is_created(port: int, template: dict, prefix: str, timeout: float = 30) -> float:
    """Send fresh leads until one is answered 201 (without a restart); the monotonic time it was."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    deadline = time.monotonic() + timeout
    number = 0
    while time.monotonic() < deadline:
        attempt = Attempt(f"{prefix}-probe-{number}", b"")
        attempt.body = json.dumps({**template, "lead_id": attempt.lead_id}).encode()
        number += 1
        post(connection, attempt, KEY)
        if attempt.status == 201:
            connection.close()
            return time.monotonic()
        time.sleep(0.05)
    raise RuntimeError(f"no lead created within {timeout} s after the connections were killed")


@contextmanager
def postgres_schema(base_url: str, application_name: str) -> Iterator[str]:
    """A fresh schema for one run; yields the server's URL (search_path and application_name in it)."""
    from sqlalchemy import create_engine, make_url

    schema = f"lg_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base_url)
    with admin.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    url = make_url(base_url).update_query_dict(
        {"options": f"-csearch_path={schema}", "application_name": application_name}
    )
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


def _train(data_dir: Path, leads: int) -> str:
    """A champion trained on synthetic leads, registered in `data_dir`; the tracking URI it lives at."""
    from leadgate.decision.policy import load_policy
    from leadgate.settings import Settings
    from leadgate.training.data import history_from_records
    from leadgate.training.registry import log_training
    from leadgate.training.synth import generate_history
    from leadgate.training.train import train_model

    policy = load_policy()
    history = history_from_records(generate_history(n_leads=leads, seed=11, policy=policy))
    settings = Settings(data_dir=data_dir)
    log_training(train_model(history, policy, seed=0), policy, settings, {"path": "bench"})
    return settings.tracking_uri()


def _row(store: str, run: str, tally: Tally, seconds: float) -> list[str]:
    errors = ", ".join(f"{status}: {count}" for status, count in sorted(tally.server_errors.items()))
    return [
        store,
        run,
        str(tally.sent),
        f"{tally.sent / seconds:.0f}",
        str(tally.acknowledged),
        str(tally.stored),
        str(len(tally.lost)),
        str(tally.stored_unacknowledged),
        str(tally.unanswered),
        errors or "0",
        f"{tally.retried} → " + ", ".join(f"{s}: {c}" for s, c in sorted(tally.retry_statuses.items())),
        str(len(tally.retry_wrong) + len(tally.duplicates) + len(tally.unexplained)),
        f"{tally.recovery_seconds:.2f}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cycles", type=int, default=3, help="kill -9 cycles per store")
    parser.add_argument("--seconds", type=float, default=10.0, help="seconds of load before each kill")
    parser.add_argument("--rate", type=float, default=200.0, help="POSTs per second, all threads together")
    parser.add_argument("--threads", type=int, default=8, help="keep-alive connections sending")
    parser.add_argument("--stores", default="sqlite,postgres")
    parser.add_argument("--train-leads", type=int, default=5000)
    args = parser.parse_args()

    from rich.console import Console
    from rich.table import Table

    from leadgate.serving.auth import hash_key

    for name in ("DATABASE_URL", "MLFLOW_TRACKING_URI"):
        os.environ.pop(name, None)  # the model and the stores are this run's own

    postgres = os.environ.get(
        "LEADGATE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    table = Table(
        title=f"kill -9 after {args.seconds:g} s at {args.rate:g} req/s; PostgreSQL connections killed"
    )
    for name in COLUMNS:
        table.add_column(name, justify="right")
    failed = False
    with tempfile.TemporaryDirectory(prefix="leadgate-durability-") as folder:
        root = Path(folder)
        print(f"training a model on {args.train_leads} synthetic leads ...", flush=True)
        tracking_uri = _train(root / "data", args.train_leads)
        for store in args.stores.split(","):
            name = f"durability-{uuid.uuid4().hex[:8]}"
            context = (
                postgres_schema(postgres, name) if store == "postgres" else _sqlite_url(root / "decisions.db")
            )
            with context as url:
                env = server_env(root / "data", tracking_uri, url, hash_key(KEY))
                runs = _runs_on(store, env, url, postgres, name, root / "serve.log", args)
            for run, tally in runs:
                table.add_row(*_row(store, run, tally, args.seconds))
                problems = tally.lost + tally.unexplained + tally.retry_wrong + tally.duplicates
                failed |= bool(problems)
                for problem in problems[:10]:
                    print(f"  PROBLEM {store} {run}: {problem}")
    Console(width=200).print(table)
    print(
        "recovery s: kill rows, restart until the model is loaded and /readyz is 200; connection rows, from the "
        "last kill until a new lead is answered 201, without restart"
    )
    sys.exit(1 if failed else 0)


def _runs_on(store: str, env: dict, url: str, admin_url: str, name: str, log: Path, args) -> list:
    """The kill cycles on one store, then (PostgreSQL) the run with its connections killed; (label, Tally)."""
    load = {"seconds": args.seconds, "rate": args.rate, "threads": args.threads}
    runs = []
    for cycle in range(args.cycles):
        print(f"{store}: kill -9 cycle {cycle + 1} ...", flush=True)
        runs.append((f"kill -9 #{cycle + 1}", kill_cycle(env, url, LEAD, log, **load)))
    if store == "postgres":
        print(f"{store}: its connections killed every {KILL_EVERY} s ...", flush=True)
        tally, ended = outage_run(env, url, admin_url, name, LEAD, log, every=KILL_EVERY, **load)
        runs.append((f"{ended} conns killed", tally))
    return runs


@contextmanager
def _sqlite_url(path: Path) -> Iterator[str]:
    yield f"sqlite:///{path}"


if __name__ == "__main__":
    main()
