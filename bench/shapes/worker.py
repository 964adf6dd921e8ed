"""One shape, several seeds, inside a leadgate checkout's own .venv (started by measure.py).

    <repo>/.venv/bin/python bench/shapes/worker.py --export F --mapping M --split auto --seeds 0 1 2 --out-dir D --shape NAME

Writes D/<shape>-<seed>/result.json per seed (or error.txt with the traceback) and prints one JSON line per seed
prefixed with 'RESULT ' on stdout. Standard library and the checkout's leadgate only: the checkout measured may
be another one than this file's.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
import traceback
from pathlib import Path

# Run as a script, this folder comes first on sys.path; its modules must not shadow the checkout's imports.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

KEYS = [
    "test.system.roc_auc",
    "test.system.pr_auc",
    "test.model_ungated.roc_auc",
    "test.logistic.roc_auc",
    "test.logistic.pr_auc",
    "test.raw_lightgbm.roc_auc",
    "test.raw_lightgbm.pr_auc",
    "test.logistic_seen.roc_auc",
    "test.scorecard.roc_auc",
    "test.logistic.roc_auc_gap",
    "test.logistic.roc_auc_gap_low",
    "test.logistic.roc_auc_gap_high",
    "test.raw_lightgbm.roc_auc_gap",
    "test.raw_lightgbm.roc_auc_gap_low",
    "test.raw_lightgbm.roc_auc_gap_high",
    "test.logistic_seen.roc_auc_gap",
    "test.logistic_seen.roc_auc_gap_low",
    "test.logistic_seen.roc_auc_gap_high",
    "valid.model.roc_auc",
    "test.gated_share",
    "test.sql_rate",
    "test.routes.recall_kept",
]
ALWAYS = ("num_leaves", "num_trees", "recency_half_life", "linear_start", "linear_tree", "min_data_in_leaf")


def jsonable(v):
    """v with numpy scalars as Python numbers, NaN and infinities as None, anything else unknown as text."""
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if hasattr(v, "item"):
        return jsonable(v.item())
    if isinstance(v, dict):
        return {str(k): jsonable(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [jsonable(x) for x in v]
    if isinstance(v, str | int | float | bool) or v is None:
        return v
    return str(v)


def chosen_params(params: dict, seed: int) -> dict:
    """The booster params that are not the checkout's shared base params (the chosen candidate's own)."""
    try:
        from leadgate.training.fit import base_params

        base = base_params(seed)
    except Exception:  # a checkout whose base_params differs in signature
        base = {}
    out = {}
    for k, v in params.items():
        if k == "monotone_constraints":
            continue
        if k in ALWAYS or k not in base or base.get(k) != v:
            out[k] = v
    return out


def _report_error(folder: Path, shape: str, seed: int, error: Exception) -> None:
    """The traceback to error.txt and one RESULT line saying what failed (called inside the except)."""
    tb = traceback.format_exc()
    (folder / "error.txt").write_text(tb)
    failed = {
        "shape": shape,
        "seed": seed,
        "error": f"{type(error).__name__}: {error}",
        "traceback_tail": tb.strip().splitlines()[-6:],
    }
    print("RESULT " + json.dumps(failed), flush=True)


def main():
    """Read and map the export once, then train and evaluate one model per seed."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--export", required=True)
    ap.add_argument("--mapping", required=True)
    ap.add_argument("--policy")
    ap.add_argument("--split", default="auto")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0])
    ap.add_argument("--out-dir", required=True)
    ap.add_argument("--shape", required=True)
    ap.add_argument(
        "--truth", help="CSV lead_id,p: the true P(SQL), for the oracle ROC-AUC on the same test leads"
    )
    ap.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="MODULE.NAME=LITERAL",
        help="ablation: set a module constant before training, e.g. "
        "leadgate.training.fit.RECENCY_HALF_LIVES=()",
    )
    args = ap.parse_args()
    import ast
    import importlib

    for assignment in args.set:
        target, value = assignment.split("=", 1)
        module, name = target.rsplit(".", 1)
        mod = importlib.import_module(module)
        if not hasattr(mod, name):
            raise SystemExit(f"--set: {module} has no {name}")
        setattr(mod, name, ast.literal_eval(value))

    t0 = time.perf_counter()
    from leadgate.decision.policy import load_policy, parse_policy
    from leadgate.serving.export_reader import read_export
    from leadgate.training.crm_mappings import load_mapping, shipped_policy
    from leadgate.training.exports import history_from_export
    from leadgate.training.train import train_model

    mapping = load_mapping(args.mapping)
    # As `leadgate train`: --policy, else a policy shipped beside the mapping, else the default policy.
    text = shipped_policy(mapping) if args.policy is None else None
    policy = parse_policy(text) if text else load_policy(Path(args.policy) if args.policy else None)
    try:
        rows = read_export(Path(args.export))
        mapped = history_from_export(rows, mapping)
    except Exception as error:
        for seed in args.seeds:
            d = Path(args.out_dir) / f"{args.shape}-{seed}"
            d.mkdir(parents=True, exist_ok=True)
            _report_error(d, args.shape, seed, error)
        return
    read_s = time.perf_counter() - t0
    history = mapped.history
    for seed in args.seeds:
        d = Path(args.out_dir) / f"{args.shape}-{seed}"
        d.mkdir(parents=True, exist_ok=True)
        t1 = time.perf_counter()
        try:
            result = train_model(history, policy, seed=seed, split_kind=args.split)
        except Exception as error:
            _report_error(d, args.shape, seed, error)
            continue
        m = result.metrics
        oracle = None
        if args.truth:
            try:
                import numpy as np
                import pandas as pd
                from sklearn.metrics import roc_auc_score

                truth = pd.read_csv(args.truth, dtype={"lead_id": str}).set_index("lead_id")["p"]
                test_rows = np.flatnonzero(result.split.test)
                p = truth.reindex([history.leads[i].lead_id for i in test_rows]).to_numpy()
                if not np.isnan(p).any():
                    oracle = float(roc_auc_score(result.test_sql.astype(int), p))
            except Exception as error:  # the oracle is a yardstick, never a reason to lose a run
                oracle = f"{type(error).__name__}: {error}"
        out = {
            "shape": args.shape,
            "seed": seed,
            "train_seconds": round(time.perf_counter() - t1, 1),
            "read_seconds": round(read_s, 1),
            "leads": len(history.leads),
            "bad_rows": len(mapped.problems),
            "notes": mapped.notes,
            "split": result.split.kind,
            "test_leads": int(len(result.test_sql)),
            "test_sqls": int(result.test_sql.sum()),
            "metrics": {k: m.get(k) for k in KEYS if k in m},
            "oracle_test_roc_auc": oracle,
            "chosen": chosen_params(result.booster_params, seed),
            "candidates": result.candidates,
            "comparison": result.comparison,
            "leak": result.extras.get("leak"),
            "left_out": result.extras.get("left_out"),
            "threshold_notes": result.extras.get("threshold_notes"),
            "thresholds": getattr(result.model, "thresholds", None),
        }
        out = jsonable(out)
        (d / "result.json").write_text(json.dumps(out, indent=1))
        (d / "all_metrics.json").write_text(json.dumps(jsonable(m), indent=1))
        print("RESULT " + json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
