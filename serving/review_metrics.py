"""The false-positive rate of automatic rejections on /metrics, read from the review items at scrape time."""

from __future__ import annotations

import logging
from collections.abc import Callable

from prometheus_client import CollectorRegistry
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy.exc import SQLAlchemyError

from leadgate.serving.reviews import false_positives

log = logging.getLogger(__name__)


class ReviewGauges:
    """Collector: rate, resolved and open reviews of automatic rejections, straight from the store.

    Read at scrape time, not counted per worker: every worker sees the same rows, so any one scrape is
    the whole truth, and a restart loses nothing. A store that does not answer leaves the gauges out.
    """

    def __init__(self, registry: CollectorRegistry, store: Callable[[], object | None]) -> None:
        self._store = store
        registry.register(self)

    def collect(self):
        """Prometheus collector protocol."""
        store = self._store()
        if store is None:
            return
        try:
            found = false_positives(store.engine)
        except SQLAlchemyError as error:
            log.warning("review gauges left out of this scrape: %s", error)
            return
        resolved = GaugeMetricFamily(
            "leadgate_review_rejections_resolved",
            "Resolved human reviews of automatic rejections (the n of the false-positive rate)",
        )
        resolved.add_metric([], found.resolved)
        yield resolved
        waiting = GaugeMetricFamily(
            "leadgate_review_rejections_open", "Open human reviews of automatic rejections"
        )
        waiting.add_metric([], found.open)
        yield waiting
        if found.rate is not None:
            rate = GaugeMetricFamily(
                "leadgate_review_false_positive_rate",
                "Share of resolved reviews of automatic rejections that sales found misclassified",
            )
            rate.add_metric([], found.rate)
            yield rate

    def describe(self):
        """Nothing to describe ahead of a scrape: no query at registration."""
        return []
