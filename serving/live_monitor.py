"""Live monitoring on /metrics: PSI of features and P(SQL) against the champion's reference, rejections by reason."""

from __future__ import annotations

import threading

import numpy as np
from prometheus_client import CollectorRegistry, Counter
from prometheus_client.core import GaugeMetricFamily

from leadgate.decision.decisions import Decisions
from leadgate.decision.model import ScoringModel
from leadgate.decision.record import DecisionRecord
from leadgate.serving.drift import LiveDrift


class LiveMonitor:
    """Counts each arrival decision; PSI is computed at scrape time from running bin counts.

    Counts start afresh when the champion changes, since PSI compares one model's reference with its own
    live traffic. With several workers each one reports its own share of traffic, an unbiased sample.
    """

    def __init__(self, registry: CollectorRegistry) -> None:
        self.rejections = Counter(
            "leadgate_rejections_total",
            "Arrival decisions that kept a lead from sales, by rejecting gate (or the model's score)",
            ["reason"],
            registry=registry,
        )
        self._drift: LiveDrift | None = None
        self._version: str | None = None
        self._lock = threading.Lock()
        registry.register(self)

    def observe(
        self, decisions: Decisions, index: int, record: DecisionRecord, model: ScoringModel | None
    ) -> None:
        """Count one lead decided at arrival (lead `index` of `decisions`) by `model`."""
        for reason in record.rejection_reasons():
            self.rejections.labels(reason=reason).inc()
        if decisions.matrix is None or model is None:
            return
        drift = self._drift_for(model)
        if drift is not None:
            drift.observe(decisions.matrix[index], float(decisions.p_sql[index]))

    def _drift_for(self, model: ScoringModel) -> LiveDrift | None:
        version = model.version
        if version == self._version:
            return self._drift
        with self._lock:
            if version != self._version:
                # The reference travels in the model bundle, written at training time.
                reference = model.metadata.get("reference")
                self._drift = LiveDrift(reference, list(model.builder.feature_names)) if reference else None
                self._version = version
        return self._drift

    def collect(self):
        """Prometheus collector protocol: one gauge family of PSI per column."""
        family = GaugeMetricFamily(
            "leadgate_drift_psi",
            "Population stability index of live arrivals against the champion's training reference",
            labels=["column", "model_version"],
        )
        drift, version = self._drift, self._version
        if drift is not None:
            for column, value in drift.values().items():
                if not np.isnan(value):
                    family.add_metric([column, version or ""], value)
        yield family

    def describe(self):
        """Nothing to describe ahead of a scrape (keeps registration cheap)."""
        return []
