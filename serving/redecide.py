"""Deciding a stored lead again, one way for every trigger: events, overrides, suppressions made or lifted.

Each re-decision reads what the lead's first decision read: the store's lists, the suppression records
bearing on the lead and its history facts; a re-decision that skipped any of them would route the lead
differently from the next one. And each is refused alike while the champion fails to load, when the gates
alone would decide a lead the model should (`ChampionUnloaded`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from leadgate.decision.history_facts import HistoryFacts
from leadgate.decision.record import DecisionRecord
from leadgate.features.schema import parse_lead
from leadgate.serving.history_store import (
    Submission,
    history_facts,
    stored_facts,
    stored_submission,
    uses_facts,
)
from leadgate.serving.model_holder import ModelHolder
from leadgate.serving.screening import Screening
from leadgate.serving.store import DecisionStore
from leadgate.serving.stored_times import stored_utc


class ChampionUnloaded(Exception):
    """A re-decision would leave a stored lead to the model while the champion fails to load: refused, nothing
    stored; `leads`: how many stored leads the refused change would have decided again."""

    def __init__(self, problem: str | None, leads: int):
        self.problem = problem
        self.leads = leads
        super().__init__(f"the champion does not load ({problem})")


class Redecider:
    """Decides stored leads (their JSON) as of `now` with one model snapshot; keeps what it decided.

    While a registered champion fails to load, a decision that leaves a lead to the model (no gate or
    suppression decides it) raises ChampionUnloaded instead: the gates alone would store it as
    `no_model_route`, a sales_ready lead as verify with no score and no reasons, for a change (an event, an
    override, a suppression) that may not bear on its routing at all. A lead a gate or a suppression decides
    is decided as the champion would leave it, and with no model registered the gates are all there is.
    """

    def __init__(
        self, *, holder: ModelHolder, store: DecisionStore, screening: Screening | None, now: datetime
    ):
        self.current = holder.current()  # one snapshot: an alias move never splits a request
        self.pipeline = self.current.pipeline
        self.store = store
        self.screening = screening
        self.now = now
        self.decided: list[DecisionRecord] = []
        self._facts: dict[str, HistoryFacts] = {}

    def prefetch(self, lead_id: str) -> None:
        """Read the lead's history facts before its lock is taken; KeyError when no such lead is stored."""
        if not uses_facts(self.pipeline.policy):
            return
        # As at arrival for its submissions, as of now for its account: a re-decision keeps the store's gates.
        submission = stored_submission(self.store.engine, lead_id, self.now)
        if submission is None:
            raise KeyError(lead_id)
        self._facts[lead_id] = history_facts(self.store.engine, [submission], self.pipeline.policy)

    def __call__(self, lead: dict, connection: Connection | None = None) -> DecisionRecord:
        """The pipeline's decision on one stored lead; `connection`: read suppressions inside that transaction."""
        lead_id = lead["lead_id"]
        if lead_id not in self._facts:
            self.prefetch(lead_id)
        current, given = self.pipeline, None
        if self.screening is not None:
            current, [given] = self.screening.read(self.pipeline, [lead], connection)
        record = current.decide_one(
            # Stored, it was checked on arrival; new events were checked by the events body.
            parse_lead(lead, stored=True),
            now=self.now,
            suppressions=given,
            facts=self._facts.get(lead_id),
        )
        self._refuse_model_less([record])
        self.decided.append(record)
        return record

    def decide_many(
        self, leads: list[dict], received: list[datetime], connection: Connection | None = None
    ) -> list[DecisionRecord]:
        """The pipeline's decisions on stored leads (their JSON, their arrivals) in one call, as `__call__` would
        decide each: their facts and suppressions read in bulk, not with queries per lead."""
        if not leads:
            return []
        extra: dict = {}
        if uses_facts(self.pipeline.policy):
            submissions = [
                Submission.of(lead, stored_utc(at), self.now)
                for lead, at in zip(leads, received, strict=True)
            ]
            # Inside the change's transaction: an account status it wrote is what the gates read.
            extra["facts"] = stored_facts(self.store.engine, submissions, self.pipeline.policy, connection)
        current = self.pipeline
        if self.screening is not None:
            current, given = self.screening.read(self.pipeline, leads, connection)
            if any(given):  # no records and None decide alike
                extra["suppressions"] = given
        parsed = [parse_lead(lead, stored=True) for lead in leads]  # checked on arrival, as in `__call__`
        _, records = current.decide_records(parsed, now=self.now, **extra)
        self._refuse_model_less(records)
        self.decided.extend(records)
        return records

    def _refuse_model_less(self, records: list[DecisionRecord]) -> None:
        # The one place this rule lives: every re-decision, one lead or thousands, comes through here.
        if self.current.load_failed and any(r.route_source == "no_model" for r in records):
            raise ChampionUnloaded(self.current.problem, len(records))
