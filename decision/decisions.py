"""A decided batch as arrays, and how one of its leads becomes a DecisionRecord for people and storage."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from functools import cached_property

import numpy as np

from leadgate import runtime
from leadgate.decision.gate_recovery import LEAD_WORDS, gate_recovery, lead_recovery, still_held
from leadgate.decision.gates import GateResults
from leadgate.decision.policy import Policy
from leadgate.decision.public import public_answer
from leadgate.decision.reasons import ReasonBook
from leadgate.decision.record import DecisionRecord, FiredGate, Reason, acting_control
from leadgate.decision.routes import ROUTE_SEVERITY
from leadgate.decision.routing import BANDS
from leadgate.decision.suppression import NO_CALL_CONTACTS, SuppressionState
from leadgate.features.derived import Derived

# The order `Decisions.record` passes a record's fields in; checked at import so a new field cannot shift them.
RECORD_FIELDS = (
    "lead_id",
    "route",
    "route_source",
    "p_sql",
    "band",
    "gates",
    "next_step",
    "public_message",
    "negative_reasons",
    "positive_reasons",
    "model_version",
    "policy_version",
    "decided_at",
    "model_missing",
    "control",
    "override",
    "suppressions",
    "lists_version",
)
if tuple(f.name for f in fields(DecisionRecord)) != RECORD_FIELDS:
    raise ImportError("DecisionRecord's fields changed: update RECORD_FIELDS and Decisions.record")


@dataclass(frozen=True)
class Decisions:
    """Decisions for a batch of leads, as arrays; `record(i)` renders one for people and storage."""

    lead_ids: list[str]
    route: np.ndarray
    route_source: np.ndarray  # gate | lift | model | no_model
    model_route: np.ndarray  # the probability band's route, before gates and lifts
    p_sql: np.ndarray  # NaN when no model is loaded
    raw_score: np.ndarray
    gates: GateResults
    derived: Derived
    matrix: np.ndarray | None
    by_family: np.ndarray | None
    negative_picks: np.ndarray | None
    positive_picks: np.ndarray | None
    model_version: str | None
    policy_version: str
    decided_at: datetime
    book: ReasonBook | None = None  # the model's reason families; None without a model
    negative_points: np.ndarray | None = None  # (n, k) P(SQL) points of each negative pick
    positive_points: np.ndarray | None = None
    policy: Policy | None = (
        None  # the policy decided under: its numbers and lift are named in gates' recovery
    )
    comparisons: np.ndarray | None = None  # (n, families) count column compared with converting leads, or -1
    suppressions: list[list[SuppressionState]] | None = None  # per lead: every suppression bearing on it
    lists_version: str | None = None  # revision of the store's lists merged into the policy, if any

    def __len__(self) -> int:
        return len(self.lead_ids)

    def band(self, index: int) -> str | None:
        """Probability band of one lead (None without a model)."""
        return self._bands[index]

    def reasons(self, index: int, negative: bool) -> list[Reason]:
        """Top negative (or positive) model reasons of one lead."""
        picked = (self._negative_picked if negative else self._positive_picked)[index]
        return self.book.render(self.derived, self.matrix, index, picked, negative) if picked else []

    def gate_rows(self, index: int) -> list[FiredGate]:
        """Gates that fired on one lead, most severe first, with the lead's value in the reason."""
        rows, promising = [], []
        fields = self._gate_fields
        # Gates a lift cannot change that hold the lead below the lift's route, named beside a lift's promise.
        holding = []
        for j, value, lifted in self.gates.fired_by_lead(index):
            found = fields.get(j)
            if found is None:
                found = fields[j] = self._fields_of_gate(j)
            code, category, control, route, reason, public_message, recovery, liftable, below_lift = found
            reason = _worded(reason, value)
            # A lifted gate no longer holds the lead: nothing left to recover from.
            if lifted:
                recovery = None
            elif recovery is not None and code in self._lead_worded:
                recovery = lead_recovery(recovery, self.gates.recovery_words_of(index, j))
            row = FiredGate(code, category, control, route, reason, public_message, lifted, recovery)
            if not lifted and liftable:
                promising.append(row)
            elif not lifted and below_lift:
                holding.append(code)
            rows.append(row)
        if holding:
            for row in promising:
                if row.recovery is not None:
                    row.recovery += still_held(holding)
        return rows

    def record(self, index: int) -> DecisionRecord:
        """Everything about one decision."""
        gate_rows = self.gate_rows(index)
        gate_message = (
            next((g.public_message for g in gate_rows if not g.lifted), None) if gate_rows else None
        )
        route, source = self._routes[index], self._sources[index]
        answer_key = (route, source, gate_message, self._seniority[index], index in self._no_call)
        answer = self._answers.get(answer_key)
        if answer is None:
            answer = self._answers[answer_key] = public_answer(*answer_key)
        next_step, message = answer
        negative, positive = self._negative_picked[index], self._positive_picked[index]
        # Positional, in RECORD_FIELDS order: seventeen keywords cost ~0.6 µs a record, a lead's whole gate check.
        return DecisionRecord(
            self.lead_ids[index],
            route,
            source,
            self._rounded_p_sql[index],
            self._bands[index],
            gate_rows,
            next_step,
            message,
            self.book.render(self.derived, self.matrix, index, negative, True) if negative else [],
            self.book.render(self.derived, self.matrix, index, positive, False) if positive else [],
            self.model_version,
            self.policy_version,
            self._decided_at_text,
            self.model_version is None,
            acting_control(route, source, gate_rows),
            None,  # override: only sales sets one, on a stored decision
            self._suppression_rows(index),
            self.lists_version,
        )

    def suppressed(self, contact: str | None = None) -> np.ndarray:
        """Leads on which a suppression is active (of this kind of contact, or of any)."""
        found = self.suppressions or [()] * len(self)
        return np.array(
            [any(s.active and contact in (None, s.suppression.contact) for s in states) for states in found],
            dtype=bool,
        )

    @cached_property
    def _no_call(self) -> frozenset[int]:
        # The leads no one may phone (an active phone suppression): their next step is never a call.
        found = self.suppressions or ()
        return frozenset(
            i
            for i, states in enumerate(found)
            if any(s.active and s.suppression.contact in NO_CALL_CONTACTS for s in states)
        )

    def _suppression_rows(self, index: int) -> list[dict]:
        found = self.suppressions[index] if self.suppressions is not None else ()
        return [state.to_json() for state in found]

    def records(self) -> list[DecisionRecord]:
        """`record` for every lead."""
        with runtime.paused_gc():
            return [self.record(i) for i in range(len(self))]

    # The columns a record reads, as plain Python values once per batch: indexing a numpy array per lead
    # boxes a numpy scalar each time, and the same few strings would be converted again and again.
    @cached_property
    def _negative_picked(self) -> list[list[tuple[int, float, float, int]]]:
        # Only against a lead: the count column its words compare with converting leads (-1 none).
        return self._picked(self.negative_picks, self.negative_points, self.comparisons)

    @cached_property
    def _positive_picked(self) -> list[list[tuple[int, float, float, int]]]:
        return self._picked(self.positive_picks, self.positive_points, None)

    def _picked(
        self, picks: np.ndarray | None, points: np.ndarray | None, comparisons: np.ndarray | None
    ) -> list[list[tuple[int, float, float, int]]]:
        """Per lead, (family, contribution, points, comparison column) of each pick, as plain Python values."""
        if self.matrix is None:
            return [[]] * len(self)  # read only: no model, no reasons
        keep = picks >= 0
        rows = np.nonzero(keep)[0]
        families = picks[keep]
        # Rounded once for the batch: four decimals of log-odds are all a record shows.
        contributions = np.round(self.by_family[rows, families], 4)
        columns = np.full(len(rows), -1) if comparisons is None else comparisons[rows, families]
        # One flat list for the batch, cut per lead (rows come out of nonzero in order, picks in pick order).
        flat = list(
            zip(
                families.tolist(),
                contributions.tolist(),
                points[keep].tolist(),
                columns.tolist(),
                strict=True,
            )
        )
        bounds = np.searchsorted(rows, np.arange(len(self) + 1)).tolist()
        return [flat[start:stop] for start, stop in zip(bounds, bounds[1:], strict=False)]

    @cached_property
    def _decided_at_text(self) -> str:
        return self.decided_at.isoformat()

    @cached_property
    def _routes(self) -> list[str]:
        return self.route.tolist()

    @cached_property
    def _sources(self) -> list[str]:
        return self.route_source.tolist()

    @cached_property
    def _seniority(self) -> list[str]:
        return self.derived.seniority.tolist()

    @cached_property
    def _rounded_p_sql(self) -> list[float | None]:
        # Python's round, not numpy's: numpy rounds by scaling, which can differ in the last digit.
        return [None if p != p else round(p, 6) for p in self.p_sql.tolist()]

    @cached_property
    def _bands(self) -> list[str | None]:
        band_of = {route.value: band for route, band in BANDS.items()}
        return [
            None if p != p else band_of[route]
            for p, route in zip(self.p_sql.tolist(), self.model_route.tolist(), strict=True)
        ]

    @cached_property
    def _gate_fields(self) -> dict[int, tuple]:
        # Per gate column, filled as gates fire: one lead fires one or two of the policy's ~36 gates.
        return {}

    def _fields_of_gate(self, column: int) -> tuple:
        # A gate's fixed fields, as plain strings: reading a StrEnum's .value runs Python code each time.
        # Last, whether a lift lifts it and whether it holds a lead below the lift's route when it does not.
        spec = self.gates.specs[column]
        lift = self.policy.lift.route if self.policy is not None else None
        return (
            spec.code,
            spec.category.value,
            spec.control,
            spec.route.value,
            spec.reason,
            spec.public_message.value,
            gate_recovery(spec, self.policy) if self.policy is not None else spec.recovery,
            spec.liftable,
            lift is not None and ROUTE_SEVERITY[spec.route] > ROUTE_SEVERITY[lift],
        )

    @cached_property
    def _lead_worded(self) -> frozenset[str]:
        # Gates whose recovery names a fact of the lead (LEAD_WORDS): only theirs is filled in lead by lead.
        return frozenset(spec.code for spec in self.gates.specs if spec.check in LEAD_WORDS)

    @cached_property
    def _answers(self) -> dict[tuple, tuple[str, str]]:
        # public_answer memoized per batch: it depends on four values with a handful of combinations.
        return {}


# Bidi controls in a lead's text (U+202E and kin) would reorder the rest of a sales-facing reason when quoted.
_BIDI_CONTROLS = str.maketrans(
    "", "", "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def _worded(reason: str, value) -> str:
    """A gate's reason with the lead's value (without bidi controls); a policy stored with an older model may
    hold a placeholder the file check now refuses ({company}): it is left as written rather than failing."""
    if isinstance(value, str):
        value = value.translate(_BIDI_CONTROLS)
    try:
        return reason.format(value=value)
    except (KeyError, IndexError, ValueError):
        return reason.replace("{value}", str(value))
