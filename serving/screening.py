"""What the service reads from the store before deciding: the lists in force and the lead's suppressions.

The pipeline stays pure: this module reads, the pipeline decides with what was read. The lists' revision is
checked on every call (one indexed MAX); the lists are read again only when it moved, so a change made by
any process takes effect at the next request, without a restart.
"""

from __future__ import annotations

import threading
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Engine

from leadgate.decision.pipeline import DecisionPipeline
from leadgate.decision.suppression import Suppression
from leadgate.serving import lists_store, suppression_store


class Screening:
    """Per process: the lists snapshot, and each serving pipeline with the store's lists merged in."""

    def __init__(self, engine: Engine, salt: str | None = None):
        self.engine = engine
        self.salt = salt
        self._lock = threading.Lock()
        self._revision: int | None = None
        self._lists: dict[str, tuple[str, ...]] = {}
        self._pipelines: WeakKeyDictionary[DecisionPipeline, DecisionPipeline] = WeakKeyDictionary()

    def pipeline(self, base: DecisionPipeline) -> DecisionPipeline:
        """`base` (the file's policy, the model) with the store's lists as they are now."""
        return self.read(base, [])[0]

    def read(
        self, base: DecisionPipeline, leads: list[dict], connection: Connection | None = None
    ) -> tuple[DecisionPipeline, list[list[Suppression]]]:
        """The pipeline with the lists as they are now, and per lead (stored JSON form) its suppression records.

        One connection for both reads: on PostgreSQL a checkout and a round trip cost ~0.2 ms each. Given
        `connection` (a write in progress), they see that transaction's own changes, a suppression it lifts.
        """
        if connection is not None:
            return self._read(base, leads, connection)
        with self.engine.connect() as connection:
            return self._read(base, leads, connection)

    def _read(
        self, base: DecisionPipeline, leads: list[dict], connection: Connection
    ) -> tuple[DecisionPipeline, list[list[Suppression]]]:
        revision = lists_store.revision(connection)
        found = suppression_store.for_leads(connection, leads, self.salt) if leads else []
        return self._screened(base, revision, connection), found

    def _screened(self, base: DecisionPipeline, revision: int, connection: Connection) -> DecisionPipeline:
        if revision == 0:
            return base  # no list was ever changed in the store: the file's lists alone
        with self._lock:
            if revision != self._revision:
                committed, lists = lists_store.snapshot(self.engine)
                if committed < revision:
                    # `connection` is a list change deciding its leads again: its lists, read there and not
                    # kept, since the change may yet roll back (and SQLite hand its revision to another).
                    _, lists = lists_store.snapshot_in(connection)
                    version = lists_store.lists_version(revision)
                    return base.with_policy(base.policy.with_lists(lists, version))
                self._revision, self._lists = committed, lists
                self._pipelines = WeakKeyDictionary()
            screened = self._pipelines.get(base)
            if screened is None:
                policy = base.policy.with_lists(self._lists, lists_store.lists_version(revision))
                screened = self._pipelines[base] = base.with_policy(policy)
            return screened

    def suppressions(self, leads: list[dict]) -> list[list[Suppression]]:
        """Per lead (stored JSON form), the suppression records bearing on it."""
        return suppression_store.for_leads(self.engine, leads, self.salt)

    def persist(self, lead_id: str, seen: list[dict]) -> None:
        """Store the suppressions a decision created from its lead's events, and the lifts it found."""
        suppression_store.persist(self.engine, lead_id, seen)
