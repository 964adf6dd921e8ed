"""The store's listing reads: each lead's latest decision, filtered and paged; whether a gate was named."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, exists, func, select
from sqlalchemy.orm import aliased, sessionmaker

from leadgate.serving.store_models import DecisionGateRow, DecisionRow


class DecisionListing:
    """The listing half of `DecisionStore`: reads over its engine and session factory."""

    engine: Engine
    sessions: sessionmaker

    def gate_named(self, code: str) -> bool:
        """Whether any stored decision (a lead's latest or an earlier one) names this gate (indexed)."""
        with self.engine.connect() as connection:
            query = select(DecisionGateRow.decision_id).where(DecisionGateRow.code == code).limit(1)
            return connection.execute(query).first() is not None

    def latest(
        self,
        *,
        route: str | None = None,
        gate: str | None = None,
        since: datetime | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[list[DecisionRow], int]:
        """Latest decision per lead, newest first, filtered by route, gate and time; plus the total."""
        # Each filter is a test of one decision row, answered by an index, so the cost grows with the
        # decisions and never with leads x matching rows, whatever the planner's statistics say (`is_latest`).
        query = select(DecisionRow).where(is_latest(DecisionRow))
        if route:
            query = query.where(DecisionRow.route == route)
        if since:
            since = since.astimezone(UTC) if since.tzinfo else since.replace(tzinfo=UTC)
            if self.engine.dialect.name == "sqlite":
                since = since.replace(tzinfo=None)  # SQLite keeps naive UTC text; compare like with like
            query = query.where(DecisionRow.decided_at >= since)
        if gate:
            # One primary-key probe of decision_gates (decision_id, code) per decision.
            query = query.where(
                exists().where(DecisionGateRow.decision_id == DecisionRow.id, DecisionGateRow.code == gate)
            )
        with self.sessions() as session:
            total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
            rows = session.scalars(
                query.order_by(DecisionRow.decided_at.desc(), DecisionRow.id.desc())
                .limit(limit)
                .offset(offset)
            )
            return list(rows), total


def is_latest(decision: type[DecisionRow]):
    """True for a lead's latest decision: its seq is the lead's highest, found per row on (lead_id, seq)."""
    # A correlated max(), not a join with a per-lead max(seq) grouped in a subquery: each row costs one probe
    # of the unique index, and no planner can turn it into that join. Without statistics (tables never
    # analysed, as after a bulk import) PostgreSQL ran the join as a nested loop against every matching row,
    # and SQLite did whatever the statistics: leads x gate rows (1,250 leads: 5 s and 25 s).
    newer = aliased(DecisionRow)
    return decision.seq == (
        select(func.max(newer.seq)).where(newer.lead_id == decision.lead_id).scalar_subquery()
    )
