"""Human review of automatic decisions (GDPR Art. 22): items a person opens with a token, sales resolves.

The false-positive rate of automatic rejections is measured from them: of the resolved reviews of
decisions that kept a lead from sales automatically (not by an override), the share sales found
misclassified. Only disputed decisions are reviewed, so it is the rate among disputes, not among all
rejections: an upper bound of how often rejecting is wrong in general, and the answer to "when
people complain, how often are they right?".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, case, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from leadgate.decision.routes import REJECTING_ROUTES
from leadgate.serving.store_engine import writing
from leadgate.serving.store_models import DecisionRow, LeadRow, ReviewRow
from leadgate.serving.store_rows import is_review_token
from leadgate.serving.stored_times import stored_utc

REVIEW_OUTCOMES = {
    "misclassified": "the automatic decision was wrong",
    "correct": "the automatic decision stands",
}
REVIEW_STATUSES = ("open", "resolved")


class UnknownReviewToken(LookupError):
    """No lead carries this review token."""


class ReviewNotFound(LookupError):
    """No review item with this id."""


class AlreadyResolved(ValueError):
    """The review item was resolved before; its outcome stays."""


def _view(row) -> dict:
    return {
        "id": row.id,
        "lead_id": row.lead_id,
        "decision_seq": row.decision_seq,
        "route": row.route,
        "control": row.control,
        "p_sql": row.p_sql,
        "message": row.message,
        "status": row.status,
        "opened_at": stored_utc(row.opened_at),
        "outcome": row.outcome,
        "note": row.note,
        "resolved_by": row.resolved_by,
        "resolved_at": stored_utc(row.resolved_at),
    }


class NotAnswered(LookupError):
    """No decision of the token's lead with this number was answered to its sender."""


# The decisions whose public answer went back to the sender (and so to the person): the form's answer at
# arrival and each events answer. Overrides and suppressions decide again without answering anyone.
ANSWERED_TRIGGERS = ("created", "events")


def open_review(
    engine: Engine, *, token: str, message: str | None, at: datetime, decision_seq: int | None = None
) -> tuple[dict, bool]:
    """Open a review of the decision the person was told; (item, created). Idempotent per token and decision.

    The disputed decision is the answer numbered `decision_seq` (an events answer carries its number),
    else the answer at arrival, the one the token first came with: never a later decision the person was
    not told of. A repeat for a decision already under review (open or resolved) answers with that item and
    writes nothing; each other answer gets its own item, whatever the state of the others.
    """
    # Text no token can be (a NUL, which PostgreSQL cannot even compare, a typo'd length) is unknown, as a
    # guess is, and never reaches the store: this endpoint takes no key.
    if not is_review_token(token):
        raise UnknownReviewToken(token)
    for _ in range(2):  # a concurrent request for the same decision may win the insert: then read its item
        try:
            with writing(engine) as connection:
                lead_id = connection.scalar(select(LeadRow.lead_id).where(LeadRow.review_token == token))
                if lead_id is None:
                    raise UnknownReviewToken(token)
                told = DecisionRow.lead_id == lead_id, DecisionRow.trigger.in_(ANSWERED_TRIGGERS)
                wanted = () if decision_seq is None else (DecisionRow.seq == decision_seq,)
                latest = connection.execute(
                    select(DecisionRow.seq, DecisionRow.route, DecisionRow.p_sql, DecisionRow.record)
                    .where(*told, *wanted)
                    .order_by(DecisionRow.seq)
                    .limit(1)
                ).first()
                if latest is None:
                    raise NotAnswered(decision_seq)
                # One item per decision (uq_reviews_lead_seq): another answer's open item is not this one's.
                existing = connection.execute(
                    select(ReviewRow).where(
                        ReviewRow.lead_id == lead_id, ReviewRow.decision_seq == latest.seq
                    )
                ).first()
                if existing is not None:
                    return _view(existing), False
                control = latest.record.get("control") or "none"
                values = {
                    "lead_id": lead_id,
                    "decision_seq": latest.seq,
                    "route": latest.route,
                    "control": control,
                    "p_sql": latest.p_sql,
                    "message": message,
                    "status": "open",
                    "opened_at": at,
                }
                new_id = connection.execute(insert(ReviewRow), values).inserted_primary_key[0]
            return _view(
                _Row(id=new_id, **values, outcome=None, note=None, resolved_by=None, resolved_at=None)
            ), True
        except IntegrityError:
            continue
    raise RuntimeError("review could not be opened nor found")  # pragma: no cover - two lost races in a row


