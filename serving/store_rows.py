"""How a lead and its decisions become rows: one Core insert each, built once, and the review token."""

from __future__ import annotations

import re
import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Connection, insert

from leadgate.decision.record import DecisionRecord
from leadgate.features.accounts import ContactKeys
from leadgate.serving.store_models import DecisionGateRow, DecisionRow, LeadRow

if TYPE_CHECKING:
    from leadgate.serving.store import NewLead


def new_review_token() -> str:
    """An unguessable review token (128 bits); hex, so it never spells a word in the public answer."""
    return secrets.token_hex(16)


_REVIEW_TOKEN = re.compile(r"[0-9a-f]{32}")


def is_review_token(text: str) -> bool:
    """Whether `text` has the shape new_review_token gives; no lead carries any other text as its token."""
    return _REVIEW_TOKEN.fullmatch(text) is not None


def decision_columns(lead_id: str, seq: int, trigger: str, decision: DecisionRecord) -> dict:
    """The decisions row of one decision, its record as JSON beside the columns queries filter on."""
    return {
        "lead_id": lead_id,
        "seq": seq,
        "trigger": trigger,
        "route": decision.route,
        "route_source": decision.route_source,
        "band": decision.band,
        "p_sql": decision.p_sql,
        "next_step": decision.next_step,
        "public_message": decision.public_message,
        "model_version": decision.model_version,
        "model_missing": decision.model_missing,
        "policy_version": decision.policy_version,
        "decided_at": datetime.fromisoformat(decision.decided_at),
        "record": decision.to_json(),
    }


# Built once: constructing an insert per call cost more than SQLite's own work on it.
_INSERT_LEAD, _INSERT_DECISION, _INSERT_GATE = insert(LeadRow), insert(DecisionRow), insert(DecisionGateRow)


def insert_lead(connection: Connection, entry: NewLead) -> str:
    """Insert the lead with its indexed contact keys and a new review token; returns the token."""
    token = new_review_token()
    keys = ContactKeys.of(entry.lead)
    connection.execute(
        _INSERT_LEAD,
        {
            "lead_id": entry.lead["lead_id"],
            "idempotency_key": entry.idempotency_key,
            "lead": entry.lead,
            "received_at": entry.received_at,
            "updated_at": entry.received_at,
            "account_domain": keys.account_domain or None,
            "email": keys.email or None,
            "source_ip": keys.ip or None,
            "review_token": token,
        },
    )
    return token


def insert_decision(
    connection: Connection, lead_id: str, seq: int, trigger: str, decision: DecisionRecord
) -> None:
    """Insert one decision and a row per gate that fired on it."""
    # Core inserts: the ORM's unit of work cost ~1 ms a decision here, a third of a request.
    result = connection.execute(_INSERT_DECISION, decision_columns(lead_id, seq, trigger, decision))
    gates = _gate_rows(result.inserted_primary_key[0], decision)
    if gates:
        connection.execute(_INSERT_GATE, gates)


def insert_decisions(connection: Connection, rows: list[tuple[str, int, str, DecisionRecord]]) -> None:
    """`insert_decision` for many (lead id, seq, trigger, decision): two statements for the lot, not two a lead.

    A round trip a statement on PostgreSQL made thousands of re-decided leads outlast the store's bound.
    """
    if not rows:
        return
    returning = _INSERT_DECISION.returning(DecisionRow.id, sort_by_parameter_order=True)
    ids = connection.execute(returning, [decision_columns(*row) for row in rows]).scalars().all()
    gates = [
        gate
        for decision_id, (*_, decision) in zip(ids, rows, strict=True)
        for gate in _gate_rows(decision_id, decision)
    ]
    if gates:
        connection.execute(_INSERT_GATE, gates)


def _gate_rows(decision_id: int, decision: DecisionRecord) -> list[dict]:
    """A row per gate that fired on the decision."""
    return [{"decision_id": decision_id, "code": g.code, "lifted": g.lifted} for g in decision.gates]
