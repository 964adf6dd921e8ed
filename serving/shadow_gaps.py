"""The store's side of catching up shadow decisions: where a challenger's shadow period began, which leads of it
lack the challenger's decision, and writing the decisions made for them."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, and_, exists, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from leadgate.serving.lifecycle_store import record_shadow
from leadgate.serving.store import writing
from leadgate.serving.store_models import DecisionRow, LeadRow, ShadowDecisionRow
from leadgate.serving.stored_times import stored_utc


def shadow_began(engine: Engine, model_version: str) -> datetime | None:
    """The arrival of the earliest lead this version decided in shadow: its shadow period began by then
    (None: it decided none in this store)."""
    query = select(func.min(ShadowDecisionRow.decided_at)).where(
        ShadowDecisionRow.model_version == model_version
    )
    with engine.connect() as connection:
        return stored_utc(connection.scalar(query))


def missing_shadow(engine: Engine, model_version: str, since: datetime, until: datetime) -> list[str]:
    """Ids of leads that arrived in [since, until) and have no decision of this version in shadow, oldest first."""
    since, until = _as_stored(engine, since), _as_stored(engine, until)
    query = (
        select(LeadRow.lead_id)
        .join(DecisionRow, and_(DecisionRow.lead_id == LeadRow.lead_id, DecisionRow.seq == 1))
        # The arrival decision's time narrows the search on its index (leads.received_at has none); the
        # arrival itself, which is the live scorer's `now`, is the bound that counts. One intake batch stores
        # its leads with its latest arrival as their decision time, so that is never before their arrival.
        .where(DecisionRow.decided_at >= since, LeadRow.received_at >= since, LeadRow.received_at < until)
        .where(~_has_shadow(model_version))
        .order_by(LeadRow.received_at, LeadRow.lead_id)
    )
    with engine.connect() as connection:
        return list(connection.scalars(query))


def still_missing(
    engine: Engine, model_version: str, lead_ids: list[str]
) -> list[tuple[str, dict, datetime]]:
    """(lead id, lead as stored, arrival) of those leads that still have no decision of this version in shadow."""
    query = (
        select(LeadRow.lead_id, LeadRow.lead, LeadRow.received_at)
        .where(LeadRow.lead_id.in_(lead_ids), ~_has_shadow(model_version))
        .order_by(LeadRow.lead_id)
    )
    with engine.connect() as connection:
        return [(r[0], r[1], stored_utc(r[2])) for r in connection.execute(query)]


def record_shadows(engine: Engine, rows: list[dict]) -> list[dict]:
    """Store shadow decisions in one transaction, leaving out any that a lead has already from that version
    (another worker's catch-up, the live scorer); the rows written."""
    if not rows:
        return []
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(ShadowDecisionRow)
        .on_conflict_do_nothing(index_elements=["lead_id", "model_version"])
        .returning(ShadowDecisionRow.lead_id, ShadowDecisionRow.model_version)
    )
    try:
        with writing(engine) as connection:
            written = {tuple(r) for r in connection.execute(statement, rows)}
    except IntegrityError:
        # A lead erased since it was read: its row has no lead to point to. The rest one at a time.
        return [row for row in rows if record_shadow(engine, row)]
    return [row for row in rows if (row["lead_id"], row["model_version"]) in written]


def _has_shadow(model_version: str):
    return exists().where(
        ShadowDecisionRow.lead_id == LeadRow.lead_id, ShadowDecisionRow.model_version == model_version
    )


def _as_stored(engine: Engine, moment: datetime) -> datetime:
    """A bound compared as the store keeps times: SQLite naive UTC text, PostgreSQL an aware time."""
    moment = moment.astimezone(UTC)
    return moment.replace(tzinfo=None) if engine.dialect.name == "sqlite" else moment
