"""The one decision pipeline: gates -> features -> model -> reasons -> route, for one lead or millions."""

from __future__ import annotations

import copy
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from leadgate import runtime
from leadgate.decision import batching
from leadgate.decision.decisions import Decisions
from leadgate.decision.gates import GateResults, run_gates
from leadgate.decision.history_facts import HistoryFacts
from leadgate.decision.model import ScoringModel
from leadgate.decision.policy import Policy
from leadgate.decision.policy_routing import Thresholds
from leadgate.decision.reasons import TOP_NEGATIVE, TOP_POSITIVE, ReasonBook, strength_points, top_families
from leadgate.decision.record import DecisionRecord
from leadgate.decision.routes import Route
from leadgate.decision.routing import band_routes, combine_routes
from leadgate.decision.suppression import FROM_EVENTS, Suppression, SuppressionState, states
from leadgate.features.custom import CustomField, custom_problems, name_problems
from leadgate.features.derived import Derived, derive
from leadgate.features.schema import Lead
from leadgate.features.table import build_table

# Per lead, the store's suppression records bearing on it; None: none from a store (its own events still count).
Suppressions = list[list[Suppression]] | None


@dataclass(frozen=True)
class Front:
    """A batch up to the model's contributions."""

    lead_ids: list[str]
    derived: Derived
    gates: GateResults
    matrix: np.ndarray | None
    suppressions: list[list[SuppressionState]]


