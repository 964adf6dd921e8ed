"""The one decision pipeline: gates -> features -> model -> reasons -> route, for one lead or millions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property, partial

import numpy as np

from features import batching
from features.derived import Derived, derive
from features.gates import GateResults, run_gates
from features.memory import paused_gc
from features.model import ScoringModel
from features.policy import ROUTE_SEVERITY, Policy, Route, Thresholds
from features.public import public_answer
from features.reasons import TOP_NEGATIVE, TOP_POSITIVE, family_contributions, render_reasons, top_families
from features.schema import Lead
from features.table import build_table

BANDS = {
    Route.sales_ready: "high",
    Route.verify: "medium",
    Route.nurture: "low",
    Route.self_service: "very_low",
}


def band_routes(p_sql: np.ndarray, thresholds: Thresholds) -> np.ndarray:
    """Model route of each lead from its calibrated probability."""
    return np.select(
        [p_sql >= thresholds.sales_ready, p_sql >= thresholds.verify, p_sql >= thresholds.nurture],
        [Route.sales_ready.value, Route.verify.value, Route.nurture.value],
        default=Route.self_service.value,
    ).astype(object)


_ROUTES = [route.value for route in Route]


def combine_routes(
    model_route: np.ndarray, model_source: np.ndarray, gates: GateResults, policy: Policy
) -> tuple[np.ndarray, np.ndarray]:
    """Final route: the most severe of the (lifted) model route and every unlifted gate's route."""
    model_severity = np.array([ROUTE_SEVERITY[Route(r)] for r in model_route], dtype=np.int64)
    lift_severity = ROUTE_SEVERITY[policy.lift.route]
    # Suppression is reversible: a fresh high-intent signal lifts the model's route up to the lift route.
    lifted = gates.fresh_signal & (model_severity > lift_severity)
    model_severity = np.where(lifted, lift_severity, model_severity)
    severity = np.maximum(model_severity, gates.severity)
    by_gate = gates.gated & (gates.severity >= model_severity)
    source = np.where(
        by_gate, np.where(gates.lift_only, "lift", "gate"), np.where(lifted, "lift", model_source)
    )
    route = np.array([_ROUTES[s] for s in severity], dtype=object)
    return route, source.astype(object)


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

    def __len__(self) -> int:
        return len(self.lead_ids)

    def band(self, index: int) -> str | None:
        """Probability band of one lead (None without a model)."""
        return self._bands[index]

    def reasons(self, index: int, negative: bool) -> list[dict]:
        """Top negative (or positive) model reasons of one lead."""
        if not (self._has_negative if negative else self._has_positive)[index]:
            return []
        picks = (self.negative_picks if negative else self.positive_picks)[index]
        return render_reasons(self.derived, self.matrix, self._rounded_families, index, picks, negative)

    def gate_rows(self, index: int) -> list[dict]:
        """Gates that fired on one lead, most severe first, with the lead's value in the reason."""
        rows = []
        for j, value, lifted in self.gates.fired_by_lead(index):
            code, category, control, route, reason, public_message = self._gate_fields[j]
            rows.append(
                {
                    "code": code,
                    "category": category,
                    "control": control,
                    "route": route,
                    "reason": reason.format(value=value),
                    "public_message": public_message,
                    "lifted": lifted,
                }
            )
        return rows

    def record(self, index: int) -> dict:
        """Everything about one decision, JSON-safe."""
        gate_rows = self.gate_rows(index)
        gate_message = next((g["public_message"] for g in gate_rows if not g["lifted"]), None)
        route, source = self._routes[index], self._sources[index]
        answer_key = (route, source, gate_message, self._seniority[index])
        answer = self._answers.get(answer_key)
        if answer is None:
            answer = self._answers[answer_key] = public_answer(*answer_key)
        next_step, message = answer
        return {
            "lead_id": self.lead_ids[index],
            "route": route,
            "route_source": source,
            "p_sql": self._rounded_p_sql[index],
            "band": self._bands[index],
            "gates": gate_rows,
            "next_step": next_step,
            "public_message": message,
            "negative_reasons": self.reasons(index, negative=True),
            "positive_reasons": self.reasons(index, negative=False),
            "model_version": self.model_version,
            "policy_version": self.policy_version,
            "decided_at": self._decided_at_text,
        }

    def records(self) -> list[dict]:
        """`record` for every lead."""
        with paused_gc():
            return [self.record(i) for i in range(len(self))]

    # The columns a record reads, as plain Python values once per batch: indexing a numpy array per lead
    # boxes a numpy scalar each time, and the same few strings would be converted again and again.
    @cached_property
    def _rounded_families(self) -> np.ndarray:
        # Rounded once for the batch: four decimals of log-odds are all a record shows.
        return np.round(self.by_family, 4)

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
    def _has_negative(self) -> list[bool]:
        return [False] * len(self) if self.matrix is None else (self.negative_picks >= 0).any(axis=1).tolist()

    @cached_property
    def _has_positive(self) -> list[bool]:
        return [False] * len(self) if self.matrix is None else (self.positive_picks >= 0).any(axis=1).tolist()

    @cached_property
    def _gate_fields(self) -> list[tuple[str, str, str, str, str, str]]:
        # A gate's fixed fields, as plain strings: reading a StrEnum's .value runs Python code each time.
        return [
            (
                spec.code,
                spec.category.value,
                spec.control,
                spec.route.value,
                spec.reason,
                spec.public_message.value,
            )
            for spec in self.gates.specs
        ]

    @cached_property
    def _answers(self) -> dict[tuple, tuple[str, str]]:
        # public_answer memoized per batch: it depends on four values with a handful of combinations.
        return {}


