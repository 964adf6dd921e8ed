"""Measure a leadgate checkout against its plain baselines on the nine generated export shapes.

    .venv/bin/python bench/shapes/measure.py [--repo CHECKOUT] --seeds 0 1 2 --draws 3 [--shapes a b ...]
    .venv/bin/python bench/shapes/measure.py --compare bench/out/shapes-a.json bench/out/shapes-b.json

Each shape runs in a subprocess of <repo>/.venv/bin/python (that checkout's own code), one shape at a time,
all seeds in one process (the export is read and mapped once). The data is generated on first use, with the
checkout's python, into .leadgate/bench-shapes/data (draw k: data-drawk). Per run:
.leadgate/bench-shapes/runs/<name>/<shape>-<seed>/ (result.json, all_metrics.json, or error.txt).
Summary: bench/out/shapes-<name>.json. Any python with the standard library runs this file.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SCRATCH = ROOT / ".leadgate" / "bench-shapes"  # git-ignored; regenerated on demand
sys.path.insert(0, str(ROOT))  # run as a script: `bench` from the repository

from bench.shapes.report import fmt, print_comparison, print_table, summarize  # noqa: E402


def ensure_data(data: Path, python: Path, draw: int = 0) -> None:
    """Generate one draw of the shapes into data unless it is there already."""
    if (data / "shapes.json").exists():
        return
    print(f"generating shapes (draw {draw}) into {data} with {python}", flush=True)
    subprocess.run(
        [str(python), str(HERE / "generate.py"), "--out", str(data), "--data-seed", str(draw)], check=True
    )


def draw_dir(data: Path, draw: int) -> Path:
    """Draw 0 lives in data/, draw k in the sibling data-drawk/."""
    return data if draw == 0 else data.with_name(f"{data.name}-draw{draw}")


def run_shape(python, repo, data, shape, draw, seeds, runs_dir, timeout, sets=()) -> list[dict]:
    """One worker process: one shape of one data draw, every seed."""
    tag = shape["name"] if draw == 0 else f"{shape['name']}-draw{draw}"
    cmd = [str(python), str(HERE / "worker.py"), "--export", str(data / shape["file"]),
           "--mapping", str(data / shape["mapping"]), "--split", shape.get("split", "auto"),
           "--seeds", *map(str, seeds), "--out-dir", str(runs_dir), "--shape", tag]  # fmt: skip
    if shape.get("truth") and (data / shape["truth"]).exists():
        cmd += ["--truth", str(data / shape["truth"])]
    for assignment in sets:
        cmd += ["--set", assignment]
    policy = data / f"{shape['name']}.policy.yaml"
    if policy.exists():
        cmd += ["--policy", str(policy)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=str(repo), timeout=timeout)
    except subprocess.TimeoutExpired:
        return [
            {"shape": tag, "seed": s, "draw": draw, "error": f"timeout after {timeout:.0f}s"} for s in seeds
        ]
    (runs_dir / f"{tag}.stderr.txt").write_text(proc.stderr)
    runs = [json.loads(line[7:]) for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    done = {r["seed"] for r in runs}
    for seed in seeds:
        if seed not in done:  # the worker itself died
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-6:]
            runs.append(
                {
                    "shape": tag,
                    "seed": seed,
                    "error": f"worker exit {proc.returncode}",
                    "traceback_tail": tail,
                }
            )
    for r in runs:
        r["draw"] = draw
    return runs


def git(repo: Path, *args: str) -> str:
    """A git command's output in the checkout (empty when it is not a git checkout)."""
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True).stdout.strip()


