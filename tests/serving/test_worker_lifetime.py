"""A real `leadgate serve`: its workers end with a main process killed by SIGKILL, and only then.

Once, `kill -9` of the main process of `--workers 2` left both workers serving the port as orphans with the
old settings, and the restart failed with "Address already in use" (walk P, P3).
"""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

from bench.durability import audit, stored_decisions
from bench.durability_client import KEY, free_port, load, server_env
from leadgate.serving import worker_metrics
from leadgate.serving.server import PARENT_CHECK_SECONDS, listen
from tests.factories import lead_dict

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals and process groups")

STARTED_WITHIN = 240.0  # two workers importing and warming up on a busy 2-core machine
GONE_WITHIN = 10.0  # from the kill to the last worker gone: the answer in hand, then the lifespan's shutdown
# Logged by each worker once its lifespan runs: who the workers are, whatever started them.
WORKER_LINE = re.compile(r" \[(\d+)\] leadgate\.serving\.model_holder: no champion")


@pytest.fixture
def env(tmp_path):
    """A server's environment on a fresh data folder: no model (gates only) is all these tests need."""
    from leadgate.serving.auth import hash_key

    data = tmp_path / "data"
    env = server_env(
        data, f"sqlite:///{data / 'mlflow.db'}", f"sqlite:///{data / 'decisions.db'}", hash_key(KEY)
    )
    # A killed main process cannot remove the temporary metrics folder it made: this one goes with tmp_path.
    env[worker_metrics.ENV] = str(tmp_path / "metrics")
    return env


@contextmanager
def _session(command: list[str], env: dict, log: Path):
    """Run `command` in a session of its own; on the way out SIGKILL all of it, orphans included."""
    with open(log, "a") as output:
        process = subprocess.Popen(
            command, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield process
    finally:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def _serve(port: int, workers: int) -> list[str]:
    return [sys.executable, "-m", "leadgate", "serve", "--port", str(port), "--workers", str(workers)]


def _ready(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5) as answer:
            return answer.status == 200
    except OSError:
        return False  # not listening yet, or not ready (503)


def _wait_for_workers(port: int, log: Path, count: int) -> list[int]:
    """The PIDs of `count` workers that started their lifespan, once the port answers /readyz."""
    deadline = time.monotonic() + STARTED_WITHIN
    while time.monotonic() < deadline:
        workers = sorted({int(pid) for pid in WORKER_LINE.findall(log.read_text())})
        if len(workers) == count and _ready(port):
            return workers
        time.sleep(0.2)
    raise AssertionError(f"{count} worker(s) not started after {STARTED_WITHIN} s: {log.read_text()[-3000:]}")


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with suppress(OSError):  # an orphan that ended may wait as a zombie until init reaps it
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    return True


def _seconds_until_gone(pids: list[int], within: float) -> float:
    started = time.monotonic()
    while any(_running(pid) for pid in pids) and time.monotonic() - started < within:
        time.sleep(0.05)
    return time.monotonic() - started


def test_kill_9_of_the_main_process_stops_its_workers_and_frees_the_port(env, tmp_path):
    port, log, prefix = free_port(), tmp_path / "serve.log", f"o{uuid.uuid4().hex[:8]}"
    with _session(_serve(port, workers=2), env, log) as server:
        workers = _wait_for_workers(port, log, count=2)
        stop, sent = threading.Event(), []
        loader = threading.Thread(
            target=lambda: sent.extend(load(port, prefix, lead_dict(), threads=2, rate=20, stop=stop))
        )
        loader.start()
        time.sleep(1.0)  # leads in flight at the kill, and kept-alive connections to every worker
        # The main process only, as `kill -9 $(cat pid)`, a supervisor's escalation or the OOM killer do.
        os.kill(server.pid, signal.SIGKILL)
        server.wait(timeout=30)
        took = _seconds_until_gone(workers, GONE_WITHIN)
        stop.set()
        loader.join(timeout=60)
        print(f"workers {workers} gone {took:.2f} s after the kill of the main process")
        assert not [pid for pid in workers if _running(pid)], log.read_text()[-3000:]
        listen("127.0.0.1", port).close()  # what the restart does first: the port is free again
    said = log.read_text()
    assert said.count("is gone: this worker stops once its requests are answered") == 2, said[-3000:]
    tally = audit(sent, stored_decisions(env["DATABASE_URL"], prefix))
    unanswered = f"unanswered {tally.unanswered} ({tally.stored_unacknowledged} stored)"
    print(f"sent {tally.sent}, acknowledged {tally.acknowledged}, {unanswered}")  # shown with -s
    assert tally.acknowledged >= 5, said[-3000:]  # the load really ran
    assert tally.lost == [] and tally.unexplained == []  # every acknowledged lead stored, as it was answered


def test_one_worker_serves_on_when_whoever_started_it_is_gone(env, tmp_path):
    # With one worker uvicorn runs in the main process: a shell or nohup that started it may end, it serves on.
    port, log = free_port(), tmp_path / "serve.log"
    in_background = shlex.join(_serve(port, workers=1)) + " & wait"
    with _session(["sh", "-c", in_background], env, log) as shell:
        (server,) = _wait_for_workers(port, log, count=1)
        os.kill(shell.pid, signal.SIGKILL)  # the shell only: the server it started is re-parented
        shell.wait(timeout=30)
        time.sleep(3 * PARENT_CHECK_SECONDS)  # beyond any check of its parent a worker makes
        assert _running(server) and _ready(port), log.read_text()[-3000:]
    assert "is gone" not in log.read_text()
