"""Prometheus metrics of one app instance: latency, decisions by route, gate firings."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from leadgate.decision.record import DecisionRecord


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
        self.model_loaded = Gauge(
            "leadgate_model_loaded",
            "1 when a model is loaded, 0 when running on gates only",
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

    def observe_decision(self, record: DecisionRecord, trigger: str) -> None:
        """Count one stored decision and the gates it fired."""
        self.decisions.labels(route=record.route, trigger=trigger).inc()
        for gate in record.gates:
            self.gates.labels(code=gate.code, lifted=str(gate.lifted).lower()).inc()

    def render(self) -> bytes:
        """The exposition text."""
        return generate_latest(self.registry)
