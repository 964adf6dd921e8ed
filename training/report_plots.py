"""Figures of the model report, and PNG data URIs so the HTML carries them inline."""

from __future__ import annotations

import base64
import io

import numpy as np

from leadgate.decision.policy_routing import Thresholds
from leadgate.decision.routes import Route
from leadgate.training.plots import subplots

ROUTE_COLORS = {
    "sales_ready": "#1b7837",
    "verify": "#5aae61",
    "nurture": "#f1a340",
    "self_service": "#998ec3",
    "silent_reject": "#542788",
}
SCORER_STYLES = {
    "leadgate (gates + model)": {"color": "#2166ac", "linewidth": 2.2},
    "points scorecard": {"color": "#d6604d", "linewidth": 1.6},
    "plain LightGBM, raw columns": {"color": "#878787", "linewidth": 1.6},
}


def png_data_uri(fig) -> str:
    """The figure as a base64 PNG data URI."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def route_panels_figure(p_sql: np.ndarray, routes: np.ndarray, sql: np.ndarray, thresholds: Thresholds):
    """One histogram of P(SQL) per route on a shared axis, with the model's thresholds marked.

    Panels rather than overlaid histograms: routes differ in size by orders of magnitude, and a big one
    would flatten the small ones.
    """
    present = [r.value for r in Route if ((routes == r.value) & ~np.isnan(p_sql)).any()]
    fig, axes = subplots(
        (7.5, 1.25 * max(len(present), 1) + 0.9), max(len(present), 1), 1, sharex=True, squeeze=False
    )
    top = float(np.nanmax(p_sql)) if np.isfinite(p_sql).any() else 1.0
    bins = np.linspace(0, max(top, 0.05), 41)
    cuts = (
        ("nurture", thresholds.nurture),
        ("verify", thresholds.verify),
        ("sales_ready", thresholds.sales_ready),
    )
    for ax, route in zip(axes[:, 0], present, strict=False):
        mask = (routes == route) & ~np.isnan(p_sql)
        ax.hist(p_sql[mask], bins=bins, color=ROUTE_COLORS[route])
        rate = sql[mask].mean() if mask.any() else float("nan")
        ax.set_title(f"{route}: {int(mask.sum()):,} leads, SQL rate {rate:.1%}", fontsize=9, loc="left")
        ax.set_ylabel("leads", fontsize=8)
        ax.tick_params(labelsize=8)
        for _, cut in cuts:
            ax.axvline(cut, color="black", linestyle=":", linewidth=0.8)
    # Threshold names in the title, not beside their lines: close thresholds would print over each other.
    marks = ", ".join(f"{name} ≥ {cut:.3f}" for name, cut in reversed(cuts))
    fig.suptitle(f"P(SQL) per route on held-out leads (dotted: {marks})", fontsize=9)
    axes[-1, 0].set_xlabel("calibrated P(SQL)")
    fig.tight_layout()
    return fig


def gain_figure(scores: dict[str, np.ndarray], sql: np.ndarray):
    """Share of SQLs found against share of leads taken, best-scored first, for each scorer."""
    fig, ax = subplots((5.5, 4.5))
    y = sql.astype(bool)
    total = max(int(y.sum()), 1)
    shares = np.arange(1, len(y) + 1) / max(len(y), 1)
    ax.plot([0, 1], [0, 1], linestyle="--", color="lightgrey", label="random order")
    for name, score in scores.items():
        # Ties in a points scorecard are common: a stable sort on the negated score keeps them in file order.
        order = np.argsort(-score, kind="stable")
        found = np.cumsum(y[order]) / total
        ax.plot(shares, found, label=name, **SCORER_STYLES.get(name, {}))
    ax.set(
        xlabel="share of held-out leads taken, best-scored first",
        ylabel="share of SQLs found",
        xlim=(0, 1),
        ylim=(0, 1.01),
        title="Gain on held-out leads",
    )
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    return fig


def reason_figure(families: list[str], negative: np.ndarray, positive: np.ndarray, leads: int):
    """Horizontal bars: share of leads with each family among their top negative and top positive reasons."""
    from matplotlib.ticker import FuncFormatter

    order = np.argsort(negative + positive, kind="stable")
    keep = order[(negative + positive)[order] > 0]
    labels = [families[i] for i in keep]
    fig, ax = subplots((7.5, 0.28 * max(len(keep), 3) + 1.2))
    rows = np.arange(len(keep))
    share = 1 / max(leads, 1)
    ax.barh(rows + 0.2, negative[keep] * share, height=0.4, color="#b2182b", label="top negative reason")
    ax.barh(rows - 0.2, positive[keep] * share, height=0.4, color="#2166ac", label="top positive reason")
    ax.set_yticks(rows, labels, fontsize=8)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.set(xlabel="share of held-out leads", title="How often each reason family is shown")
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return fig
