"""/metrics: on its own internal port when one is set, and summed over worker processes in multiprocess mode."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from fastapi.testclient import TestClient
from prometheus_client import CollectorRegistry
from prometheus_client.core import GaugeMetricFamily

from leadgate.serving.worker_metrics import AllWorkers
from leadgate.settings import Settings

METRICS_PORT = 9464


PUBLIC = "http://testserver:8000"
INTERNAL = f"http://testserver:{METRICS_PORT}"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    """One data folder for the module: its MLflow store is made once (the apps here load no model)."""
    return tmp_path_factory.mktemp("metrics")


def _app(data_dir, tmp_path, **settings):
    from leadgate.serving.app import create_app
    from leadgate.serving.store import DecisionStore, make_engine, migrate

    engine = make_engine(f"sqlite:///{tmp_path / 'decisions.db'}")
    migrate(engine)
    configured = Settings(data_dir=data_dir, mlflow_tracking_uri=None, database_url=None, **settings)
    return create_app(configured, store=DecisionStore(engine), poll=False)


def test_with_a_metrics_port_metrics_are_served_there_and_nowhere_else(data_dir, tmp_path):
    # The port a request came in on is its connection's local address: the test client takes it from the URL.
    with TestClient(_app(data_dir, tmp_path, metrics_port=METRICS_PORT)) as client:
        assert client.get(f"{PUBLIC}/healthz").status_code == 200
        assert client.get(f"{PUBLIC}/metrics").status_code == 404
        scraped = client.get(f"{INTERNAL}/metrics")
        assert scraped.status_code == 200
        # The public request above was counted; the internal listener shows it.
        assert 'leadgate_request_seconds_count{method="GET",path="/healthz",status="200"} 1.0' in scraped.text
        # The internal listener is no second door into the API.
        assert client.get(f"{INTERNAL}/healthz").status_code == 404
        assert client.get(f"{INTERNAL}/v1/leads").status_code == 404
        assert client.post(f"{INTERNAL}/v1/leads", json={}).status_code == 404


def test_without_a_metrics_port_metrics_are_on_the_api_port(data_dir, tmp_path):
    with TestClient(_app(data_dir, tmp_path)) as client:
        assert client.get(f"{INTERNAL}/metrics").status_code == 200
        assert client.get(f"{PUBLIC}/metrics").status_code == 200


WORKER = """
import sys
from leadgate.serving.metrics import ServiceMetrics
metrics = ServiceMetrics()
metrics.decisions.labels(route="verify", trigger="created").inc(int(sys.argv[1]))
metrics.model_loaded.set(int(sys.argv[2]))
print("counted", flush=True)
sys.stdin.readline()  # alive until told to go
"""


class ThisWorkersOwn:
    """A collector computed at scrape time, like drift PSI: it has no file to share."""

    def collect(self):
        family = GaugeMetricFamily("leadgate_drift_psi", "test", labels=["column"])
        family.add_metric(["employees"], 0.25)
        yield family


def _values(families) -> dict[str, float]:
    return {
        sample.name + str(sorted(sample.labels.items())): sample.value
        for family in families
        for sample in family.samples
    }


def test_workers_values_are_summed_and_a_dead_workers_gauges_are_forgotten(tmp_path):
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(count), str(loaded)],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for count, loaded in ((3, 1), (4, 0))
    ]
    live, dead = workers
    try:
        for worker in workers:
            assert worker.stdout.readline().strip() == "counted"
        dead.communicate("\n", timeout=30)  # the worker on gates only goes away
        registry = CollectorRegistry()
        registry.register(ThisWorkersOwn())
        values = _values(AllWorkers(str(tmp_path), registry).collect())
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.communicate("\n", timeout=30)
    assert values["leadgate_decisions_total[('route', 'verify'), ('trigger', 'created')]"] == 7
    # `livemin` over the live workers: the dead one's 0 no longer says a worker runs on gates only.
    assert values["leadgate_model_loaded[]"] == 1
    assert values["leadgate_drift_psi[('column', 'employees')]"] == 0.25
    assert not any("pid" in key for key in values)
    files = sorted(path.name for path in tmp_path.iterdir())
    assert f"gauge_livemin_{dead.pid}.db" not in files and f"counter_{dead.pid}.db" in files
    assert f"gauge_livemin_{live.pid}.db" in files


def test_several_workers_get_a_fresh_folder_removed_at_exit(monkeypatch):
    from leadgate.serving.server import shared_metrics_folder

    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    with shared_metrics_folder(workers=1) as folder:
        assert folder is None and "PROMETHEUS_MULTIPROC_DIR" not in os.environ  # one worker: its own registry
    with shared_metrics_folder(workers=2) as folder:
        assert os.environ["PROMETHEUS_MULTIPROC_DIR"] == folder and os.listdir(folder) == []
    assert not os.path.exists(folder) and "PROMETHEUS_MULTIPROC_DIR" not in os.environ


def test_the_operators_folder_is_emptied_at_start_and_kept(tmp_path, monkeypatch):
    from leadgate.serving.server import shared_metrics_folder

    (tmp_path / "counter_4242.db").write_bytes(b"an earlier run")
    (tmp_path / "README").write_text("not ours")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    with shared_metrics_folder(workers=2) as folder:
        assert folder == str(tmp_path) and sorted(os.listdir(folder)) == ["README"]
    assert sorted(os.listdir(tmp_path)) == ["README"]