@dataclass(frozen=True)
class _Row:
    id: int
    lead_id: str
    decision_seq: int
    route: str
    control: str
    p_sql: float | None
    message: str | None
    status: str
    opened_at: datetime
    outcome: str | None
    note: str | None
    resolved_by: str | None
    resolved_at: datetime | None


def list_reviews(engine: Engine, *, status: str | None, limit: int, offset: int) -> tuple[list[dict], int]:
    """Review items, oldest first (a queue), optionally by status; plus the total."""
    query = select(ReviewRow)
    if status is not None:
        query = query.where(ReviewRow.status == status)
    with engine.connect() as connection:
        total = connection.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = connection.execute(
            query.order_by(ReviewRow.opened_at, ReviewRow.id).limit(limit).offset(offset)
        )
        return [_view(row) for row in rows], total


def reviews_of(connection: Connection, lead_id: str) -> list[dict]:
    """Every review item of a lead, open and resolved, by the decision disputed."""
    query = select(ReviewRow).where(ReviewRow.lead_id == lead_id).order_by(ReviewRow.decision_seq)
    return [_view(row) for row in connection.execute(query)]


def resolve_review(
    engine: Engine, *, review_id: int, outcome: str, note: str | None, by: str, at: datetime
) -> dict:
    """Resolve an open review; ReviewNotFound, or AlreadyResolved (nothing changes), otherwise."""
    with writing(engine) as connection:
        done = connection.execute(
            update(ReviewRow)
            .where(ReviewRow.id == review_id, ReviewRow.status == "open")
            .values(status="resolved", outcome=outcome, note=note, resolved_by=by, resolved_at=at)
        )
        row = connection.execute(select(ReviewRow).where(ReviewRow.id == review_id)).first()
    if row is None:
        raise ReviewNotFound(review_id)
    if done.rowcount == 0:
        raise AlreadyResolved(
            f"review {review_id} was already resolved as {row.outcome!r} by {row.resolved_by}; it stays so"
        )
    return _view(row)


@dataclass(frozen=True)
class FalsePositives:
    """Resolved reviews of automatic rejections, how many sales found misclassified, and the rate."""

    resolved: int
    misclassified: int
    open: int

    @property
    def rate(self) -> float | None:
        """misclassified / resolved; None with no resolved review."""
        return self.misclassified / self.resolved if self.resolved else None

    def describe(self) -> str:
        """One line for people."""
        if not self.resolved:
            return f"no resolved review of an automatic rejection yet ({self.open} open)"
        return (
            f"{self.rate:.1%} of disputed automatic rejections were misclassified "
            f"({self.misclassified} of n={self.resolved} resolved reviews; {self.open} open)"
        )


def false_positives(engine: Engine, since: datetime | None = None) -> FalsePositives:
    """Reviews of automatic rejections: resolved (since `since`, by resolution time), misclassified, open."""
    automatic = ReviewRow.route.in_(REJECTING_ROUTES) & (ReviewRow.control != "override")
    resolved = (ReviewRow.status == "resolved") & automatic
    if since is not None:
        bound = since.astimezone(UTC)
        if engine.dialect.name == "sqlite":
            bound = bound.replace(tzinfo=None)  # SQLite keeps naive UTC text; compare like with like
        resolved = resolved & (ReviewRow.resolved_at >= bound)
    count = lambda condition: func.coalesce(func.sum(case((condition, 1), else_=0)), 0)  # noqa: E731
    query = select(
        count(resolved),
        count(resolved & (ReviewRow.outcome == "misclassified")),
        count((ReviewRow.status == "open") & automatic),
    )
    with engine.connect() as connection:
        total, wrong, still_open = connection.execute(query).one()
    return FalsePositives(int(total), int(wrong), int(still_open))
