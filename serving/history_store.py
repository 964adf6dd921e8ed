"""The store's facts about leads about to be decided: one indexed query per batch (decision/history_facts.py)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import (
    Connection,
    DateTime,
    Engine,
    Integer,
    String,
    bindparam,
    case,
    cast,
    func,
    literal,
    null,
    select,
    union_all,
)

from leadgate.decision.gates import FACT_CHECKS
from leadgate.decision.history_facts import HistoryFacts, HistoryRules
from leadgate.decision.policy import Policy
from leadgate.features.accounts import ContactKeys
from leadgate.serving.store_engine import reading
from leadgate.serving.store_models import AccountStatusRow, LeadRow, OutcomeRow

_DAY = 86_400.0
_DO_NOT_ENGAGE, _CHURNED, _ESCALATION = 1, 2, 4  # account status flags, packed into one integer column


@dataclass(frozen=True)
class Submission:
    """A lead about to be decided: its id, what it is counted by, and when it arrived."""

    lead_id: str
    keys: ContactKeys
    at: datetime
    decided_at: datetime | None = None  # a re-decision's time: account history up to it counts

    @classmethod
    def of(cls, lead: dict, at: datetime, decided_at: datetime | None = None) -> Submission:
        """From a lead as stored (its JSON dict), its arrival, and the time of a later re-decision."""
        later = None if decided_at is None else decided_at.astimezone(UTC)
        return cls(lead["lead_id"], ContactKeys.of(lead), at.astimezone(UTC), later)

    @property
    def as_of(self) -> datetime:
        """The time the account's history is read at."""
        return self.decided_at or self.at


def uses_facts(policy: Policy) -> bool:
    """Whether any active gate of the policy reads the store's facts (else the query is skipped)."""
    return any(spec.check in FACT_CHECKS for spec in policy.active_gates())


def history_facts(
    engine: Engine, submissions: list[Submission], policy: Policy, connection: Connection | None = None
) -> HistoryFacts:
    """Facts of each submission as of its arrival: the store's rows plus the earlier submissions of this batch.

    Stored leads count within [first arrival - window, last arrival] of the batch, the batch's own leads
    excepted (a re-decided lead is stored already); a batch spans milliseconds, so this is each lead's window.
    `connection`: read inside that transaction, so a change it made (an account's status) is seen.
    """
    rules = policy.history or HistoryRules()
    facts = HistoryFacts.empty(len(submissions))
    if not submissions:
        return facts
    stored = _query(engine, submissions, rules, connection)
    seen: dict[tuple[str, str], set[str]] = {}  # (kind, key) -> lead ids earlier in this batch
    for i, submission in enumerate(submissions):
        keys = submission.keys
        facts.account_domain[i] = keys.account_domain
        for kind, key, column in (
            ("ip", keys.ip, facts.ip_submissions),
            ("email", keys.email, facts.email_submissions),
        ):
            if key:
                earlier = seen.setdefault((kind, key), set())
                column[i] = stored.counts[(kind, key)] + len(earlier - {submission.lead_id}) + 1
                earlier.add(submission.lead_id)
        if keys.account_domain:
            rejected = stored.rejections.get(keys.account_domain, [])
            # Within this submission's own window: stored leads re-decided together arrived apart.
            since = submission.at - timedelta(days=rules.bad_fit_days)
            before = [rejection for rejection in rejected if since <= rejection[0] <= submission.as_of]
            if before:
                at, reason, dated = max(before, key=lambda rejection: rejection[:2])
                facts.bad_fit_rejected_days[i] = at.timestamp() / _DAY
                facts.bad_fit_reason[i] = reason
                facts.bad_fit_dated[i] = dated
            flags = stored.status.get(keys.account_domain, 0)
            facts.account_do_not_engage[i] = bool(flags & _DO_NOT_ENGAGE)
            facts.churned_non_payment[i] = bool(flags & _CHURNED)
            facts.open_escalation[i] = bool(flags & _ESCALATION)
    return facts


