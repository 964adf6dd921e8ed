"""`leadgate serve --workers 2` for real on loopback: one /metrics on the internal port sums both workers."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families

START_SECONDS = 240  # two workers each import the stack and open the stores, on a shared 2-core machine
HEALTHZ = {"method": "GET", "path": "/healthz", "status": "200"}

STALE_RUN = """
from leadgate.serving.metrics import ServiceMetrics
metrics = ServiceMetrics()
for _ in range(1000):
    metrics.latency.labels("/healthz", "GET", "200").observe(0.001)
import os; print(os.getpid())
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str, headers: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url, headers=headers or {})

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=10) as answer:
            return answer.status, {**dict(answer.headers), "body": answer.read().decode()}
    except urllib.error.HTTPError as error:
        return error.code, {**dict(error.headers), "body": error.read().decode()}


def _healthz_counts(folder) -> dict[int, float]:
    """Requests to /healthz each worker process has counted, read from its own file."""
    counts = {}
    for path in folder.glob("histogram_*.db"):
        pid = int(path.stem.split("_")[1])
        for family in MultiProcessCollector.merge([str(path)]):
            for sample in family.samples:
                if sample.name == "leadgate_request_seconds_count" and sample.labels == HEALTHZ:
                    counts[pid] = sample.value
    return counts


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory):
    """A real server with two workers, an internal metrics port, and a multiprocess folder with stale values."""
    root = tmp_path_factory.mktemp("workers")
    shared = root / "prometheus"
    shared.mkdir()
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("LEADGATE_", "PROMETHEUS_"))
        and name not in ("DATABASE_URL", "MLFLOW_TRACKING_URI")
    }
    env["PROMETHEUS_MULTIPROC_DIR"] = str(shared)
    # An earlier run's values, left in the folder: a start must not add them to this run's.
    stale = subprocess.run(
        [sys.executable, "-c", STALE_RUN], env=env, capture_output=True, text=True, timeout=120
    )
    assert stale.returncode == 0, stale.stderr[-2000:]
    stale_pid = int(stale.stdout.strip())
    assert (shared / f"histogram_{stale_pid}.db").exists()
    # A key configured: without one /readyz answers 503, as every lead would get 401.
    env["LEADGATE_API_KEYS"] = json.dumps([{"name": "t", "role": "sales", "sha256": "0" * 64}])
    # The proxy trusted for X-Forwarded-Proto is elsewhere: this test's own https claim must be ignored.
    env["LEADGATE_FORWARDED_ALLOW_IPS"] = "10.9.9.9"
    port, metrics_port = _free_port(), _free_port()
    command = [sys.executable, "-m", "leadgate", "serve", "--data-dir", str(root / "data"), "--workers", "2"]
    command += ["--port", str(port), "--metrics-port", str(metrics_port)]
    log = open(root / "serve.log", "w")  # noqa: SIM115 - closed at teardown
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + START_SECONDS
        # Readiness by /readyz, not /healthz: every /healthz the test sends is one the metrics must count.
        while time.monotonic() < deadline and server.poll() is None:
            try:
                if _get(f"http://127.0.0.1:{port}/readyz")[0] == 200:
                    break
            except OSError:
                pass  # not listening yet
            time.sleep(0.5)
        else:
            pytest.fail(f"server did not start: {(root / 'serve.log').read_text()[-3000:]}")
        yield {"port": port, "metrics_port": metrics_port, "shared": shared, "stale_pid": stale_pid}
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=30)
        log.close()


def test_one_scrape_sums_the_counters_of_both_workers(two_workers):
    port, shared = two_workers["port"], two_workers["shared"]
    sent = 0
    deadline = time.monotonic() + 60
    # Fresh connections, eight at a time, until each worker has taken some (the kernel picks who accepts).
    with ThreadPoolExecutor(max_workers=8) as pool:
        while time.monotonic() < deadline:
            codes = list(pool.map(lambda _: _get(f"http://127.0.0.1:{port}/healthz")[0], range(40)))
            assert codes == [200] * 40
            sent += 40
            if sum(1 for count in _healthz_counts(shared).values() if count > 0) >= 2:
                break
    by_worker = _healthz_counts(shared)
    assert len([count for count in by_worker.values() if count > 0]) == 2, by_worker
    assert not (shared / f"histogram_{two_workers['stale_pid']}.db").exists()  # emptied at start

    url = f"http://127.0.0.1:{two_workers['metrics_port']}/metrics"
    deadline = time.monotonic() + 10
    while True:  # a request is counted just after its answer is sent
        status, answer = _get(url)
        families = {family.name: family for family in text_string_to_metric_families(answer["body"])}
        scraped = next(
            sample.value
            for sample in families["leadgate_request_seconds"].samples
            if sample.name == "leadgate_request_seconds_count" and sample.labels == HEALTHZ
        )
        if scraped == sent or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert status == 200
    assert scraped == sent == sum(_healthz_counts(shared).values())
    # Gauges are combined, not shown once per process.
    assert [sample.value for sample in families["leadgate_model_loaded"].samples] == [0.0]
    assert not any("pid" in sample.labels for family in families.values() for sample in family.samples)


def test_the_api_port_has_no_metrics_and_an_untrusted_proxy_is_not_believed(two_workers):
    port = two_workers["port"]
    assert _get(f"http://127.0.0.1:{port}/metrics")[0] == 404
    assert _get(f"http://127.0.0.1:{two_workers['metrics_port']}/healthz")[0] == 404
    # A redirect names the scheme the server believes; only LEADGATE_FORWARDED_ALLOW_IPS may say https.
    status, answer = _get(f"http://127.0.0.1:{port}/v1/leads/", {"X-Forwarded-Proto": "https"})
    assert status == 307 and answer["location"].startswith("http://127.0.0.1:")


def test_folders_of_killed_services_are_removed_and_live_ones_kept(tmp_path):
    import subprocess

    from leadgate.serving.worker_metrics import FOLDER_PREFIX, remove_orphaned_folders

    gone = subprocess.Popen(["true"])
    gone.wait()  # a pid no process holds now
    orphan = tmp_path / f"{FOLDER_PREFIX}{gone.pid}-abc123"
    live = tmp_path / f"{FOLDER_PREFIX}{os.getpid()}-def456"
    other = tmp_path / "leadgate-metrics-notapid"
    for folder in (orphan, live, other):
        folder.mkdir()
        (folder / "counter_1.db").write_bytes(b"x")
    assert remove_orphaned_folders(tmp_path) == [orphan]
    assert not orphan.exists() and live.exists() and other.exists()
