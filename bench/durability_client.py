"""The client side of the durability runs: a real `leadgate serve` started and SIGKILLed, leads sent at it."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

KEY = "durability-intake-key"


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
