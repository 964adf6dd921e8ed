"""Deterministic eligibility and data-quality gates: the check registry and running a policy's gates on a batch."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from leadgate.decision.history_facts import HistoryFacts
from leadgate.decision.policy import Policy
from leadgate.decision.policy_gates import GateSpec
from leadgate.decision.routes import ROUTE_SEVERITY, ROUTES, Route
from leadgate.features.derived import Derived

# A check returns, per lead, whether it fires and the lead's own value that made it fire; a check whose
# recovery names a fact of the lead (the date a rejection ages out) adds, per lead, those words as a dict.
Check = Callable[[Derived, Policy], tuple[np.ndarray, ...]]
CHECKS: dict[str, Check] = {}
# Per check, the reason families whose fact it judges (`check`'s reads).
READS: dict[str, tuple[str, ...]] = {}
# A check that also reads what the store counted (decision/history_facts.py); run only when facts are given.
FactCheck = Callable[[Derived, HistoryFacts, Policy], tuple[np.ndarray, ...]]
FACT_CHECKS: dict[str, FactCheck] = {}


def check(name: str, reads: tuple[str, ...] = ()) -> Callable[[Check], Check]:
    """Register a gate check under the name a policy file uses; `reads`: the reason families whose fact it
    judges (a lead it holds gets no reason *for* it from them)."""

    def register(function: Check) -> Check:
        CHECKS[name] = function
        READS[name] = reads
        return function

    return register


def _values(mask: np.ndarray, values) -> tuple[np.ndarray, np.ndarray]:
    return mask, np.where(mask, np.asarray(values, dtype=object), "")


def _sparse(mask: np.ndarray, word: Callable[[int], str]) -> tuple[np.ndarray, np.ndarray]:
    """`_values` with the value worded only where the gate fires, as word(lead index): most leads fire none."""
    values = np.full(len(mask), "", dtype=object)
    for i in np.flatnonzero(mask).tolist():
        values[i] = word(i)
    return mask, values


def _text(d: Derived, column: str) -> np.ndarray:
    return np.array(d.table.text[column], dtype=object)


def fact_check(name: str) -> Callable[[FactCheck], FactCheck]:
    """Register a gate check that reads the store's facts; without facts it runs its plain check, or never fires."""

    def register(function: FactCheck) -> FactCheck:
        FACT_CHECKS[name] = function
        CHECKS.setdefault(name, _never)
        return function

    return register


def _never(d: Derived, policy: Policy):
    return _values(np.zeros(d.table.n, dtype=bool), np.full(d.table.n, "", dtype=object))


