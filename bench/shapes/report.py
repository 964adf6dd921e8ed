"""Per-shape summaries of the runs and the tables measure.py prints (standard library only)."""

from __future__ import annotations

import statistics


def mean(xs):
    """Mean of the values that are not None (None when there are none)."""
    xs = [x for x in xs if x is not None]
    return statistics.fmean(xs) if xs else None


def fmt(x, spec="+.3f"):
    """A number for a table cell; a dash for a missing one."""
    return "   —  " if x is None else format(x, spec)


def summarize(shape: dict, runs: list[dict]) -> dict:
    """One shape's runs (seeds × draws) reduced to means and counts of paired intervals."""
    ok = [r for r in runs if "error" not in r]

    def g(r, k):
        return r["metrics"].get(k)

    return {
        "shape": shape["name"], "kind": shape["kind"], "rows": shape["rows"], "sql_rate": shape["sql_rate"],
        "oracle_auc": shape.get("oracle_auc"), "seeds_ok": len(ok), "seeds_failed": len(runs) - len(ok),
        "leadgate_roc": mean(g(r, "test.system.roc_auc") for r in ok),
        "leadgate_pr": mean(g(r, "test.system.pr_auc") for r in ok),
        "logistic_roc": mean(g(r, "test.logistic.roc_auc") for r in ok),
        "logistic_pr": mean(g(r, "test.logistic.pr_auc") for r in ok),
        "lightgbm_roc": mean(g(r, "test.raw_lightgbm.roc_auc") for r in ok),
        "gap_logistic": mean(g(r, "test.logistic.roc_auc_gap") for r in ok),
        "gap_logistic_low": mean(g(r, "test.logistic.roc_auc_gap_low") for r in ok),
        "gap_logistic_high": mean(g(r, "test.logistic.roc_auc_gap_high") for r in ok),
        "gap_lightgbm": mean(g(r, "test.raw_lightgbm.roc_auc_gap") for r in ok),
        # A run counts for a side only when its paired 95% interval excludes 0.
        "lr_ahead_seeds": sum((g(r, "test.logistic.roc_auc_gap_high") or 0) < 0 for r in ok),
        "lg_ahead_of_lr_seeds": sum((g(r, "test.logistic.roc_auc_gap_low") or 0) > 0 for r in ok),
        "lgbm_ahead_seeds": sum((g(r, "test.raw_lightgbm.roc_auc_gap_high") or 0) < 0 for r in ok),
        "valid_auc": mean(g(r, "valid.model.roc_auc") for r in ok),
        "oracle_test_roc": mean(r.get("oracle_test_roc_auc") for r in ok
                                if isinstance(r.get("oracle_test_roc_auc"), float)),
        "chosen": [r["chosen"] for r in ok],
        "split": sorted({r["split"] for r in ok}),
        "leak": [r.get("leak") for r in ok if r.get("leak")],
        "train_seconds": mean(r.get("train_seconds") for r in ok),
        "errors": [{"seed": r["seed"], "draw": r.get("draw", 0), "error": r["error"], "tail": r.get("traceback_tail")}
                   for r in runs if "error" in r],
    }  # fmt: skip


def chosen_text(chosen: list[dict]) -> str:
    """The model each run chose, compactly: leaves/trees, recency half-life, other non-default parameters."""
    parts = []
    for c in chosen:
        bits = [f"{c.get('num_leaves')}L/{c.get('num_trees')}t"]
        hl = c.get("recency_half_life")
        if hl not in (None, "none"):
            bits.append(f"hl{hl}")
        for k, v in c.items():
            if k not in ("num_leaves", "num_trees", "recency_half_life", "seed", "min_data_in_leaf"):
                bits.append(f"{k}={v}")
        parts.append(",".join(bits))
    return " ".join(parts)


def print_table(summary: list[dict], title: str) -> None:
    """The results table: one row per shape, then the mean over shapes."""
    print(f"\n{title}")
    head = (f"{'shape':24s} {'kind':13s} {'rows':>6s} {'SQL%':>5s} {'oracle':>6s} {'leadgate':>8s} {'logistic':>8s} "
            f"{'LightGBM':>8s} {'gap→LR':>7s} {'LR>lg':>5s} {'lg>LR':>5s} {'GBM>lg':>6s}  chosen (leaves/trees per seed)")  # fmt: skip
    print(head)
    print("-" * len(head))
    for s in summary:
        n = s["seeds_ok"]
        fail = f"  FAILED {s['seeds_failed']}" if s["seeds_failed"] else ""
        print(f"{s['shape']:24s} {s['kind']:13s} {s['rows']:6d} {100 * s['sql_rate']:5.1f} {fmt(s['oracle_test_roc'], '.3f'):>6s} "
              f"{fmt(s['leadgate_roc'], '.3f'):>8s} {fmt(s['logistic_roc'], '.3f'):>8s} {fmt(s['lightgbm_roc'], '.3f'):>8s} "
              f"{fmt(s['gap_logistic']):>7s} {s['lr_ahead_seeds']:>2d}/{n:<2d} {s['lg_ahead_of_lr_seeds']:>2d}/{n:<2d} "
              f"{s['lgbm_ahead_seeds']:>3d}/{n:<2d}  {chosen_text(s['chosen'])}{fail}")  # fmt: skip
    ok = [s for s in summary if s["seeds_ok"]]
    if ok:
        print(f"{'mean over shapes':24s} {'':13s} {'':6s} {'':5s} {fmt(mean(s['oracle_test_roc'] for s in ok), '.3f'):>6s} "
              f"{fmt(mean(s['leadgate_roc'] for s in ok), '.3f'):>8s} {fmt(mean(s['logistic_roc'] for s in ok), '.3f'):>8s} "
              f"{fmt(mean(s['lightgbm_roc'] for s in ok), '.3f'):>8s} {fmt(mean(s['gap_logistic'] for s in ok)):>7s} "
              f"{sum(s['lr_ahead_seeds'] for s in ok):>5d} {sum(s['lg_ahead_of_lr_seeds'] for s in ok):>5d} "
              f"{sum(s['lgbm_ahead_seeds'] for s in ok):>6d}")  # fmt: skip
    print("ROC-AUC on the test part, mean over runs (seeds x draws); oracle: the true P(SQL) on the same test leads. gap→LR: leadgate minus logistic (paired). LR>lg: seeds whose "
          "paired 95% interval lies wholly below 0; lg>LR: wholly above 0; GBM>lg: plain LightGBM wholly ahead.")  # fmt: skip


def print_comparison(docs: list[dict]) -> None:
    """Two saved results side by side, shape by shape."""
    a, b = ({s["shape"]: s for s in d["summary"]} for d in docs)
    print(f"\n{'shape':24s} {'leadgate ' + docs[0]['name']:>16s} {'leadgate ' + docs[1]['name']:>16s} {'Δ':>7s} "
          f"{'gap→LR a':>9s} {'gap→LR b':>9s} {'LR>lg a':>7s} {'LR>lg b':>7s}")  # fmt: skip
    for k in a:
        if k in b:
            x, y = a[k]["leadgate_roc"], b[k]["leadgate_roc"]
            d = None if x is None or y is None else y - x
            print(f"{k:24s} {fmt(x, '.3f'):>16s} {fmt(y, '.3f'):>16s} {fmt(d):>7s} {fmt(a[k]['gap_logistic']):>9s} "
                  f"{fmt(b[k]['gap_logistic']):>9s} {a[k]['lr_ahead_seeds']:>7d} {b[k]['lr_ahead_seeds']:>7d}")  # fmt: skip
