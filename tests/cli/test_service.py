"""`leadgate serve` and `new-key`: what the running service tells its operator, and the common options."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time

from typer.testing import CliRunner

from leadgate.cli import app


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_logs_the_models_and_policy_it_serves_through_uvicorns_logging(registered_settings):
    settings, registered = registered_settings
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "MLFLOW_TRACKING_URI")}
    command = [sys.executable, "-m", "leadgate", "serve", "--data-dir", str(settings.data_dir)]
    server = subprocess.Popen(
        [*command, "--port", str(_free_port())], env=env, stderr=subprocess.PIPE, text=True
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(server.stderr), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and server.poll() is None:
            # Wait for all the server announces, not only one case of it: with no challenger, "policy … for the
            # challenger" never comes, and the test once sat out its whole deadline (3 minutes) on every run.
            said_so_far = "".join(lines)
            challenger_said = "no challenger" in said_so_far or "for the challenger" in said_so_far
            if "now serving" in said_so_far and "for the champion" in said_so_far and challenger_said:
                break
            time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=30)
        reader.join(timeout=5)
    said = "".join(lines)
    assert f"now serving leadgate/{registered.version} (champion)\n" in said, said[-3000:]
    assert "for the champion (the model's own)" in said
    assert "no challenger" in said or "in shadow" in said
    line = next(line for line in lines if "now serving" in line)
    assert " INFO [" in line and "leadgate.serving.model_holder: " in line


def test_new_key_takes_the_common_data_dir_option(tmp_path, monkeypatch):
    from leadgate.serving.auth import identify
    from leadgate.settings import ApiKey

    monkeypatch.delenv("LEADGATE_API_KEYS", raising=False)
    result = CliRunner().invoke(app, ["new-key", "sales", "--name", "crm", "--data-dir", str(tmp_path / "d")])
    assert result.exit_code == 0, result.output
    key = result.output.split("key (give it to the caller, it is not stored): ")[1].split()[0]
    entry = json.loads(result.output.split("add to LEADGATE_API_KEYS: ")[1].strip())
    assert identify([ApiKey(**entry)], key).role == "sales"
    assert not (tmp_path / "d").exists()  # a key is printed, never stored: no data folder is made for it


def test_new_key_warns_when_the_name_is_already_configured(monkeypatch):
    entry = {"name": "crm", "role": "sales", "sha256": "0" * 64}
    monkeypatch.setenv("LEADGATE_API_KEYS", json.dumps([entry]))
    result = CliRunner().invoke(app, ["new-key", "sales", "--name", "crm"])
    assert result.exit_code == 0 and "already in LEADGATE_API_KEYS" in result.output


def test_serve_refuses_a_port_beyond_65535_before_starting(tmp_path):
    # Once, 99999 was taken modulo 65536 and the service listened on 34463 without a word.
    result = CliRunner().invoke(app, ["serve", "--port", "99999", "--data-dir", str(tmp_path / "d")])
    assert result.exit_code == 2
    assert "Invalid value for '--port'" in result.output and "65535" in result.output
    assert not (tmp_path / "d").exists()  # refused before anything was opened


def test_serve_names_the_variable_when_the_environment_holds_a_bad_port(tmp_path, monkeypatch):
    monkeypatch.setenv("LEADGATE_PORT", "99999")
    result = CliRunner().invoke(app, ["serve", "--data-dir", str(tmp_path / "d")])
    assert result.exit_code == 2
    assert "LEADGATE_PORT" in result.output and "65535" in result.output
    assert "Traceback" not in result.output


def test_serve_refuses_the_api_port_as_its_metrics_port(tmp_path):
    result = CliRunner().invoke(
        app, ["serve", "--port", "8123", "--metrics-port", "8123", "--data-dir", str(tmp_path / "d")]
    )
    assert result.exit_code == 2 and "metrics_port must differ from port" in result.output


def test_serve_says_which_port_is_taken_and_starts_nothing(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    for variable in ("LEADGATE_METRICS_PORT", "LEADGATE_DATA_DIR"):
        monkeypatch.delenv(variable, raising=False)  # put back as they were, whatever serve does
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(
            app,
            ["serve", "--port", str(_free_port()), "--metrics-port", str(port), "--data-dir", str(tmp_path)],
        )
    assert result.exit_code == 2
    assert f"cannot listen on 127.0.0.1:{port}: Address already in use" in result.output, result.output
    # Who holds it: once, orphaned workers of a killed `--workers 2` server did, unseen (walk P, P3).
    assert f"`ss -ltnp 'sport = :{port}'` names the process" in result.output
    assert "LEADGATE_METRICS_PORT" not in os.environ  # nothing started, nothing exported


def test_proxy_headers_are_applied_once_by_the_app_not_again_by_uvicorn():
    from leadgate.serving.server import uvicorn_config
    from leadgate.settings import Settings

    config = uvicorn_config(Settings(forwarded_allow_ips="172.16.0.0/12"), workers=2)
    assert not config.proxy_headers and config.workers == 2


def test_every_serve_option_the_workers_read_reaches_them_through_the_environment():
    # Fixer registry: --no-proxy-headers and --forwarded-allow-ips were validated, then never reached the app,
    # which each worker builds from the environment (serving/asgi.py).
    import inspect

    from leadgate.cli.service import SERVE_OVERRIDES, serve

    options = set(inspect.signature(serve).parameters) - {"host", "port", "workers"}  # the main process's own
    assert set(SERVE_OVERRIDES) == options


def test_serve_refuses_a_registry_uri_naming_a_sqlite_file_that_is_not_there(tmp_path, monkeypatch):
    # Walk: a mistyped mlfow.db served on the gates alone under the shipped policy, on a new, empty registry.
    for variable in ("DATABASE_URL", "LEADGATE_DATA_DIR", "LEADGATE_METRICS_PORT"):
        monkeypatch.delenv(variable, raising=False)
    mistyped = tmp_path / "d" / "mlfow.db"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{mistyped}")
    with socket.socket() as taken:  # so a serve that does not refuse stops at the port rather than serving
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        refused = CliRunner().invoke(app, ["serve", "--port", port, "--data-dir", str(tmp_path / "d")])
        monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path / 'e' / 'mlflow.db'}")
        own = CliRunner().invoke(app, ["serve", "--port", port, "--data-dir", str(tmp_path / "e")])
    said = " ".join(refused.output.split())
    assert refused.exit_code == 2 and "Traceback" not in said
    assert f"no MLflow registry at {mistyped} (MLFLOW_TRACKING_URI): no such file" in said
    assert "cannot listen" not in said and not mistyped.exists() and not (tmp_path / "d").exists()
    # A fresh data folder's own registry (not there yet) is no mistake: serve goes on, to the taken port here.
    assert "cannot listen on" in own.output, own.output
