"""Benchmark of the decision pipeline against bare LightGBM on the same features, batch and single lead.

Usage: python bench/pipeline_bench.py [--leads 200000] [--single 2000] [--seed 0]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import lightgbm
import numpy as np
from rich.console import Console
from rich.table import Table

from leadgate.decision.gates import run_gates
from leadgate.decision.pipeline import DecisionPipeline
from leadgate.decision.policy import load_policy
from leadgate.decision.reasons import TOP_NEGATIVE, TOP_POSITIVE, top_families
from leadgate.decision.routing import band_routes, combine_routes
from leadgate.features.derived import derive
from leadgate.features.schema import parse_lead
from leadgate.features.table import build_table
from leadgate.training.data import history_from_records
from leadgate.training.synth import generate_history
from leadgate.training.train import train_model

OUT = Path(__file__).resolve().parent / "out" / "pipeline.json"
SUBSET = 20_000  # leads for the parse_lead sample and the per-stage breakdown
WARMUP = 50
BUSY_SHARE = 0.05  # CPU share of other processes (in cores) above which the figures are suspect
console = Console(width=None if sys.stdout.isatty() else 150)


def machine_facts() -> dict:
    """CPU, cores, load and library versions of this machine."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "lightgbm": lightgbm.__version__,
        "numpy": np.__version__,
        "platform": platform.platform(),
        "load_average_at_start": os.getloadavg(),
    }


def system_busy_seconds() -> float:
    """CPU seconds all processes have used since boot, from /proc/stat (0 where it is missing)."""
    try:
        ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except OSError:
        return 0.0
    idle = ticks[3] + ticks[4]  # idle + iowait
    return (sum(ticks) - idle) / os.sysconf("SC_CLK_TCK")


def others_cpu(seconds: float = 1.0) -> float:
    """Cores' worth of CPU that other processes use now, sampled over `seconds` while this one sleeps."""
    start = system_busy_seconds()
    time.sleep(seconds)
    return (system_busy_seconds() - start) / seconds


def settle() -> None:
    """Collect garbage, then freeze survivors so the cyclic GC does not rescan the input heap while timing."""
    gc.collect()
    gc.freeze()


def cpu_seconds() -> float:
    """User plus system CPU time of this process (all threads)."""
    times = os.times()
    return times.user + times.system


def timed(function, *args, **kwargs):
    """(result, wall seconds, CPU seconds) of one call."""
    cpu, start = cpu_seconds(), time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start, cpu_seconds() - cpu


def percentiles(seconds: list[float]) -> tuple[float, float]:
    """p50 and p99 in milliseconds."""
    p50, p99 = np.percentile(np.asarray(seconds) * 1000, [50, 99])
    return float(p50), float(p99)