def measure(args) -> None:
    """Every shape × draw × seed on one checkout; print the table and write the summary JSON."""
    repo = Path(args.repo).resolve()
    python = repo / ".venv" / "bin" / "python"
    if not python.exists():
        sys.exit(f"{python} missing: run `make install` in {repo}")
    name = args.name or repo.name
    data = Path(args.data).resolve()  # the worker runs in the checkout, so every path must be absolute
    for draw in range(args.draws):
        ensure_data(draw_dir(data, draw), python, draw)
    shapes = json.loads((data / "shapes.json").read_text())
    if args.shapes:
        shapes = [s for s in shapes if s["name"] in args.shapes]
    runs_dir = SCRATCH / "runs" / name
    if runs_dir.exists() and not args.keep:
        shutil.rmtree(runs_dir)
    runs_dir.mkdir(parents=True, exist_ok=True)
    commit = git(repo, "rev-parse", "--short", "HEAD")
    dirty = bool(git(repo, "status", "--porcelain", "--untracked-files=no"))
    print(f"repo {repo} ({commit}{', uncommitted changes' if dirty else ''}), seeds {args.seeds}, draws {args.draws}", flush=True)  # fmt: skip
    started = time.perf_counter()
    all_runs, summary = [], []
    for shape in shapes:
        t0 = time.perf_counter()
        runs = []
        for draw in range(args.draws):
            runs += run_shape(python, repo, draw_dir(data, draw), shape, draw, args.seeds, runs_dir, args.timeout, args.set)  # fmt: skip
        all_runs += runs
        s = summarize(shape, runs)
        summary.append(s)
        msg = (f"{shape['name']:24s} {time.perf_counter() - t0:6.1f}s  leadgate {fmt(s['leadgate_roc'], '.3f')}  "
               f"LR {fmt(s['logistic_roc'], '.3f')}  LGBM {fmt(s['lightgbm_roc'], '.3f')}  gap {fmt(s['gap_logistic'])}")  # fmt: skip
        for e in s["errors"]:
            msg += f"\n    draw {e['draw']} seed {e['seed']} FAILED: {e['error'][:300]}"
        print(msg, flush=True)
    elapsed = time.perf_counter() - started
    print_table(summary, f"{name} @ {commit}{' (dirty)' if dirty else ''}, seeds {args.seeds}, draws {args.draws}, {elapsed / 60:.1f} min")  # fmt: skip
    out = Path(args.out) if args.out else ROOT / "bench" / "out" / f"shapes-{name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"repo": str(repo), "name": name, "commit": commit, "dirty": dirty,
                               "seeds": args.seeds, "draws": args.draws, "set": args.set,
                               "minutes": round(elapsed / 60, 2), "summary": summary, "runs": all_runs}, indent=1))  # fmt: skip
    print(f"written {out}")


def compare(paths) -> None:
    """Print saved summaries one after the other, and side by side when there are two."""
    docs = [json.loads(Path(p).read_text()) for p in paths]
    for d in docs:
        print_table(d["summary"], f"{d['name']} @ {d['commit']}, seeds {d['seeds']}, draws {d.get('draws', 1)}, {d['minutes']} min")  # fmt: skip
    if len(docs) == 2:
        print_comparison(docs)


def main() -> None:
    """Command line: measure a checkout (default: this one), or --compare saved summaries."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--repo", default=str(ROOT), help="a leadgate checkout with its own .venv (default: this one)"
    )
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--draws", type=int, default=1,
                    help="data draws per shape (draw 0 = data/, draw k = data-drawk/); time splits test the same "
                         "leads for every seed, so draws are what make the counts independent")  # fmt: skip
    ap.add_argument("--shapes", nargs="*", help="only these shapes (names in data/shapes.json)")
    ap.add_argument("--data", default=str(SCRATCH / "data"), help="draw 0's folder (generated when missing)")
    ap.add_argument("--name", help="label for runs/ and shapes-<name>.json (default: the repo folder's name)")
    ap.add_argument("--out", help="summary JSON path (default bench/out/shapes-<name>.json)")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds per shape")
    ap.add_argument("--set", action="append", default=[], metavar="MODULE.NAME=LITERAL",
                    help="ablation passed to the worker, e.g. leadgate.training.fit.RECENCY_HALF_LIVES=() "
                         "(use with --name so results do not overwrite the plain run)")  # fmt: skip
    ap.add_argument("--keep", action="store_true", help="do not clear runs/<name>/ first")
    ap.add_argument("--compare", nargs="+", metavar="RESULTS_JSON", help="print saved results side by side")
    args = ap.parse_args()
    if args.compare:
        compare(args.compare)
    else:
        measure(args)


if __name__ == "__main__":
    main()