def join_decisions(parts: list[Decisions]) -> Decisions:
    """One batch from the decisions of consecutive chunks (decided by one pipeline at one time)."""
    if len(parts) == 1:
        return parts[0]
    join_gates = partial(batching.concat, shared=("specs",))
    join_derived = partial(batching.concat, nested={"table": batching.concat_tables})
    return batching.concat(
        parts,
        shared=("model_version", "policy_version", "decided_at"),
        nested={"gates": join_gates, "derived": join_derived},
    )


class DecisionPipeline:
    """Policy plus (optionally) a trained model; the API, batch scoring and back-tests all call this."""

    def __init__(self, policy: Policy, model: ScoringModel | None = None):
        self.policy = policy
        self.model = model

    def decide(self, leads: list[Lead], now: datetime | None = None) -> Decisions:
        """Decide a batch of validated leads."""
        now = now or datetime.now(UTC)
        workers = batching.worker_count()
        with paused_gc():
            if self.model is None or workers < 2 or len(leads) < batching.PARALLEL_MIN_LEADS:
                return self._decide(leads, now)
            return self._decide_in_chunks(leads, now, workers)

    def _decide_in_chunks(self, leads: list[Lead], now: datetime, workers: int) -> Decisions:
        # Each chunk runs TreeSHAP on one core while another thread's chunk runs Python: LightGBM releases
        # the GIL, and on small trees its own threads scale worse than two chunks side by side.
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="decide") as pool:
            parts = list(
                pool.map(
                    lambda bounds: self._decide(leads[bounds[0] : bounds[1]], now, shap_threads=1),
                    batching.chunk_bounds(len(leads)),
                )
            )
        return join_decisions(parts)

    def _decide(self, leads: list[Lead], now: datetime, shap_threads: int | None = None) -> Decisions:
        table = build_table(leads, now=now)
        derived = derive(table, self.policy)
        gates = run_gates(derived, self.policy)
        n = table.n
        matrix = by_family = negative = positive = None
        p_sql = raw = np.full(n, np.nan)
        if self.model is not None:
            matrix = self.model.builder.transform(derived)
            contributions = self.model.contributions(matrix, threads=shap_threads)
            # TreeSHAP is exact: base value + contributions is the raw score, so one call gives both.
            raw = contributions.sum(axis=1)
            p_sql = self.model.calibrate(raw)
            by_family = family_contributions(contributions)
            negative = top_families(by_family, negative=True, k=TOP_NEGATIVE)
            positive = top_families(by_family, negative=False, k=TOP_POSITIVE)
            model_route = band_routes(p_sql, self.model.thresholds)
            source = np.full(n, "model", dtype=object)
        else:
            model_route = np.full(n, self.policy.routing.no_model_route.value, dtype=object)
            source = np.full(n, "no_model", dtype=object)
        route, source = combine_routes(model_route, source, gates, self.policy)
        return Decisions(
            lead_ids=table.text["lead_id"],
            route=route,
            route_source=source,
            model_route=model_route,
            p_sql=p_sql,
            raw_score=raw,
            gates=gates,
            derived=derived,
            matrix=matrix,
            by_family=by_family,
            negative_picks=negative,
            positive_picks=positive,
            model_version=self.model.version if self.model else None,
            policy_version=self.policy.version,
            decided_at=now,
        )

    def decide_one(self, lead: Lead, now: datetime | None = None) -> dict:
        """Decide one lead and return its full record."""
        return self.decide([lead], now=now).record(0)
