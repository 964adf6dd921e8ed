"""Matplotlib figures of a trained model: calibration and score distribution per route."""

from __future__ import annotations

import numpy as np

from leadgate.decision.routes import ROUTES


def subplots(figsize: tuple[float, float], *args, **kwargs):
    """A figure and its axes, outside pyplot (`Figure.subplots` arguments).

    Pyplot is left alone: no backend is switched (a notebook keeps its inline plots) and no global list
    keeps every figure alive until it is closed, so a figure is freed like any other object.
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize)
    return fig, fig.subplots(*args, **kwargs)


def calibration_figure(p_sql: np.ndarray, sql: np.ndarray, bins: int = 10):
    """Predicted vs observed SQL rate over equal-count bins."""
    keep = ~np.isnan(p_sql)
    p, y = p_sql[keep], sql[keep].astype(float)
    order = np.argsort(p, kind="stable")
    chunks = [c for c in np.array_split(order, bins) if len(c)]
    predicted = [p[c].mean() for c in chunks]
    observed = [y[c].mean() for c in chunks]
    fig, ax = subplots((5, 5))
    top = max(max(predicted, default=0), max(observed, default=0), 0.05) * 1.1
    ax.plot([0, top], [0, top], linestyle="--", color="grey", label="perfect")
    ax.plot(predicted, observed, marker="o", label="leadgate")
    ax.set(xlabel="predicted P(SQL)", ylabel="observed SQL rate", title="Calibration on held-out leads")
    ax.legend()
    fig.tight_layout()
    return fig


def route_distribution_figure(p_sql: np.ndarray, routes: np.ndarray):
    """Histogram of calibrated P(SQL) for each route."""
    fig, ax = subplots((7, 4))
    bins = np.linspace(0, max(np.nanmax(p_sql) if len(p_sql) else 1, 0.05), 40)
    for route in ROUTES:
        values = p_sql[(routes == route) & ~np.isnan(p_sql)]
        if len(values):
            ax.hist(values, bins=bins, alpha=0.55, label=f"{route} ({len(values)})")
    ax.set(xlabel="calibrated P(SQL)", ylabel="leads", title="Score distribution per route (held-out)")
    ax.legend()
    fig.tight_layout()
    return fig
