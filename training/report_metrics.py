"""The report's table of scorers on the held-out leads: leadgate's own figures with their intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd

from leadgate.training.report import SCORERS

# The rows whose own figures carry intervals: leadgate's, gates + model and the model alone.
HEADLINE = ("system", "model_ungated")


def gap_text(metrics: dict, key: str) -> str:
    """Leadgate's ROC-AUC minus this scorer's, with DeLong's paired 95% interval ('' where none)."""
    gap = metrics.get(f"test.{key}.roc_auc_gap")
    if gap is None or gap != gap:
        return ""
    low, high = metrics[f"test.{key}.roc_auc_gap_low"], metrics[f"test.{key}.roc_auc_gap_high"]
    return f"{gap:+.3f} [{low:+.3f}, {high:+.3f}]"


def _sqls(sql: np.ndarray) -> str:
    """'11 (6.1%)': the SQLs a row's figures rest on, and their rate, PR-AUC's floor."""
    return f"{int(sql.sum()):,} ({sql.mean():.1%})" if len(sql) else "0"


def metrics_frame(held, info) -> pd.DataFrame:
    """One row per scorer: its columns, SQLs, figures (with intervals for leadgate's own), logged ROC-AUC, gap."""
    m, logged = held.metrics, info.logged_metrics or {}
    seen = held.seen_in_full or held.seen  # the report names every column; `train`'s terminal the first few
    ungated = ~held.gated
    rows = [
        (SCORERS["system"], "system", np.ones(len(held.sql), dtype=bool)),
        (f"model alone, {int(ungated.sum()):,} leads no gate rejects", "model_ungated", ungated),
    ]
    rows += [(SCORERS[key], key, rows[0][2]) for key in held.scores if key != "system"]
    names = ("roc_auc", "pr_auc", "brier", "calibration_error")
    # leadgate's own two rows carry their intervals; a baseline is weighed by its paired gap beside them.
    ranges = [f"{name}_{end}" for name in ("roc_auc", "pr_auc") for end in ("low", "high")]
    return pd.DataFrame(
        [
            {
                "scorer": label,
                "columns seen": seen.get(key, seen.get("system", "")),
                # PR-AUC's floor is the SQL rate of the leads scored: what a random order gets.
                "sqls": _sqls(held.sql[rows_of]),
                **{name: m.get(f"test.{key}.{name}") for name in names},
                **{name: m.get(f"test.{key}.{name}") if key in HEADLINE else None for name in ranges},
                "logged": logged.get(f"test.{key}.roc_auc"),
                "gap": gap_text(m, key),
            }
            for label, key, rows_of in rows
        ]
    )