def stored_facts(
    engine: Engine, submissions: list[Submission], policy: Policy, connection: Connection | None = None
) -> HistoryFacts:
    """Facts of stored leads decided again together, each as at its own arrival: what `history_facts` answers
    for each one alone, in two queries for the lot instead of one per lead.

    Each lead counts the stored submissions of its IP and email within its own window up to its arrival
    (itself once), not those of the others' windows: leads re-decided together arrived months apart.
    """
    rules = policy.history or HistoryRules()
    facts = history_facts(engine, submissions, policy, connection)
    if not submissions:
        return facts
    arrivals = _arrivals(engine, submissions, rules, connection)
    for i, submission in enumerate(submissions):
        keys = submission.keys
        for kind, key, column, window in (
            ("ip", keys.ip, facts.ip_submissions, rules.ip_window_seconds),
            ("email", keys.email, facts.email_submissions, rules.email_window_seconds),
        ):
            if key:
                times, ids = arrivals.get((kind, key), ([], set()))
                since = submission.at - timedelta(seconds=window)
                within = bisect_right(times, submission.at) - bisect_left(times, since)
                column[i] = within - (submission.lead_id in ids) + 1
    return facts


def _arrivals(
    engine: Engine, submissions: list[Submission], rules: HistoryRules, given: Connection | None
) -> dict[tuple[str, str], tuple[list[datetime], set[str]]]:
    """(kind, key) -> the sorted arrivals of stored leads with it, within the widest window, and their ids."""
    naive = engine.dialect.name == "sqlite"  # SQLite keeps naive UTC text; compare like with like
    widest = max(rules.ip_window_seconds, rules.email_window_seconds)
    first, last = min(s.at for s in submissions), max(s.at for s in submissions)
    since, last = first - timedelta(seconds=widest), last
    if naive:
        since, last = since.replace(tzinfo=None), last.replace(tzinfo=None)
    found: dict[tuple[str, str], tuple[list[datetime], set[str]]] = {}
    with _within(engine, given) as connection:
        for kind, column in (("ip", LeadRow.source_ip), ("email", LeadRow.email)):
            keys = _storable(getattr(s.keys, kind) for s in submissions)
            for start in range(0, len(keys), _KEYS_PER_QUERY):
                rows = connection.execute(
                    select(column, LeadRow.received_at, LeadRow.lead_id).where(
                        column.in_(keys[start : start + _KEYS_PER_QUERY]),
                        LeadRow.received_at >= since,
                        LeadRow.received_at <= last,
                    )
                )
                for key, at, lead_id in rows:
                    times, ids = found.setdefault((kind, key), ([], set()))
                    times.append(at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC))
                    ids.add(lead_id)
    for times, _ids in found.values():
        times.sort()
    return found


_KEYS_PER_QUERY = 1000  # far below SQLite's 32766 parameters a statement


def _storable(values) -> list[str]:
    """Distinct values the store could hold: text it cannot (a lone surrogate, a NUL) is in no stored row."""
    kept = set()
    for value in values:
        if value and "\x00" not in value:
            try:
                value.encode()
            except UnicodeEncodeError:
                continue
            kept.add(value)
    return sorted(kept)


@dataclass(frozen=True)
class _Stored:
    counts: Counter  # (kind, key) -> stored submissions within the window
    # account -> (recorded_at, reason, whether that time was sent with it) of its bad-fit rejections
    rejections: dict[str, list[tuple[datetime, str, bool]]]
    status: dict[str, int]  # account -> packed status flags


