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
import os
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script: `bench` from the repository

from bench.durability import Tally, kill_cycle, outage_run, postgres_schema  # noqa: E402
from bench.durability_client import KEY, server_env  # noqa: E402
from leadgate.serving.examples import LEAD_EXAMPLE  # noqa: E402

COLUMNS = (
    "store", "run", "sent", "req/s", "acknowledged", "stored", "ack. but lost", "stored, unack.",
    "no answer", "5xx", "retries → status", "wrong retries", "recovery s",
)  # fmt: skip
KILL_EVERY = 0.2  # seconds between two rounds of pg_terminate_backend in the connection-outage run
# The API docs' example lead, with a placeholder for each request's own id.
LEAD = {**LEAD_EXAMPLE, "lead_id": "__ID__"}


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
                # serve creates only the data folder's own store: this run's, named by URL, is made first.
                subprocess.run([sys.executable, "-m", "leadgate", "migrate"], env=env, check=True)
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
