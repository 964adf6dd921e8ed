"""Population stability (PSI) of live features and scores against the distribution a model was trained on."""

from __future__ import annotations

import threading

import numpy as np

BINS = 10
# Fewer leads than this and chance alone puts some column past the major level: random batches of a model's
# own training leads had a column past 0.25 in up to 2% of 150-lead batches and 0.5% of 200-lead ones; at 300
# leads the largest column's PSI stayed below 0.16 in every batch (3 models of 40-47 columns, 200 batches
# each; draws from the reference's own shares agree). A shift worth naming is far above that.
MIN_LEADS = 300
EPSILON = 1e-4  # an empty bin on one side would make PSI infinite; this floor keeps it finite and large
PSI_WARN, PSI_ALERT = 0.1, 0.25  # the usual reading: <0.1 stable, 0.1-0.25 moderate shift, >0.25 major


# A live value this close below an edge counts in the edge's bin: references saved before midpoint edges
# (below) put edges exactly on common training values, where a value a hair under (3 events a few minutes
# before creation: 2.99995, training's 3.0) fell a whole bin lower and read as major drift.
TIE = 1e-4
MIDPOINTS = "midpoints"  # a reference's `bins`: edges halfway between distinct training values (_edges)


def _edges(values: np.ndarray, bins: int) -> list[float]:
    """Inner bin edges halfway below the observed quantile values, so a discrete value or point mass keeps its
    own bin and a value near it stays in it; one more bin below the least."""
    present = values[~np.isnan(values)]
    if not len(present):
        return []
    distinct = np.unique(present)
    cuts = np.unique(np.quantile(present, np.linspace(0, 1, bins + 1)[1:-1], method="lower"))
    at = np.searchsorted(distinct, cuts)
    below = np.where(at > 0, distinct[np.maximum(at - 1, 0)], np.nan)
    # The least value has no neighbour below: mirror the gap to the one above it (none: the value itself).
    above = distinct[np.minimum(at + 1, len(distinct) - 1)]
    below = np.where(at > 0, below, cuts - (above - cuts))
    return sorted({float(v) for v in (cuts + below) / 2})


def _nudged(values: np.ndarray) -> np.ndarray:
    """Values moved up by TIE of their size (at least TIE), so a near-tie below an edge counts as on it."""
    return values + TIE * np.maximum(np.abs(values), 1.0)


def bin_counts(values: np.ndarray, edges: list[float]) -> np.ndarray:
    """Counts per bin: one bin per gap between edges, plus a last bin for missing values."""
    missing = np.isnan(values)
    index = np.searchsorted(np.asarray(edges), _nudged(values[~missing]), side="right")
    counts = np.bincount(index, minlength=len(edges) + 1).astype(np.float64)
    return np.append(counts, missing.sum())


def profile(matrix: np.ndarray, names: list[str], p_sql: np.ndarray, bins: int = BINS) -> dict:
    """The reference: per feature and for P(SQL), bin edges and the share of leads in each bin."""
    columns = {name: matrix[:, j].astype(np.float64) for j, name in enumerate(names)}
    columns["p_sql"] = np.asarray(p_sql, dtype=np.float64)
    reference = {}
    for name, values in columns.items():
        edges = _edges(values, bins)
        counts = bin_counts(values, edges)
        reference[name] = {"edges": edges, "shares": (counts / max(counts.sum(), 1)).tolist()}
    return {"leads": int(len(p_sql)), "bins": MIDPOINTS, "columns": reference}


def edges_on_values(reference: dict) -> bool:
    """Whether a reference was saved before midpoint edges: its edges sit on common training values, where a
    value a little lower live falls a whole bin lower (only a near-tie within TIE is counted on the edge)."""
    return reference.get("bins") != MIDPOINTS