def peak_rss_mib() -> float:
    """Peak resident set size of this process in MiB (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _fmt(value, unit: str) -> str:
    if isinstance(value, str):
        return value
    formats = {
        "cores": "{:.2f} cores",
        "ms": "{:.3f} ms",
        "µs": "{:,.1f} µs",
        "rows/s": "{:,.0f} rows/s",
        "MiB": "{:,.0f} MiB",
        "s": "{:.2f} s",
    }
    return formats.get(unit, "{:.4f}").format(value)


class Report:
    """Rows of the result table, kept as numbers for the JSON file and rendered as text for the screen."""

    def __init__(self) -> None:
        self.rows: list[dict] = []

    def add(self, name, value, unit="", baseline=None, target=None, passed=None, note="", **extra) -> None:
        """One measurement; `passed` is None for informational rows."""
        ratio = value / baseline if baseline else None
        row = {"measurement": name, "value": value, "unit": unit, "baseline": baseline, "ratio": ratio}
        self.rows.append({**row, "target": target, "pass": passed, "note": note, **extra})

    def table(self, title: str) -> Table:
        """The rows as a rich table."""
        table = Table(title=title, title_justify="left")
        for column in ("measurement", "value", "baseline", "ratio", "target", "result"):
            table.add_column(column, justify="left" if column == "measurement" else "right")
        for row in self.rows:
            verdict = {True: "[green]PASS[/]", False: "[bold red]FAIL[/]", None: "info"}[row["pass"]]
            table.add_row(
                row["measurement"],
                _fmt(row["value"], row["unit"]) + (f" {row['note']}" if row["note"] else ""),
                "" if row["baseline"] is None else _fmt(row["baseline"], row["unit"]),
                "" if row["ratio"] is None else f"{row['ratio']:.2f}×",
                row["target"] or "",
                verdict,
            )
        return table


def bare_row(booster, row: np.ndarray) -> None:
    """The single-row baseline: raw score plus TreeSHAP on a 1×F float64 row, one thread."""
    booster.predict(row, raw_score=True, num_threads=1)
    booster.predict(row, pred_contrib=True, num_threads=1)


def stage_breakdown(pipeline: DecisionPipeline, leads: list) -> dict[str, float]:
    """Seconds per stage of `decide` on these leads, each stage called the way decide calls it."""
    policy, model = pipeline.policy, pipeline.model
    table, t_table, _ = timed(build_table, leads, datetime.now(UTC))
    derived, t_derive, _ = timed(derive, table, policy.signal_rules)
    gates, t_gates, _ = timed(run_gates, derived, policy)
    matrix, t_transform, _ = timed(model.builder.transform, derived)
    contributions, t_contrib, _ = timed(model.contributions, matrix)

    def rest() -> None:
        p_sql = model.calibrate(contributions.sum(axis=1))
        by_family = pipeline.book.by_family(contributions)
        top_families(by_family, negative=True, k=TOP_NEGATIVE)
        top_families(by_family, negative=False, k=TOP_POSITIVE)
        model_route = band_routes(p_sql, pipeline.thresholds)
        combine_routes(model_route, np.full(len(leads), "model", dtype=object), gates, policy)

    _, t_rest, _ = timed(rest)
    return {
        "build_table": t_table,
        "derive (signals)": t_derive,
        "run_gates": t_gates,
        "builder.transform": t_transform,
        "contributions (TreeSHAP)": t_contrib,
        "calibration, reason picks, routes": t_rest,
    }


def main() -> int:
    """Run every stage once and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=200_000, help="synthetic leads to generate and score")
    parser.add_argument("--single", type=int, default=2000, help="single-lead decisions to time")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    n = args.leads
    facts = machine_facts()
    console.print(
        f"[bold]leadgate pipeline bench[/]  cpu: {facts['cpu']}  cores: {facts['cores']}  "
        f"python {facts['python']}  lightgbm {facts['lightgbm']}  numpy {facts['numpy']}"
    )
    busy_now = others_cpu()
    console.print(
        f"leads: {n:,}  single-lead timings: {args.single:,}  seed: {args.seed}  "
        f"other processes now: {busy_now:.2f} cores"
    )
    if busy_now > BUSY_SHARE:
        console.print(f"[yellow]warning: other processes use {busy_now:.2f} cores: figures may be skewed[/]")
    busy_start, own_start = system_busy_seconds(), cpu_seconds()
    report = Report()
    policy = load_policy()
    bench_start = time.perf_counter()

    # 1. Synthetic history, then validation through pydantic.
    console.print("1/5 generating and validating …")
    records, t_gen, _ = timed(generate_history, n, seed=args.seed, policy=policy)
    report.add(f"synthetic generation ({n:,} leads)", t_gen, "s")
    settle()
    history, t_val, _ = timed(history_from_records, records)
    per_lead = t_val / len(history.leads) * 1e6
    report.add("validation: history_from_records", t_val, "s", note=f"({per_lead:,.0f} µs/lead)")
    step = max(1, len(records) // SUBSET)  # spread over the history: later leads carry more events
    sample = [{k: v for k, v in r.items() if k != "outcome"} for r in records[::step][:SUBSET]]
    del records
    settle()
    _, t_parse, _ = timed(list, map(parse_lead, sample))
    report.add(f"  parse_lead alone, per lead ({len(sample):,} sample)", t_parse / len(sample) * 1e6, "µs")
    del sample

    # 2. Training, split by the stages train_model reports.
    console.print("2/5 training …")
    settle()
    marks: list[tuple[str, float]] = []
    start = time.perf_counter()
    result, t_train, _ = timed(
        train_model, history, policy, args.seed, lambda m: marks.append((m, time.perf_counter()))
    )
    report.add("train_model", t_train, "s", target="≤ 120 s", passed=t_train <= 120)
    ends = [t for _, t in marks[1:]] + [start + t_train]
    for (message, begin), end in zip(marks, ends, strict=True):
        report.add(f"  train: {message}", end - begin, "s")
    sizes = ", ".join(
        f"{c['num_leaves']}L/{c['trees']}T/h{c.get('recency_half_life') or 0}"
        f"{'/lin' if c.get('linear_start') else ''}/{c['valid_auc']:.4f}"
        for c in result.candidates
    )
    report.add(
        "  train: size candidates (leaves/trees/recency half-life, 0 none/lin: linear start/valid AUC)", sizes
    )
    model, booster = result.model, result.model.booster
    # With a linear start, decide adds its terms to pred_contrib: the bare baseline below is the trees alone.
    start = " + linear start" if model.linear is not None else ""
    report.add(
        "model size (trees × leaves)", f"{booster.num_trees()} × {result.booster_params['num_leaves']}{start}"
    )
    report.add("held-out test ROC-AUC (gates + model)", result.metrics["test.system.roc_auc"])
    report.add("validation ROC-AUC (model alone)", result.metrics["valid.model.roc_auc"])
    del result

    # 3. Whole batch: pipeline (decide + records) vs bare LightGBM on the same matrix, all cores.
    console.print("3/5 batch scoring …")
    leads = history.leads
    rows = len(leads)
    pipeline = DecisionPipeline(policy, model)
    pipeline.decide_records(leads[:2000])  # warm caches and code paths
    settle()
    (decisions, rendered), t_pipe, c_pipe = timed(pipeline.decide_records, leads)
    assert len(rendered) == rows
    del rendered, decisions
    settle()
    decisions, t_decide, c_decide = timed(pipeline.decide, leads)
    rendered, t_records, c_records = timed(decisions.records)
    del rendered
    matrix = decisions.matrix
    settle()
    _, t_raw, c_raw = timed(booster.predict, matrix, raw_score=True, num_threads=0)
    _, t_contrib, c_contrib = timed(booster.predict, matrix, pred_contrib=True, num_threads=0)
    t_bare = t_raw + t_contrib
    report.add(
        "batch: decide_records (decisions + every record)",
        t_pipe,
        "s",
        baseline=t_bare,
        target="ratio ≤ 1.5",
        passed=t_pipe / t_bare <= 1.5,
        note=f"({rows / t_pipe:,.0f} rows/s)",
        cpu_s=c_pipe,
    )
    report.add(
        "  decide() only", t_decide, "s", t_bare, note=f"({rows / t_decide:,.0f} rows/s)", cpu_s=c_decide
    )
    report.add(
        "  records() of that, after it",
        t_records,
        "s",
        t_bare,
        note=f"({rows / t_records:,.0f} rows/s)",
        cpu_s=c_records,
    )
    report.add(
        "  decide() + records() one after the other",
        t_decide + t_records,
        "s",
        t_bare,
        note="(no overlap of rendering with TreeSHAP)",
    )
    report.add(
        "  bare LightGBM raw + contrib",
        t_bare,
        "s",
        note=f"({rows / t_bare:,.0f} rows/s)",
        cpu_s=c_raw + c_contrib,
    )
    report.add("  bare raw_score only", t_raw, "s", note=f"({rows / t_raw:,.0f} rows/s)", cpu_s=c_raw)
    report.add(
        "  bare pred_contrib only (what decide calls)",
        t_contrib,
        "s",
        note=f"({rows / t_contrib:,.0f} rows/s)",
        cpu_s=c_contrib,
    )
    report.add("  decide_records vs bare pred_contrib only", t_pipe, "s", t_contrib)

    # 4. Where decide's time goes, on a subset (signal caches are warm by now).
    console.print("4/5 stage breakdown …")
    subset = leads[:: max(1, rows // SUBSET)][:SUBSET]
    settle()
    for stage, seconds in stage_breakdown(pipeline, subset).items():
        report.add(f"  decide stage: {stage}, per lead ({len(subset):,})", seconds / len(subset) * 1e6, "µs")

    # 5. One lead at a time: the API path, vs bare single-row LightGBM on one thread.
    console.print("5/5 single leads …")
    rng = np.random.default_rng(args.seed)
    count = min(args.single, rows)
    picked = rng.choice(rows, size=count, replace=False)
    warm_leads = [leads[i] for i in rng.choice(rows, size=min(WARMUP, rows), replace=False)]
    single_leads = [leads[i] for i in picked]
    x_rows = np.ascontiguousarray(matrix[picked], dtype=np.float64)
    del decisions, matrix, leads, subset, history
    settle()
    for i, lead in enumerate(warm_leads):
        pipeline.decide([lead]).record(0)
        bare_row(booster, x_rows[i % count : i % count + 1])
    pipe_times, bare_times = [], []
    for i, lead in enumerate(single_leads):
        start = time.perf_counter()
        pipeline.decide([lead]).record(0)
        pipe_times.append(time.perf_counter() - start)
        row = x_rows[i : i + 1]
        start = time.perf_counter()
        bare_row(booster, row)
        bare_times.append(time.perf_counter() - start)
    pipe_p50, pipe_p99 = percentiles(pipe_times)
    bare_p50, bare_p99 = percentiles(bare_times)
    report.add("single lead p50: decide([lead]).record(0)", pipe_p50, "ms", bare_p50, "≤ 5 ms", pipe_p50 <= 5)
    report.add("single lead p99", pipe_p99, "ms", bare_p99)

    # 6. Memory and the run itself.
    report.add("peak RSS", peak_rss_mib(), "MiB")
    wall = time.perf_counter() - bench_start
    report.add("bench wall time", wall, "s")
    others = max((system_busy_seconds() - busy_start) - (cpu_seconds() - own_start), 0.0) / wall
    report.add("CPU used by other processes during the run", others, "cores", target=f"quiet: ≤ {BUSY_SHARE}")
    facts["others_cores_at_start"] = busy_now
    facts["load_average_at_end"] = os.getloadavg()

    console.print(
        report.table(f"pipeline bench — {n:,} leads, {count:,} single leads, {facts['cores']} cores")
    )
    loads = facts["load_average_at_start"][0], facts["load_average_at_end"][0]
    console.print(f"1-minute load average at start {loads[0]:.2f}, at end {loads[1]:.2f}")
    if others > BUSY_SHARE:
        console.print(
            f"[yellow]warning: other processes used {others:.2f} cores on average: figures are suspect[/]"
        )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    payload = {"machine": facts, "args": vars(args), "rows": report.rows}
    OUT.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    console.print(f"written {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
