"""Leads replayed as live traffic: decided by the champion at arrival and stored, then scored by the challenger."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine

from leadgate.features.schema import Lead, parse_lead
from leadgate.serving.erasure import salt_of
from leadgate.serving.intake import Arrival, Intake
from leadgate.serving.model_holder import Current
from leadgate.serving.model_loading import load_by_alias
from leadgate.serving.screening import Screening
from leadgate.serving.shadow import ShadowMetrics, ShadowScorer
from leadgate.serving.store import DecisionStore
from leadgate.settings import Settings

CHUNK = 2_000  # leads decided and written together


@dataclass(frozen=True)
class Replayed:
    """What a replay wrote."""

    stored: int
    repeats: int  # leads the store already held (left as they were)
    shadow: int  # leads the challenger scored (0 without a challenger)
    champion: str
    challenger: str | None


def arrivals_of(records: list[dict]) -> list[Lead]:
    """History records (a lead plus its outcome) as leads reaching the service at their snapshot time.

    The synthetic history was scored at each snapshot, with the activity known by then; deciding the same
    lead bare at creation would differ from how it was trained.
    """
    return [
        parse_lead(
            {
                **{k: v for k, v in r.items() if k != "outcome"},
                "scored_at": r.get("scored_at") or r["created_at"],
            }
        )
        for r in records
    ]


def replay(settings: Settings, engine: Engine, leads: list[Lead]) -> Replayed:
    """Each lead decided as of its arrival (its `scored_at`, else `created_at`) and stored as the API stores it.

    The champion's decision goes to the store; a challenger, when the alias exists, scores every lead in
    shadow exactly as the service's background thread does. For demos, back-fills and tests.
    """
    from prometheus_client import CollectorRegistry

    champion = load_by_alias(settings, "champion")
    current = Current(champion.pipeline(), champion)
    store = DecisionStore(engine)
    # The service's own intake: the store's lists and suppressions read, a lead's suppressions stored, its
    # earlier submissions counted; only the clock is each lead's arrival instead of now.
    intake = Intake(store, screening=Screening(engine, salt_of(settings)))
    arrivals = [
        (lead.as_of(lead.scored_at or lead.created_at), lead.scored_at or lead.created_at) for lead in leads
    ]
    stored = repeats = 0
    for start in range(0, len(arrivals), CHUNK):
        part = [
            Arrival(current, lead, lead.model_dump(mode="json", exclude={"scored_at"}), None, at)
            for lead, at in arrivals[start : start + CHUNK]
        ]
        for result in intake.run_batch(part):
            if isinstance(result, BaseException):
                raise result
            stored, repeats = stored + result.stored.created, repeats + (not result.stored.created)
    scorer = ShadowScorer(settings, engine, ShadowMetrics(CollectorRegistry()))
    scorer.holder.refresh()
    current = scorer.holder.current()
    if not scorer.active:
        return Replayed(stored, repeats, 0, champion.model.version, None)
    for start in range(0, len(arrivals), CHUNK):
        scorer.score_batch(arrivals[start : start + CHUNK])
    return Replayed(stored, repeats, len(arrivals), champion.model.version, current.model_version)