class DecisionPipeline:
    """Policy plus (optionally) a trained model; the API, batch scoring and back-tests all call this."""

    def __init__(self, policy: Policy, model: ScoringModel | None = None):
        self.policy = policy
        self.model = model
        # The count caps of the export training read (training/train.py): a count there may stand for more.
        self.book = (
            ReasonBook.for_builder(model.builder, model.reference, model.metadata.get("event_caps"))
            if model is not None
            else None
        )

    @property
    def custom_fields(self) -> tuple[CustomField, ...]:
        """The custom fields the model declares (none without a model)."""
        return self.model.builder.custom_fields if self.model is not None else ()

    @property
    def thresholds(self) -> Thresholds:
        """The policy's fixed thresholds when it gives numbers, else the ones training chose for the model."""
        fixed = self.policy.routing.thresholds
        return fixed if isinstance(fixed, Thresholds) else self.model.thresholds

    def custom_problems(self, lead: Lead, also: tuple[CustomField, ...] = ()) -> list[str]:
        """Why this lead's custom fields do not fit the model, or `also` (a challenger's); [] when they do."""
        if not lead.custom:
            return []
        if self.model is None:  # no model reads them, but a name no model could declare is still refused
            return name_problems(lead.custom)
        return custom_problems(lead.custom, self.custom_fields, also)  # the model's own declaration wins

    def with_policy(self, policy: Policy) -> DecisionPipeline:
        """The same model and reason book under another policy (the file's with the store's lists merged in)."""
        twin = copy.copy(self)  # the reason book is the model's: not rebuilt
        twin.policy = policy
        return twin

    def decide(
        self,
        leads: list[Lead],
        now: datetime | None = None,
        suppressions: Suppressions = None,
        facts: HistoryFacts | None = None,
    ) -> Decisions:
        """Decide a batch of validated leads with what the store holds on them, if given.

        `suppressions`: the store's records bearing on each lead; `facts`: what the store counted per lead
        (submissions, the account's history), read by the history gates.
        """
        return self._run(leads, now, render=False, suppressions=suppressions, facts=facts)[0]

    def decide_records(
        self,
        leads: list[Lead],
        now: datetime | None = None,
        suppressions: Suppressions = None,
        facts: HistoryFacts | None = None,
    ) -> tuple[Decisions, list[DecisionRecord]]:
        """Decide a batch and render every record, as `decide(leads).records()` but overlapped on big batches."""
        return self._run(leads, now, render=True, suppressions=suppressions, facts=facts)

    def _run(
        self,
        leads: list[Lead],
        now: datetime | None,
        render: bool,
        suppressions: Suppressions = None,
        facts: HistoryFacts | None = None,
    ) -> tuple[Decisions, list[DecisionRecord]]:
        now = now or datetime.now(UTC)
        if facts is not None and len(facts) != len(leads):
            raise ValueError(f"history facts for {len(facts)} leads given with {len(leads)} leads")
        workers = runtime.worker_count()
        with runtime.paused_gc():
            if self.model is None or workers < 2 or len(leads) < batching.PARALLEL_MIN_LEADS:
                front = self._front(leads, now, suppressions, facts)
                contributions = None if front.matrix is None else self.model.contributions(front.matrix)
                decisions = self._finish(front, contributions, now)
                return decisions, decisions.records() if render else []
            return self._run_in_chunks(leads, now, workers, render, suppressions, facts)

    def _run_in_chunks(
        self,
        leads: list[Lead],
        now: datetime,
        workers: int,
        render: bool,
        suppressions: Suppressions = None,
        facts: HistoryFacts | None = None,
    ) -> tuple[Decisions, list[DecisionRecord]]:
        # This thread runs the Python of each chunk in turn (it needs the GIL anyway) while pool threads
        # run the TreeSHAP of earlier chunks on one core each: LightGBM releases the GIL, so both cores stay
        # busy, where one big call would leave a core idle during all the Python before and after it.
        # A chunk is finished and rendered as soon as `workers` later chunks are queued for TreeSHAP, not
        # after every front: finishing last would leave this thread's rendering alone on one core at the end.
        parts: list[Decisions] = []
        records: list[DecisionRecord] = []

        def finish(front: Front, shap) -> None:
            parts.append(self._finish(front, shap.result(), now))
            if render:
                records.extend(parts[-1].records())

        with runtime.thread_pool(workers, "treeshap") as pool:
            pending: deque = deque()
            for start, stop in batching.chunk_bounds(len(leads)):
                given = None if suppressions is None else suppressions[start:stop]
                counted = None if facts is None else facts.take(start, stop)
                front = self._front(leads[start:stop], now, given, counted)
                pending.append((front, pool.submit(self.model.contributions, front.matrix, 1)))
                if len(pending) > workers:  # one chunk queued per pool thread
                    finish(*pending.popleft())
            while pending:
                finish(*pending.popleft())
        return batching.join_decisions(parts), records

    def _front(
        self,
        leads: list[Lead],
        now: datetime,
        suppressions: Suppressions = None,
        facts: HistoryFacts | None = None,
    ) -> Front:
        """Everything before the model's contributions: table, signals, gates, feature matrix, suppressions."""
        table = build_table(leads, now=now)
        derived = derive(table, self.policy.signal_rules)
        gates = run_gates(derived, self.policy, facts)
        matrix = self.model.builder.transform(derived) if self.model is not None else None
        return Front(
            table.text["lead_id"],
            derived,
            gates,
            matrix,
            self._suppressions(leads, derived, now, suppressions),
        )

    def _suppressions(
        self, leads: list[Lead], derived: Derived, now: datetime, given: Suppressions
    ) -> list[list[SuppressionState]]:
        # Only leads with a suppressing event of their own or a stored record are looked at: most have neither.
        own = np.logical_or.reduce([derived.count(event) > 0 for event in FROM_EVENTS])
        events = tuple(e.value for e in self.policy.lift.events)
        if given is not None:
            own = own | np.array([bool(records) for records in given], dtype=bool)
        found: list[list[SuppressionState]] = [[] for _ in leads]
        for i in np.flatnonzero(own).tolist():
            records = list(given[i]) if given is not None else []
            found[i] = states(leads[i], records, leads[i].scored_at or now, events)
        return found

    def _finish(self, front: Front, contributions: np.ndarray | None, now: datetime) -> Decisions:
        """Scores, reasons and routes from the front half and the TreeSHAP contributions."""
        n = len(front.lead_ids)
        by_family = negative = positive = negative_points = positive_points = comparisons = None
        p_sql = raw = np.full(n, np.nan)
        if contributions is not None:
            # TreeSHAP is exact: base value + contributions is the raw score, so one call gives both.
            raw = contributions.sum(axis=1)
            p_sql = self.model.calibrate(raw)
            by_family = self.book.by_family(contributions)
            # Against only what converts below average in training; For never what does, nor a pooled level
            # (None: SHAP alone).
            below = self.book.below_average(front.matrix)
            against, for_ = self.book.sides(below, contributions, front.matrix)
            negative = top_families(by_family, negative=True, k=TOP_NEGATIVE, allowed=against)
            comparisons = self.book.comparisons(below, front.matrix, contributions)
            # A missing value may count against a lead, never for it: "Industry not given" is no reason for.
            given = self.book.given(front.derived)
            allowed = given if for_ is None else given & for_
            # Nor what a gate holding the lead judged: its fact is the gate's reason, never one for the lead.
            held = front.gates.holding_families(self.book.families)
            allowed = allowed if held is None else allowed & ~held
            positive = top_families(by_family, negative=False, k=TOP_POSITIVE, allowed=allowed)
            negative_points = strength_points(self.model.calibrate, raw, by_family, negative)
            positive_points = strength_points(self.model.calibrate, raw, by_family, positive)
            model_route = band_routes(p_sql, self.thresholds)
            source = np.full(n, "model", dtype=object)
        else:
            model_route = np.full(n, self.policy.routing.no_model_route.value, dtype=object)
            source = np.full(n, "no_model", dtype=object)
        route, source = combine_routes(model_route, source, front.gates, self.policy)
        # While all contact is stopped nobody may call or write: whatever the fit, no one is sent to it.
        for i in [i for i, found in enumerate(front.suppressions) if found]:
            if any(s.active and s.suppression.contact == "all_contact" for s in front.suppressions[i]):
                route[i], source[i] = Route.silent_reject.value, "suppression"
        return Decisions(
            lead_ids=front.lead_ids,
            route=route,
            route_source=source,
            model_route=model_route,
            p_sql=p_sql,
            raw_score=raw,
            gates=front.gates,
            derived=front.derived,
            matrix=front.matrix,
            by_family=by_family,
            negative_picks=negative,
            positive_picks=positive,
            model_version=self.model.version if self.model else None,
            policy_version=self.policy.version,
            decided_at=now,
            book=self.book,
            negative_points=negative_points,
            positive_points=positive_points,
            policy=self.policy,
            comparisons=comparisons,
            suppressions=front.suppressions,
            lists_version=self.policy.lists_version,
        )

    def decide_each(
        self,
        leads: list[Lead],
        now: datetime | None = None,
        suppressions: Suppressions = None,
        facts: HistoryFacts | None = None,
    ) -> list[tuple[Decisions, int, DecisionRecord] | Exception]:
        """Decide leads in one call, lead by lead if that fails: per lead (Decisions, index, record) or its error."""
        now = now or datetime.now(UTC)
        if facts is not None and len(facts) != len(leads):  # a caller's mistake, not one lead's failure
            raise ValueError(f"history facts for {len(facts)} leads given with {len(leads)} leads")
        # Passed on only when given: subclasses written before them override decide_records(leads, now).
        extra = {} if facts is None else {"facts": facts}
        if suppressions is not None and any(suppressions):  # no records and None decide alike
            extra["suppressions"] = suppressions
        try:
            decisions, records = self.decide_records(leads, now=now, **extra)
        except Exception as error:  # noqa: BLE001 - find the lead that fails; the others still get their decision
            if len(leads) == 1:
                return [error]
            return [
                self.decide_each(
                    [lead],
                    now,
                    None if suppressions is None else [suppressions[i]],
                    None if facts is None else facts.take(i, i + 1),
                )[0]
                for i, lead in enumerate(leads)
            ]
        return [(decisions, index, record) for index, record in enumerate(records)]

    def decide_one(
        self,
        lead: Lead,
        now: datetime | None = None,
        suppressions: list[Suppression] | None = None,
        facts: HistoryFacts | None = None,
    ) -> DecisionRecord:
        """Decide one lead and return its full record (`suppressions`, `facts`: what the store holds on it)."""
        extra = (
            {} if facts is None else {"facts": facts}
        )  # not passed on: a subclass's decide may predate them
        if suppressions is not None:
            extra["suppressions"] = [suppressions]
        return self.decide([lead], now=now, **extra).record(0)