def psi(reference_shares: np.ndarray, live_counts: np.ndarray) -> float:
    """Population stability index of live counts against reference shares (NaN with no live leads)."""
    total = live_counts.sum()
    if total == 0:
        return float("nan")
    expected = np.maximum(np.asarray(reference_shares, dtype=np.float64), EPSILON)
    actual = np.maximum(live_counts / total, EPSILON)
    return float(np.sum((actual - expected) * np.log(actual / expected)))


def column_counts(
    reference: dict, matrix: np.ndarray, names: list[str], p_sql: np.ndarray
) -> dict[str, np.ndarray]:
    """Bin counts of a live sample per reference column it has: summed over chunks, they count the whole."""
    index = {name: j for j, name in enumerate(names)}
    counts = {}
    for name, spec in reference["columns"].items():
        if name == "p_sql":
            counts[name] = bin_counts(np.asarray(p_sql, dtype=np.float64), spec["edges"])
        elif name in index:
            counts[name] = bin_counts(matrix[:, index[name]].astype(np.float64), spec["edges"])
    return counts


def drift_rows(reference: dict, counts: dict[str, np.ndarray], leads: int) -> list[dict]:
    """PSI of each column's live bin counts (column_counts) against the reference, most shifted first."""
    rows = []
    for name, live in counts.items():
        value = psi(np.asarray(reference["columns"][name]["shares"]), live)
        rows.append({"column": name, "psi": value, "level": level(value), "live_leads": leads})
    return sorted(rows, key=lambda row: -np.nan_to_num(row["psi"], nan=-1))


def drift_table(reference: dict, matrix: np.ndarray, names: list[str], p_sql: np.ndarray) -> list[dict]:
    """PSI of each feature and of P(SQL) for a live sample, most shifted first."""
    return drift_rows(reference, column_counts(reference, matrix, names, p_sql), len(p_sql))


def level(value: float) -> str:
    """stable, moderate or major, by the usual PSI reading."""
    if value != value:
        return "no data"
    return "major" if value > PSI_ALERT else "moderate" if value > PSI_WARN else "stable"


class LiveDrift:
    """Running bin counts of live leads, thread-safe; PSI is computed when asked (e.g. at a /metrics scrape).

    Edges are padded into one matrix so counting a lead is a single vectorized comparison.
    """

    def __init__(self, reference: dict, names: list[str]):
        self.names = [name for name in [*names, "p_sql"] if name in reference["columns"]]
        self._columns = np.array([names.index(n) for n in self.names if n != "p_sql"], dtype=np.intp)
        specs = [reference["columns"][name] for name in self.names]
        width = max(len(spec["edges"]) for spec in specs) + 2  # bins, padding, then the missing bin last
        self._edges = np.full((len(specs), width - 2), np.inf)
        self._shares = np.zeros((len(specs), width))
        for k, spec in enumerate(specs):
            edges = spec["edges"]
            self._edges[k, : len(edges)] = edges
            self._shares[k, : len(edges) + 1] = spec["shares"][:-1]
            self._shares[k, -1] = spec["shares"][-1]
        self._counts = np.zeros_like(self._shares)
        self._rows = np.arange(len(specs))
        self._lock = threading.Lock()

    def observe(self, row: np.ndarray, p_sql: float | None) -> None:
        """Count one decided lead's feature row and score."""
        values = row[self._columns]
        if "p_sql" in self.names:
            values = np.append(values, np.nan if p_sql is None else p_sql)
        bins = (_nudged(values)[:, None] >= self._edges).sum(axis=1)
        bins[np.isnan(values)] = self._counts.shape[1] - 1
        with self._lock:
            self._counts[self._rows, bins] += 1

    def values(self) -> dict[str, float]:
        """PSI per column so far; none before MIN_LEADS leads, whose chance PSI would fire drift alerts after
        every restart (review 27)."""
        with self._lock:
            counts = self._counts.copy()
        if not len(counts) or counts[0].sum() < MIN_LEADS:
            return {}
        return {name: psi(self._shares[k], counts[k]) for k, name in enumerate(self.names)}
