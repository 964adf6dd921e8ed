"""Sales outcomes recorded (API or CLI import), and the stored leads of an account they reject decided again.

A bad-fit rejection of one contact holds every contact of its account (the recently_rejected_account gate),
so recording one, or replacing or removing one, decides the account's stored leads again in the same
transaction, as an account's status change does: its roll-up and its other contacts never read sales_ready
after sales said the account is not a fit. The same outcome sent again decides nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import Connection, select

from leadgate.decision.history_facts import HistoryRules
from leadgate.features.outcome import Outcome
from leadgate.serving.account_status import account_leads
from leadgate.serving.lifecycle_store import OutcomeImport, record_outcomes_in
from leadgate.serving.metrics import ServiceMetrics
from leadgate.serving.model_holder import ModelHolder
from leadgate.serving.redecide_many import change_and_redecide
from leadgate.serving.screening import Screening
from leadgate.serving.store import DecisionStore
from leadgate.serving.store_models import LeadRow, OutcomeRow

TRIGGER = "outcome"
GATE = "recently_rejected_account"
_CHUNK = 500  # IN lists within every database's parameter limit


class Recorded(NamedTuple):
    """What the import wrote, and how many stored leads of rejected accounts were decided again."""

    imported: OutcomeImport
    decided: int


def _bad_fit_rows(
    connection: Connection, ids: list[str], reasons: list[str], since: datetime
) -> set[tuple[str, str, datetime, str]]:
    """(account, lead, time, reason) of these leads' stored outcomes that are bad-fit rejections recorded since
    `since`: what the recently_rejected_account gate reads of them."""
    naive = connection.dialect.name == "sqlite"  # SQLite keeps naive UTC text; compare like with like
    bound = since.replace(tzinfo=None) if naive else since
    found: set[tuple[str, str, datetime, str]] = set()
    for start in range(0, len(ids), _CHUNK):
        query = (
            select(
                LeadRow.account_domain, LeadRow.lead_id, OutcomeRow.recorded_at, OutcomeRow.rejection_reason
            )
            .join(OutcomeRow, OutcomeRow.lead_id == LeadRow.lead_id)
            .where(
                LeadRow.lead_id.in_(ids[start : start + _CHUNK]),
                LeadRow.account_domain.is_not(None),
                OutcomeRow.rejection_reason.in_(reasons),
                OutcomeRow.recorded_at >= bound,
            )
        )
        found |= {tuple(row) for row in connection.execute(query)}
    return found


def record(
    outcomes: list[Outcome],
    *,
    source: str,
    holder: ModelHolder,
    store: DecisionStore,
    screening: Screening,
    metrics: ServiceMetrics | None,
) -> Recorded:
    """Record outcomes and decide again the stored leads of each account whose bad-fit rejections they change
    (one new, gone, or given another reason or time), when the policy holds accounts by such a rejection."""
    policy = holder.current().pipeline.policy
    held = any(spec.check == GATE for spec in policy.active_gates())
    rules = policy.history or HistoryRules()
    made: list[OutcomeImport] = []

    def change(connection: Connection, now: datetime) -> list[str]:
        ids = list(dict.fromkeys(o.lead_id for o in outcomes))
        since = now - timedelta(days=rules.bad_fit_days)  # an older rejection holds no lead any more
        reasons = list(rules.bad_fit_reasons)
        before = _bad_fit_rows(connection, ids, reasons, since) if held else set()
        made.append(record_outcomes_in(connection, outcomes, source, now))
        after = _bad_fit_rows(connection, ids, reasons, since) if held else set()
        leads: set[str] = set()
        # A bad-fit rejection new, gone, or with another reason or time moves the gate; one sent again does not.
        for domain in {row[0] for row in before ^ after}:
            leads.update(account_leads(connection, domain))
        return sorted(leads)  # the lock order

    redecided = change_and_redecide(change, trigger=TRIGGER, holder=holder, store=store, screening=screening)
    redecided.observe(metrics, TRIGGER)
    return Recorded(made[0], redecided.decided)
