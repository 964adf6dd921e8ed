"""Benchmark of POST /v1/leads on loopback (store write included) beside `mlflow models serve` of the same model.

Usage: python bench/service_bench.py [--rate 100] [--seconds 30] [--sat-seconds 15] [--workers 1,2] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from loadgen import build_request, closed_loop, open_loop  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
KEY = "bench-intake-key"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(url: str, seconds: float = 120, check=lambda body: True) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200 and check(response.read()):
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} not ready after {seconds} s")


def prepare(data_dir: Path, leads: int) -> tuple[str, str, list[str], list[str]]:
    """Train and register a champion; return its version, run id, lead JSON templates and feature rows."""
    from leadgate.decision.pipeline import DecisionPipeline
    from leadgate.decision.policy import load_policy
    from leadgate.features.schema import parse_lead
    from leadgate.settings import Settings
    from leadgate.training.data import history_from_records
    from leadgate.training.registry import log_training
    from leadgate.training.synth import generate_history
    from leadgate.training.train import train_model

    policy = load_policy()
    history = history_from_records(generate_history(n_leads=leads, seed=11, policy=policy))
    result = train_model(history, policy, seed=0)
    settings = Settings(data_dir=data_dir)
    registered = log_training(result, policy, settings, {"path": "bench", "leads": leads})
    # A second model as the challenger, for the shadow rows; its alias is set only while those run.
    challenger = log_training(train_model(history, policy, seed=1), policy, settings, {"path": "bench"})
    set_challenger(data_dir, None)
    new = generate_history(n_leads=2000, months=1, seed=12, policy=policy)
    templates = []
    for record in new:
        lead = {k: v for k, v in record.items() if k not in ("outcome", "scored_at")}
        lead["lead_id"] = "__ID__"
        templates.append(json.dumps(lead))
    matrix = (
        DecisionPipeline(policy, result.model).decide([parse_lead(json.loads(t)) for t in templates]).matrix
    )
    rows = [
        json.dumps(
            {
                "dataframe_split": {
                    "columns": list(result.model.builder.feature_names),
                    "data": [[None if v != v else v for v in row]],
                }
            }
        )
        for row in matrix.tolist()
    ]
    return registered.version, registered.run_id, templates, rows, challenger.version


def set_challenger(data_dir: Path, version: str | None) -> None:
    """Point the challenger alias at a version, or remove it (None)."""
    from mlflow import MlflowClient

    from leadgate.settings import Settings

    settings = Settings(data_dir=data_dir)
    client = MlflowClient(tracking_uri=settings.tracking_uri())
    if version is None:
        client.delete_registered_model_alias(settings.model_name, "challenger")
    else:
        client.set_registered_model_alias(settings.model_name, "challenger", version)


def shadow_counts(db: Path) -> tuple[int, int]:
    """(live decisions, challenger decisions) stored in a benchmark's SQLite store."""
    import sqlite3

    with sqlite3.connect(db) as connection:
        live = connection.execute("select count(*) from decisions").fetchone()[0]
        shadow = connection.execute("select count(*) from shadow_decisions").fetchone()[0]
    return live, shadow


def start_leadgate(data_dir: Path, port: int, workers: int, db: Path) -> subprocess.Popen:
    """`leadgate serve` in its own process group."""
    from leadgate.serving.auth import hash_key

    env = {
        **os.environ,
        "LEADGATE_DATA_DIR": str(data_dir),
        "DATABASE_URL": f"sqlite:///{db}",
        "LEADGATE_API_KEYS": json.dumps([{"name": "bench", "role": "intake", "sha256": hash_key(KEY)}]),
        # Counted as in production, never reached: the bench measures the limiter's cost, not its refusals.
        "LEADGATE_RATE_LIMIT_PER_KEY": "100000000/minute",
        "LEADGATE_RATE_LIMIT_PER_IP": "100000000/minute",
    }
    # serve creates only the data folder's own store: this run's, named by URL, is made first.
    subprocess.run(
        [str(BIN / "leadgate"), "migrate"], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL
    )
    command = [str(BIN / "leadgate"), "serve", "--port", str(port), "--workers", str(workers)]
    process = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL)
    _wait(f"http://127.0.0.1:{port}/readyz", check=lambda body: b'"model":"leadgate/' in body)
    return process


