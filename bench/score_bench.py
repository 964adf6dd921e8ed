"""Streaming batch scoring: `leadgate score`'s end-to-end speed and peak memory against `decide_records` alone.

    make bench-score                                  # 1,000,000 leads (and 100,000 for the memory slope)
    .venv/bin/python bench/score_bench.py --n 50000   # smoke run

Each measurement runs in a fresh child process, so its peak RSS is its own: `score` (JSON lines in, Parquet
out, as the CLI runs it) on N/10 and on N leads, and the pipeline alone (`decide_records` on the same N leads,
already validated, in blocks of 100,000) on N leads.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
from pipeline_bench import cpu_seconds, machine_facts, others_cpu, system_busy_seconds  # noqa: E402

console = Console(width=None if sys.stdout.isatty() else 150)
GENERATE_BLOCK = 50_000  # leads generated at a time, so a million never sit in this process at once
DECIDE_BLOCK = 100_000  # leads per decide_records call of the baseline


def prepare(folder: Path, n: int, small: int, train_leads: int) -> tuple[Path, Path, Path]:
    """Train and register a champion in `folder`; write N new leads (and the first `small` of them) as JSONL."""
    from leadgate.decision.policy import load_policy
    from leadgate.settings import Settings
    from leadgate.training.data import history_from_records
    from leadgate.training.registry import log_training
    from leadgate.training.synth import generate_history
    from leadgate.training.train import train_model

    policy, data_dir = load_policy(), folder / "data"
    history = history_from_records(generate_history(n_leads=train_leads, seed=11, policy=policy))
    log_training(train_model(history, policy, seed=0), policy, Settings(data_dir=data_dir), {"path": "bench"})
    del history
    big, little = folder / f"leads-{n}.jsonl", folder / f"leads-{small}.jsonl"
    written = 0
    with big.open("w") as out_big, little.open("w") as out_small:
        for block in range(-(-n // GENERATE_BLOCK)):
            count = min(GENERATE_BLOCK, n - written)
            # One seed per block: distinct leads and ids (the id carries the seed), as a real file has.
            for record in generate_history(n_leads=count, months=1, seed=1000 + block, policy=policy):
                record.pop("outcome"), record.pop("scored_at", None)  # new leads, decided now
                line = json.dumps(record) + "\n"
                out_big.write(line)
                if written < small:
                    out_small.write(line)
                written += 1
    return data_dir, little, big


def memory_mib(field: str) -> float:
    """This process's VmRSS (now) or VmHWM (peak) in MiB, from /proc/self/status (0 where it is missing)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run_child(*args: str) -> dict:
    """Run this script as a child measurement; its JSON report, with its CPU seconds."""
    child = subprocess.Popen([sys.executable, __file__, "--child", *args], stdout=subprocess.PIPE, text=True)
    output = child.stdout.read()
    # wait4's ru_maxrss is no use here: Linux carries the forking parent's peak over into the child's.
    _, status, usage = os.wait4(child.pid, 0)
    if status != 0:
        raise SystemExit(f"child {args[0]} failed ({status})")
    report = json.loads(output.strip().splitlines()[-1])
    report["cpu_s"] = usage.ru_utime + usage.ru_stime
    return report


def child_score(data_dir: Path, source: Path) -> dict:
    """`leadgate score`'s own function, timed without the model load."""
    from leadgate.serving.batch import score_file
    from leadgate.serving.model_loading import load_by_alias
    from leadgate.settings import Settings

    pipeline = load_by_alias(Settings(data_dir=data_dir)).pipeline()
    loaded = memory_mib("VmRSS")
    start, cpu = time.perf_counter(), cpu_seconds()
    summary = score_file(
        pipeline, source, source.with_suffix(".decisions.parquet"), on_progress=lambda k: None
    )
    seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    return {
        "seconds": seconds,
        "cpu_timed_s": cpu,
        "rows": summary.rows,
        "chunks": summary.chunks,
        **_memory(loaded),
    }


def _memory(loaded: float) -> dict:
    return {"loaded_rss_mib": loaded, "peak_rss_mib": memory_mib("VmHWM")}


