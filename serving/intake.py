"""New leads decided and stored in batches: concurrent requests share one pipeline call and one transaction."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from leadgate.decision.decisions import Decisions
from leadgate.decision.history_facts import HistoryFacts
from leadgate.decision.record import DecisionRecord
from leadgate.features.schema import Lead
from leadgate.serving.batcher import Batcher
from leadgate.serving.history_store import Submission, history_facts, uses_facts
from leadgate.serving.metrics import ServiceMetrics
from leadgate.serving.model_holder import Current
from leadgate.serving.screening import Screening
from leadgate.serving.store import DecisionStore, NewLead, Stored

log = logging.getLogger(__name__)

# Deciding 8 leads in one call costs ~1.6× one lead, not 8×; past ~32 a batch only delays its first callers.
MAX_BATCH = 32


@dataclass(frozen=True)
class Arrival:
    """A validated new lead, the pipeline snapshot it is decided with, and what is stored of it."""

    current: Current
    lead: Lead  # scored_at pinned to the arrival, so a batch decides each lead as of its own arrival
    stored_lead: dict
    idempotency_key: str | None
    received_at: datetime


@dataclass(frozen=True)
class Decided:
    """One arrival's decision record, its place in the batch's Decisions, and what the store answered."""

    record: DecisionRecord
    decisions: Decisions
    index: int
    stored: Stored


class Intake:
    """Decides and stores arrivals; a lone request runs alone at once, under load requests are batched."""

    def __init__(
        self,
        store: DecisionStore,
        metrics: ServiceMetrics | None = None,
        max_batch: int = MAX_BATCH,
        screening: Screening | None = None,
    ):
        self.store = store
        self.metrics = metrics
        self.screening = screening  # the store's lists and suppressions; None: the policy file's lists only
        self.batcher: Batcher[Arrival, Decided] = Batcher(self.run_batch, max_batch)

    def submit(self, arrival: Arrival) -> Decided:
        """Decide and store one arrival (in whatever batch it joins); raises what its own decision raised."""
        return self.batcher.submit(arrival)

    def run_batch(self, arrivals: list[Arrival]) -> list[Decided | BaseException]:
        """Decide and store arrivals together: one entry per arrival, its Decided or its own error.

        A lead the pipeline fails on (decide_each) or the store refuses (create_many, one by one after the
        shared transaction fails) fails alone; only an outage of the store fails the whole batch.
        """
        if self.metrics is not None:
            self.metrics.batch_size.observe(len(arrivals))
        decided: list[tuple[DecisionRecord, Decisions, int] | BaseException] = []
        start = 0
        while start < len(arrivals):
            # One call per pipeline snapshot: a batch that straddles an alias move decides each lead with
            # the snapshot its request took.
            stop = start + 1
            while stop < len(arrivals) and arrivals[stop].current is arrivals[start].current:
                stop += 1
            decided.extend(self._decide(arrivals, start, stop))
            start = stop
        writable = [
            (a, d) for a, d in zip(arrivals, decided, strict=True) if not isinstance(d, BaseException)
        ]
        stored = iter(
            self.store.create_many(
                [NewLead(a.stored_lead, d[0], a.idempotency_key, a.received_at) for a, d in writable]
            )
        )
        results: list[Decided | BaseException] = []
        for outcome in decided:
            if isinstance(outcome, BaseException):
                results.append(outcome)
                continue
            written = next(stored)
            results.append(written if isinstance(written, BaseException) else Decided(*outcome, written))
            if self.screening is not None and not isinstance(written, BaseException) and written.created:
                _persist(self.screening, outcome[0])
        return results

    def _decide(
        self, batch: list[Arrival], start: int, stop: int
    ) -> list[tuple[DecisionRecord, Decisions, int] | Exception]:
        """Decide arrivals start..stop (one snapshot) with what the store knows of them and of earlier arrivals."""
        pipeline = batch[start].current.pipeline
        facts = None
        if uses_facts(pipeline.policy):
            # Counted over the whole batch: an earlier arrival of this batch is a submission too.
            submissions = [Submission.of(a.stored_lead, a.received_at) for a in batch]
            facts = history_facts(self.store.engine, submissions, pipeline.policy).take(start, stop)
        return _decide(batch[start:stop], self.screening, facts)


def _persist(screening: Screening, record: DecisionRecord) -> None:
    if not record.suppressions:
        return
    try:
        screening.persist(record.lead_id, record.suppressions)
    except Exception:  # noqa: BLE001 - the decision is stored; the lead's next decision finds the same again
        log.exception("lead %r stored, but storing its suppressions failed", record.lead_id)


def _decide(
    arrivals: list[Arrival], screening: Screening | None = None, facts: HistoryFacts | None = None
) -> list[tuple[DecisionRecord, Decisions, int] | Exception]:
    pipeline = arrivals[0].current.pipeline
    suppressions = None
    if screening is not None:
        pipeline, suppressions = screening.read(pipeline, [a.stored_lead for a in arrivals])
    outcomes = pipeline.decide_each(
        [a.lead for a in arrivals],
        now=max(a.received_at for a in arrivals),
        suppressions=suppressions,
        facts=facts,
    )
    return [
        outcome if isinstance(outcome, Exception) else (outcome[2], outcome[0], outcome[1])
        for outcome in outcomes
    ]