@dataclass(frozen=True)
class GateResults:
    """Which gates fired on which lead, the values, and the route the gates impose."""

    specs: list[GateSpec]
    fired: np.ndarray  # (n, gates) bool
    values: np.ndarray  # (n, gates) object
    lifted: np.ndarray  # (n, gates) bool: fired, liftable and lifted by a fresh signal
    fresh_signal: np.ndarray  # (n,) bool: a high-intent event within the policy's lift window
    severity: (
        np.ndarray
    )  # (n,) int: most severe route the gates impose (lifted ones: the lift route), -1 none
    lift_only: np.ndarray  # (n,) bool: every gate that fired was lifted
    # (n, gates) object: per fired gate, the lead's own words its recovery names ({"until": "2027-03-24"}),
    # None where its check gives none.
    recovery_words: np.ndarray | None = None

    @property
    def route(self) -> np.ndarray:
        """The route the gates impose on each lead, "" when none fired."""
        return np.array([ROUTES[s] if s >= 0 else "" for s in self.severity], dtype=object)

    @property
    def gated(self) -> np.ndarray:
        """Leads on which at least one gate fired."""
        return self.severity >= 0

    def rejecting(self) -> np.ndarray:
        """Leads a gate keeps from sales altogether (self_service or silent_reject)."""
        return self.severity >= Route.self_service.severity

    @cached_property
    def _fired_by_lead(self) -> list[list[tuple[int, str, bool]]]:
        # Built for the whole batch in one vectorized pass: (gate column, value, lifted) per lead, in
        # fired_for's order, with the values already plain Python objects.
        rows, columns = np.nonzero(self.fired)
        lifted = self.lifted[rows, columns]
        severity = np.array([ROUTE_SEVERITY[spec.route] for spec in self.specs], dtype=np.int64)
        # Per lead: unlifted first, then most severe; ties keep the policy's gate order (as a stable sort).
        order = np.lexsort((columns, -severity[columns], lifted, rows))
        rows, columns, lifted = rows[order], columns[order], lifted[order]
        values = [str(value) for value in self.values[rows, columns].tolist()]
        fired = list(zip(columns.tolist(), values, lifted.tolist(), strict=True))
        bounds = np.searchsorted(rows, np.arange(self.fired.shape[0] + 1)).tolist()
        return [fired[start:end] for start, end in zip(bounds, bounds[1:], strict=False)]

    def holding_families(self, families: Sequence[str]) -> np.ndarray | None:
        """(n, families) True where a gate that holds the lead (fired, not lifted) judged that family's fact;
        None when none did. Walk AD: "Student or intern (Intern)" was a reason for a lead the student gate held."""
        held = None
        holding = self.fired & ~self.lifted  # one pass for the batch, not a column pair per gate
        for j, spec in enumerate(self.specs):
            read = [families.index(family) for family in READS.get(spec.check, ()) if family in families]
            if read and holding[:, j].any():
                held = np.zeros((len(holding), len(families)), dtype=bool) if held is None else held
                held[np.ix_(holding[:, j], read)] = True
        return held

    def fired_by_lead(self, index: int) -> list[tuple[int, str, bool]]:
        """(gate column, value, lifted) of every gate that fired on one lead, in `fired_for`'s order."""
        return self._fired_by_lead[index]

    def recovery_words_of(self, index: int, column: int) -> dict | None:
        """The lead's own words a fired gate's recovery names, or None."""
        return None if self.recovery_words is None else self.recovery_words[index, column]

    def fired_for(self, index: int) -> list[tuple[GateSpec, str, bool]]:
        """(spec, value, lifted) of every gate that fired on one lead, unlifted first, then most severe."""
        return [(self.specs[j], value, lifted) for j, value, lifted in self._fired_by_lead[index]]


def run_gates(derived: Derived, policy: Policy, facts: HistoryFacts | None = None) -> GateResults:
    """Evaluate every enabled gate of the policy on every lead; gates counted from the store need `facts`."""
    specs = policy.active_gates()
    n = derived.table.n
    fired = np.zeros((n, len(specs)), dtype=bool)
    values = np.full((n, len(specs)), "", dtype=object)
    words = np.full((n, len(specs)), None, dtype=object)
    for j, spec in enumerate(specs):
        if facts is not None and spec.check in FACT_CHECKS:
            found = FACT_CHECKS[spec.check](derived, facts, policy)
        else:
            found = CHECKS[spec.check](derived, policy)
        fired[:, j], values[:, j] = found[0], found[1]
        if len(found) > 2:
            words[:, j] = found[2]
    with np.errstate(invalid="ignore"):
        fresh_signal = derived.days_since_lift_event <= policy.lift.within_days
    liftable = np.array([spec.liftable for spec in specs], dtype=bool)
    lifted = fired & liftable[None, :] & fresh_signal[:, None]
    severity = np.array([ROUTE_SEVERITY[spec.route] for spec in specs])
    effective = np.where(fired & ~lifted, severity[None, :], -1)
    worst = effective.max(axis=1) if specs else np.full(n, -1)
    # A lifted gate still caps the lead at the lift route: never straight to sales.
    lift_only = (worst < 0) & lifted.any(axis=1)
    worst = np.where(lift_only, ROUTE_SEVERITY[policy.lift.route], worst)
    return GateResults(
        specs=specs,
        fired=fired,
        values=values,
        lifted=lifted,
        fresh_signal=fresh_signal,
        severity=worst,
        lift_only=lift_only,
        recovery_words=words,
    )


# The checks live in their own modules and register themselves on import: domains, firmographics, form and
# decay (profile_checks), what the lead says about itself (lead_checks), what the store counted
# (history_gates). Last, so those modules find `check` defined.
from leadgate.decision import history_gates, lead_checks, profile_checks  # noqa: E402, F401