def _build_query():
    """The one statement for a batch, with every value a parameter: built and compiled once per process."""
    no_time, no_text = cast(null(), DateTime(timezone=True)), cast(null(), String)
    ids = bindparam("ids", expanding=True)
    parts = [
        select(literal(kind).label("kind"), column.label("key"), func.count().label("n"), no_time, no_text)
        .where(
            column.in_(bindparam(f"{kind}_keys", expanding=True)),
            LeadRow.received_at >= bindparam(f"{kind}_since"),
            LeadRow.received_at <= bindparam("last"),
            LeadRow.lead_id.not_in(ids),
        )
        .group_by(column)
        for kind, column in (("ip", LeadRow.source_ip), ("email", LeadRow.email))
    ]
    domains = bindparam("domains", expanding=True)
    parts.append(
        select(
            literal("rejected"),
            LeadRow.account_domain,
            # The number column carries whether the time was sent with it (1), or not or not known (0 or NULL).
            cast(OutcomeRow.at_given, Integer),
            OutcomeRow.recorded_at,
            OutcomeRow.rejection_reason,
        )
        .join(OutcomeRow, OutcomeRow.lead_id == LeadRow.lead_id)
        .where(
            LeadRow.account_domain.in_(domains),
            OutcomeRow.rejection_reason.in_(bindparam("reasons", expanding=True)),
            OutcomeRow.recorded_at >= bindparam("rejected_since"),
            OutcomeRow.recorded_at <= bindparam("as_of"),
        )
    )
    flags = (
        case((AccountStatusRow.do_not_engage, _DO_NOT_ENGAGE), else_=0)
        + case((AccountStatusRow.churned_non_payment, _CHURNED), else_=0)
        + case((AccountStatusRow.open_escalation, _ESCALATION), else_=0)
    )
    parts.append(
        select(literal("status"), AccountStatusRow.domain, flags, no_time, no_text).where(
            AccountStatusRow.domain.in_(domains)
        )
    )
    return union_all(*parts)


# Building the statement cost more than running it (~70% of 1.2 ms on SQLite): built once.
_FACTS_QUERY = _build_query()


def _within(engine: Engine, given: Connection | None):
    """The given transaction's connection, else a bounded read of its own."""
    return nullcontext(given) if given is not None else reading(engine)


def _query(
    engine: Engine, submissions: list[Submission], rules: HistoryRules, given: Connection | None
) -> _Stored:
    naive = engine.dialect.name == "sqlite"  # SQLite keeps naive UTC text; compare like with like

    def bound(moment: datetime) -> datetime:
        return moment.replace(tzinfo=None) if naive else moment

    first, last = min(s.at for s in submissions), max(s.at for s in submissions)
    keys = {
        "ip_keys": _storable(s.keys.ip for s in submissions),
        "email_keys": _storable(s.keys.email for s in submissions),
        "domains": _storable(s.keys.account_domain for s in submissions),
    }
    counts: Counter = Counter()
    rejections: dict[str, list[tuple[datetime, str, bool]]] = {}
    status: dict[str, int] = {}
    if not any(keys.values()):
        return _Stored(counts, rejections, status)
    params = {
        **keys,
        "ids": _storable(s.lead_id for s in submissions),
        "ip_since": bound(first - timedelta(seconds=rules.ip_window_seconds)),
        "email_since": bound(first - timedelta(seconds=rules.email_window_seconds)),
        "last": bound(last),
        "reasons": list(rules.bad_fit_reasons),
        "rejected_since": bound(first - timedelta(days=rules.bad_fit_days)),
        "as_of": bound(max(s.as_of for s in submissions)),
    }
    # On the way to the batch's write: bounded as the write is (or inside it).
    with _within(engine, given) as connection:
        rows = connection.execute(_FACTS_QUERY, params).all()
    for kind, key, number, at, reason in rows:
        if kind == "rejected":
            at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
            rejections.setdefault(key, []).append((at, reason, number == 1))
        elif kind == "status":
            status[key] = int(number)
        else:
            counts[(kind, key)] = int(number)
    return _Stored(counts, rejections, status)


def stored_submission(engine: Engine, lead_id: str, decided_at: datetime) -> Submission | None:
    """A stored lead as a submission re-decided at `decided_at` (None when no such lead is stored)."""
    with reading(engine) as connection:
        row = connection.execute(
            select(LeadRow.lead, LeadRow.received_at).where(LeadRow.lead_id == lead_id)
        ).first()
    if row is None:
        return None
    received = row.received_at if row.received_at.tzinfo else row.received_at.replace(tzinfo=UTC)
    return Submission.of(row.lead, received, decided_at)
