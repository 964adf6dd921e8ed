"""How long a person waits for a model: `leadgate decide` and `leadgate.load()` in fresh processes.

Usage: python bench/load_bench.py [--repeats 5] [--leads 20000]

Baseline, measured in the same run: a fresh process that only imports mlflow and lightgbm, the least any
loader of a registered LightGBM model pays before it reads one byte of the model.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

OUT = Path(__file__).resolve().parent / "out" / "load.json"
PYTHON = sys.executable
LEADGATE = str(Path(PYTHON).with_name("leadgate"))
console = Console(width=None if sys.stdout.isatty() else 150)


def timed_run(command: list[str], env: dict) -> float:
    """Wall seconds of one fresh process; a failure stops the bench with its output."""
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return elapsed


def median_of(command: list[str], env: dict, repeats: int) -> tuple[float, float]:
    """Median and max wall seconds over `repeats` fresh processes."""
    times = [timed_run(command, env) for _ in range(repeats)]
    return statistics.median(times), max(times)


def prepare(folder: Path, leads: int) -> tuple[Path, dict]:
    """A trained and registered champion in `folder`, and one lead file."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "MLFLOW_TRACKING_URI")}
    env["LEADGATE_DATA_DIR"] = str(folder / "data")
    history = folder / "history.jsonl.gz"
    subprocess.run(
        [LEADGATE, "synth", "--n", str(leads), "--out", str(history)],
        env=env,
        check=True,
        capture_output=True,
    )
    subprocess.run([LEADGATE, "train", "--data", str(history)], env=env, check=True, capture_output=True)
    lead = folder / "lead.json"
    lead.write_text(
        json.dumps(
            {
                "lead_id": "bench-1",
                "created_at": "2026-11-01T09:00:00Z",
                "contact": {"email": "dana@acme-robotics.com", "job_title": "VP Sales"},
                "company": {"employees": 300, "country": "US"},
            }
        )
    )
    return lead, env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--leads", type=int, default=20_000, help="history size the model is trained on")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        console.print(f"training a model on {args.leads:,} synthetic leads …")
        lead, env = prepare(folder, args.leads)
        rows = {
            "bare: import mlflow, lightgbm": [PYTHON, "-c", "import mlflow, lightgbm"],
            "leadgate --help": [LEADGATE, "--help"],
            "leadgate.load() (alias champion)": [PYTHON, "-c", "import leadgate; leadgate.load()"],
            "leadgate decide lead.json": [LEADGATE, "decide", str(lead)],
        }
        figures = {name: median_of(command, env, args.repeats) for name, command in rows.items()}
    baseline = figures["bare: import mlflow, lightgbm"][0]
    table = Table(title=f"model loading, fresh processes, median of {args.repeats} (cores: {os.cpu_count()})")
    for column in ("measurement", "median s", "max s", "vs bare imports"):
        table.add_column(column, justify="left" if column == "measurement" else "right")
    for name, (median, worst) in figures.items():
        table.add_row(name, f"{median:.2f}", f"{worst:.2f}", f"{median / baseline:.2f}×")
    console.print(table)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        json.dumps({name: {"median_s": m, "max_s": w} for name, (m, w) in figures.items()}, indent=2)
    )
    console.print(f"written {OUT}")


if __name__ == "__main__":
    main()