def start_mlflow(data_dir: Path, port: int, workers: int, model_uri: str) -> subprocess.Popen:
    """`mlflow models serve --env-manager local` of a model of the benchmarked run."""
    from leadgate.settings import Settings

    # MLflow starts `uvicorn` through a shell, so the venv must be on PATH.
    path = f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"
    env = {**os.environ, "PATH": path, "MLFLOW_TRACKING_URI": Settings(data_dir=data_dir).tracking_uri()}
    command = [
        str(BIN / "mlflow"), "models", "serve", "-m", model_uri, "--env-manager", "local",
        "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
    ]  # fmt: skip
    process = subprocess.Popen(
        command,
        env=env,
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _wait(f"http://127.0.0.1:{port}/ping")
    return process


def group_cpu_seconds(pgid: int) -> float:
    """CPU seconds used so far by every process of a process group (the server and its workers)."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # fields after the name: state, ppid, pgrp, ...
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def settle(process: subprocess.Popen, idle_share: float = 0.05, timeout: float = 90) -> None:
    """Wait until the server's processes are idle for a second: every worker has loaded and warmed up.

    /readyz answers as soon as one worker is up; a second one still importing and loading its model would
    take a core from the measured run.
    """
    deadline = time.monotonic() + timeout
    before = group_cpu_seconds(process.pid)
    while time.monotonic() < deadline:
        time.sleep(1.0)
        now = group_cpu_seconds(process.pid)
        if now - before <= idle_share:
            return
        before = now


def stop(process: subprocess.Popen) -> None:
    """End a server and its workers."""
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


SERVERS = (
    "leadgate",
    "mlflow serve: booster (baseline)",
    "mlflow serve: pipeline pyfunc",
    "leadgate + challenger in shadow",
)


def maker(server: str, port: int, templates: list[str], rows: list[str], tag: str):
    """Request factory: a unique lead id per request (a repeated id would be an idempotent replay)."""

    def leadgate(i: int) -> bytes:
        body = templates[i % len(templates)].replace("__ID__", f"{tag}-{i}").encode()
        return build_request("127.0.0.1", port, "/v1/leads", body, {"Authorization": f"Bearer {KEY}"})

    def booster(i: int) -> bytes:
        return build_request("127.0.0.1", port, "/invocations", rows[i % len(rows)].encode(), {})

    def pyfunc(i: int) -> bytes:
        lead = templates[i % len(templates)].replace("__ID__", f"{tag}-{i}")
        return build_request("127.0.0.1", port, "/invocations", json.dumps({"inputs": [lead]}).encode(), {})

    return dict(zip(SERVERS, (leadgate, booster, pyfunc, leadgate), strict=True))[server]


def cpu_ticks() -> tuple[int, int]:
    """(steal, total) CPU ticks of the machine so far, from /proc/stat's first line."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    steal = values[7] if len(values) > 7 else 0
    return steal, sum(values[:8])


def steal_share(before: tuple[int, int], after: tuple[int, int]) -> float:
    """Share of the CPU time between two readings that the hypervisor gave to other machines."""
    total = after[1] - before[1]
    return (after[0] - before[0]) / total if total > 0 else 0.0


def measure(make, port: int, args) -> dict:
    """Warm up, then open-loop at the fixed rate, then saturation with the fixed number of connections."""
    # This process holds the benchmarked model's training (mlflow, pandas, LightGBM: ~1M objects); a full
    # collection over them paused the load generator 0.5-1.5 s, which would show up as a server stall.
    gc.collect()
    gc.freeze()
    asyncio.run(closed_loop("127.0.0.1", port, lambda i: make(10**8 + i), 4, 3.0))
    start = cpu_ticks()
    opened = asyncio.run(open_loop("127.0.0.1", port, make, args.rate, args.seconds))
    middle = cpu_ticks()
    saturated = asyncio.run(closed_loop("127.0.0.1", port, make, args.concurrency, args.sat_seconds))
    end = cpu_ticks()
    return {
        # On a VM, time the host gives to other guests stalls every process at once: the open loop's p99
        # and the saturation figure are only comparable between rows run with similar steal.
        "steal_open": steal_share(start, middle),
        "steal_saturation": steal_share(middle, end),
        "p50_ms": opened.percentile(50),
        "p99_ms": opened.percentile(99),
        "errors": opened.errors,
        "achieved_rps": opened.throughput,
        "saturation_rps": saturated.throughput,
        "saturation_p50_ms": saturated.percentile(50),
        "saturation_errors": saturated.errors,
        "statuses": {**opened.statuses},
        # When the open loop's slow answers were sent (seconds into the run): a stall shows as one burst.
        "slow_answers": opened.slow[:50],
        "slow_count": len(opened.slow),
        "error_kinds": {
            **opened.error_kinds,
            **{f"saturation {k}": v for k, v in saturated.error_kinds.items()},
        },
    }


SHORT_NAMES = dict(zip(("leadgate", "baseline", "pyfunc", "shadow"), SERVERS, strict=True))


def _chosen_servers(parser: argparse.ArgumentParser, servers: str) -> list[str]:
    """The servers named by --servers, in the table's order."""
    if servers == "all":
        return list(SERVERS)
    names = [name.strip() for name in servers.split(",")]
    unknown = [name for name in names if name not in SHORT_NAMES]
    if unknown:
        parser.error(f"unknown server {', '.join(unknown)}; choose from {', '.join(SHORT_NAMES)}")
    return [SHORT_NAMES[name] for name in names]


def main() -> None:
    """Run every configuration and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--sat-seconds", type=float, default=15.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--leads", type=int, default=20_000, help="history to train the benchmarked model on")
    parser.add_argument("--quick", action="store_true", help="5 s runs, for a smoke test")
    parser.add_argument(
        "--servers",
        default="all",
        help="comma-separated subset of: leadgate, baseline, pyfunc, shadow (default all)",
    )
    args = parser.parse_args()
    if args.quick:
        args.seconds, args.sat_seconds, args.leads = 5.0, 5.0, 5000
    chosen = _chosen_servers(parser, args.servers)
    from rich.console import Console
    from rich.table import Table

    console = Console(width=150)
    work = Path(tempfile.mkdtemp(prefix="leadgate-bench-"))
    try:
        with console.status("training the benchmarked model"):
            version, run_id, templates, feature_rows, challenger = prepare(work / "data", args.leads)
        uris = {SERVERS[1]: f"runs:/{run_id}/booster", SERVERS[2]: f"models:/leadgate/{version}"}
        rows = []
        for workers in [int(w) for w in args.workers.split(",")]:
            for number, server in enumerate(SERVERS):
                if server not in chosen:
                    continue
                port = _free_port()
                shadowed = server == SERVERS[3]
                db = work / f"decisions-{workers}-{number}.db"
                with console.status(f"{server}, {workers} worker(s)"):
                    if server.startswith("leadgate"):
                        set_challenger(work / "data", challenger if shadowed else None)
                        process = start_leadgate(work / "data", port, workers, db)
                    else:
                        process = start_mlflow(work / "data", port, workers, uris[server])
                    try:
                        settle(process)
                        make = maker(server, port, templates, feature_rows, f"w{workers}-s{number}")
                        figures = measure(make, port, args)
                    finally:
                        stop(process)
                if shadowed:
                    set_challenger(work / "data", None)
                    figures["live_decisions"], figures["shadow_decisions"] = shadow_counts(db)
                rows.append({"server": server, "workers": workers, **figures})
        _print(console, Table, rows, args)
        out = ROOT / "bench" / "out"
        out.mkdir(parents=True, exist_ok=True)
        (out / "service.json").write_text(json.dumps({"args": vars(args), "rows": rows}, indent=2))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _print(console, Table, rows: list[dict], args) -> None:
    info = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in info if "model name" in line), "?")
    console.print(f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}")
    table = Table(title=f"POST on loopback: open loop {args.rate:.0f} req/s × {args.seconds:.0f} s, "
                  f"saturation {args.concurrency} connections × {args.sat_seconds:.0f} s")  # fmt: skip
    columns = (
        "server",
        "workers",
        "p50 ms",
        "p99 ms",
        "errors",
        "sat. req/s",
        "× baseline",
        "steal %",
        "targets",
    )
    for column in columns:
        table.add_column(column, justify="left" if column in ("server", "targets") else "right")
    baseline = {r["workers"]: r["saturation_rps"] for r in rows if r["server"] == SERVERS[1]}
    for r in rows:
        ratio = r["saturation_rps"] / baseline[r["workers"]] if baseline.get(r["workers"]) else float("nan")
        verdict = ""
        if "shadow_decisions" in r:
            verdict = f"challenger scored {r['shadow_decisions']:,} of {r['live_decisions']:,} leads"
        elif r["server"] == "leadgate":
            ok = r["p50_ms"] <= 8 and r["p99_ms"] <= 25 and ratio >= 3 and r["errors"] == 0
            verdict = "PASS" if ok else "FAIL"
        table.add_row(
            r["server"], str(r["workers"]), f"{r['p50_ms']:.1f}", f"{r['p99_ms']:.1f}", str(r["errors"]),
            f"{r['saturation_rps']:.0f}", f"{ratio:.2f}",
            f"{100 * r['steal_open']:.1f} / {100 * r['steal_saturation']:.1f}", verdict,
        )  # fmt: skip
    console.print(table)
    console.print("targets: p50 ≤ 8 ms, p99 ≤ 25 ms at the fixed rate, no errors, saturation ≥ 3× baseline")
    console.print("steal %: CPU time the hypervisor gave to other guests during the open loop / saturation")


if __name__ == "__main__":
    main()
