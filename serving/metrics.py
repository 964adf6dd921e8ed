"""Prometheus metrics of one app instance: latency, decisions by route, gate firings.

With several workers (`leadgate serve --workers N`) every value lives in prometheus_client's multiprocess folder
and a scrape sums all workers; each gauge says how its workers' values combine (`multiprocess_mode`, ignored
with one process). A new gauge should say so too, or it shows one series per worker process.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from leadgate.decision.record import DecisionRecord
from leadgate.serving.worker_metrics import AllWorkers, multiprocess_dir


class ServiceMetrics:
    """Counters and histograms in the app's own registry (several apps can live in one test process)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.latency = Histogram(
            "leadgate_request_seconds",
            "Request latency by route template and method",
            ["path", "method", "status"],
            buckets=(0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
            registry=self.registry,
        )
        self.batch_size = Histogram(
            "leadgate_intake_batch_size",
            "New leads decided and stored together in one pipeline call and one transaction",
            buckets=(1, 2, 4, 8, 16, 32),
            registry=self.registry,
        )
        self.decisions = Counter(
            "leadgate_decisions_total",
            "Decisions stored, by route and trigger",
            ["route", "trigger"],
            registry=self.registry,
        )
        self.gates = Counter(
            "leadgate_gate_fired_total",
            "Gates fired in stored decisions",
            ["code", "lifted"],
            registry=self.registry,
        )
        self.unlearned_gaps = Counter(
            "leadgate_unlearned_gaps_total",
            "New leads without a custom field every training lead had (the model never learned such leads)",
            ["field"],
            registry=self.registry,
        )
        self.model_loaded = Gauge(
            "leadgate_model_loaded",
            "1 when a model is loaded, 0 when running on gates only",
            multiprocess_mode="livemin",  # 0 as long as one live worker runs on gates only
            registry=self.registry,
        )
        self.store_errors = Counter(
            "leadgate_store_errors_total",
            "Requests refused because the store was unavailable",
            registry=self.registry,
        )
        self.checkpoint_failures = Counter(
            "leadgate_wal_checkpoint_failures_total",
            "Background SQLite WAL checkpoints that failed (the store was unavailable)",
            registry=self.registry,
        )
        self.wal_bytes = Gauge(
            "leadgate_wal_bytes",
            "Size of the SQLite WAL file after the newest background checkpoint, in bytes",
            multiprocess_mode="livemax",  # every worker checkpoints the same file: the worst reading
            registry=self.registry,
        )
        self.wal_truncations = Counter(
            "leadgate_wal_truncations_total",
            "TRUNCATE checkpoints that emptied the SQLite WAL once it passed half its bound",
            registry=self.registry,
        )
        self.wal_truncate_busy = Counter(
            "leadgate_wal_truncate_busy_total",
            "TRUNCATE checkpoints given up because readers or writers kept the WAL within the short wait",
            registry=self.registry,
        )
        # Abuse limits (serving/rate_limits.py): requests answered 429, by which limit and, for `key`, whose.
        self.rate_limited = Counter(
            "leadgate_rate_limited_total",
            "Requests refused with 429 by an abuse limit: key, ip, failed_auth, events_per_lead or review",
            ["kind", "key"],
            registry=self.registry,
        )
        self.rate_limit_errors = Counter(
            "leadgate_rate_limit_errors_total",
            "Requests let through unlimited because the rate-limit storage failed",
            registry=self.registry,
        )

    def observe_decision(self, record: DecisionRecord, trigger: str) -> None:
        """Count one stored decision and the gates it fired."""
        self.decisions.labels(route=record.route, trigger=trigger).inc()
        for gate in record.gates:
            self.gates.labels(code=gate.code, lifted=str(gate.lifted).lower()).inc()

    def observe_gaps(self, lead, model) -> None:
        """Count the custom fields a new lead lacks that no training lead lacked: a form that stopped sending
        one shows here, where its decisions only drift lower and no reason can name the gap."""
        if model is None:
            return
        for name in model.unlearned(lead.custom):
            self.unlearned_gaps.labels(field=name).inc()

    def render(self) -> bytes:
        """The exposition text: every worker's values in multiprocess mode, else this app's."""
        directory = multiprocess_dir()
        return generate_latest(self.registry if directory is None else AllWorkers(directory, self.registry))