def child_decide(data_dir: Path, source: Path) -> dict:
    """The pipeline alone: decide_records on the same leads, validated beforehand (not timed)."""
    from leadgate import runtime
    from leadgate.features.schema import parse_lead
    from leadgate.serving.model_loading import load_by_alias
    from leadgate.settings import Settings

    pipeline = load_by_alias(Settings(data_dir=data_dir)).pipeline()
    loaded = memory_mib("VmRSS")
    seconds, cpu, rows = 0.0, 0.0, 0
    with source.open() as handle:
        while True:
            with runtime.paused_gc():
                leads = [
                    parse_lead(json.loads(line)) for _, line in zip(range(DECIDE_BLOCK), handle, strict=False)
                ]
            if not leads:
                break
            runtime.freeze_long_lived()  # as pipeline_bench: the collector does not rescan the leads while timed
            start, started_cpu = time.perf_counter(), cpu_seconds()
            pipeline.decide_records(leads)
            seconds, cpu = seconds + time.perf_counter() - start, cpu + cpu_seconds() - started_cpu
            rows += len(leads)
            del leads
    return {"seconds": seconds, "cpu_timed_s": cpu, "rows": rows, **_memory(loaded)}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=1_000_000, help="leads scored (default 1,000,000)")
    parser.add_argument("--train-leads", type=int, default=50_000, help="synthetic history the model learns")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, data_dir, source = args.child
        report = (child_score if kind == "score" else child_decide)(Path(data_dir), Path(source))
        print(json.dumps(report))
        return 0

    small = max(1, args.n // 10)
    facts = machine_facts()
    console.print(
        f"{facts['cpu']}, {facts['cores']} cores, Python {facts['python']}, LightGBM {facts['lightgbm']}"
    )
    console.print(f"other processes before the run: {others_cpu():.2f} cores busy")
    with tempfile.TemporaryDirectory(prefix="leadgate-score-bench-") as tmp:
        folder = Path(tmp)
        with console.status(f"training on {args.train_leads:,} leads, writing {args.n:,} new ones"):
            data_dir, little, big = prepare(folder, args.n, small, args.train_leads)
        busy, clock, own = system_busy_seconds(), time.perf_counter(), 0.0
        results = {}
        for label, kind, source in (
            ("small", "score", little),
            ("score", "score", big),
            ("decide", "decide", big),
        ):
            with console.status(f"{kind} on {source.name}"):
                results[label] = report = run_child(kind, str(data_dir), str(source))
            own += report["cpu_s"]
        others = (system_busy_seconds() - busy - own) / (time.perf_counter() - clock)
        size_mib = big.stat().st_size / 2**20
    print_table(args.n, small, size_mib, results, others)
    out = BENCH / "out" / "score.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(
        json.dumps({"machine": facts, "n": args.n, "results": results, "others_cpu": others}, indent=2)
    )
    return 0


def print_table(n: int, small: int, size_mib: float, results: dict, others: float) -> None:
    """The benchmark's one table."""
    score, little, decide = results["score"], results["small"], results["decide"]
    speed = {key: r["rows"] / r["seconds"] for key, r in results.items()}
    ratio = (score["seconds"] / score["rows"]) / (decide["seconds"] / decide["rows"])
    growth = (score["peak_rss_mib"] - little["peak_rss_mib"]) * 2**20 / max(1, n - small)
    table = Table(title=f"leadgate score, JSON lines ({size_mib:,.0f} MiB) → Parquet, streamed")
    for column in ("measurement", "value", "target"):
        table.add_column(column)
    table.add_row(
        f"score: {small:,} leads, end to end",
        f"{speed['small']:,.0f} leads/s, peak RSS {little['peak_rss_mib']:,.0f} MiB"
        f" ({little['loaded_rss_mib']:,.0f} with the model loaded)",
        "",
    )
    table.add_row(
        f"score: {n:,} leads, end to end",
        f"{speed['score']:,.0f} leads/s ({score['seconds']:.1f} s, {score['chunks']} chunks), peak RSS {score['peak_rss_mib']:,.0f} MiB"
        f" ({score['loaded_rss_mib']:,.0f} with the model loaded)",
        "",
    )
    table.add_row(f"peak RSS growth per lead, {small:,} → {n:,}", f"{growth:,.1f} bytes", "≈ 0 (flat)")
    table.add_row(
        f"decide_records alone on the same {n:,} leads",
        f"{speed['decide']:,.0f} leads/s ({decide['seconds']:.1f} s), peak RSS {decide['peak_rss_mib']:,.0f} MiB",
        "",
    )
    table.add_row(
        "ratio: score time / decide_records time",
        f"{ratio:.2f}×",
        "≤ 1.5× " + ("PASS" if ratio <= 1.5 else "FAIL"),
    )
    cpu_ratio = score["cpu_timed_s"] / decide["cpu_timed_s"]
    table.add_row(
        "CPU seconds (all threads) of the timed part, score / decide_records",
        f"{cpu_ratio:.2f}×",
        "info",
    )
    table.add_row("CPU used by other processes during the run", f"{others:.2f} cores", "quiet: ≤ 0.05")
    console.print(table)


if __name__ == "__main__":
    raise SystemExit(main())
