"""kill -9 under load, and PostgreSQL connections killed under load, audited against the store.

bench/durability_bench.py runs these at scale and prints the figures; tests/serving/test_durability.py runs
them small and asserts on them.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench.durability_client import KEY, Attempt, free_port, kill, load, post, start_server

ACKNOWLEDGED = (200, 201)
BURST_SECONDS = 0.5  # the last moments before a kill: no pause between a thread's requests


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
    kill(server)
    # Taken once the server is gone, not before: on a busy machine the loader threads kept sending between
    # a time taken before the kill and the kill itself, and every request in the server was then left out.
    # A lead sent in that gap and refused is simply unanswered: retried below like the others.
    killed_at = time.monotonic()
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
