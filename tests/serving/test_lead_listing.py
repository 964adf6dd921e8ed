"""The leads listing: filters read each lead's latest decision, and its work grows with the decisions alone."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from sqlalchemy import event, insert

T0 = datetime(2026, 3, 1, tzinfo=UTC)
# A real record holds the lead's reasons, features and versions: a wide row, as the planner weighs it.
RECORD = {"reasons": "x" * 1500}


def _fill(engine, leads: int, per_lead: int, gated=lambda i, seq: True, route=lambda i, seq: "verify") -> int:
    """`leads` leads of `per_lead` decisions each, the gate `busy` where `gated` says; returns the decisions."""
    from leadgate.serving.store_models import DecisionGateRow, DecisionRow, LeadRow

    lead_rows, decisions, gates = [], [], []
    for i in range(leads):
        lead_id = f"lst-{i:05d}"
        lead_rows.append({"lead_id": lead_id, "lead": {}, "received_at": T0, "updated_at": T0})
        for seq in range(1, per_lead + 1):
            decision_id = len(decisions) + 1
            at = T0 + timedelta(minutes=i, seconds=seq)
            decisions.append(
                {
                    "id": decision_id,
                    "lead_id": lead_id,
                    "seq": seq,
                    "trigger": "created" if seq == 1 else "events",
                    "route": route(i, seq),
                    "route_source": "model",
                    "p_sql": 0.2,
                    "next_step": "verify",
                    "public_message": "received",
                    "model_missing": False,
                    "policy_version": "p1",
                    "decided_at": at,
                    "record": RECORD,
                }
            )
            if gated(i, seq):
                gates.append({"decision_id": decision_id, "code": "busy", "lifted": False})
    with engine.begin() as connection:
        connection.execute(insert(LeadRow), lead_rows)
        connection.execute(insert(DecisionRow), decisions)
        if gates:
            connection.execute(insert(DecisionGateRow), gates)
    return len(decisions)


def test_route_gate_and_time_filter_each_lead_s_latest_decision_only(store):
    # Lead 0: gated first, not at its latest; lead 1: gated at its latest only; lead 2: never gated.
    gated = {(0, 1), (1, 2)}
    _fill(
        store.engine,
        3,
        2,
        gated=lambda i, seq: (i, seq) in gated,
        route=lambda i, seq: "nurture" if (i, seq) == (2, 1) else "verify",
    )
    rows, total = store.latest(gate="busy")
    assert total == 1 and [(r.lead_id, r.seq) for r in rows] == [("lst-00001", 2)]
    assert store.latest(route="nurture") == ([], 0)  # lead 2 was nurture only before its latest
    rows, total = store.latest(since=T0 + timedelta(minutes=1))
    assert total == 2 and [r.lead_id for r in rows] == ["lst-00002", "lst-00001"]  # newest first
    rows, total = store.latest(route="verify", gate="busy", since=T0, limit=1, offset=0)
    assert total == 1 and rows[0].lead_id == "lst-00001"


@contextmanager
def _work(engine) -> Iterator[list[int]]:
    """Rows (PostgreSQL) or virtual-machine steps / 100 (SQLite) the statements of the block went through.

    PostgreSQL: each statement run again under EXPLAIN ANALYZE, summing every plan node's rows, those its
    filters removed included, over its loops. SQLite: its progress handler, called every 100 steps.
    """
    found = [0]
    statements: list[tuple[str, dict]] = []
    sqlite = engine.dialect.name == "sqlite"

    def tick() -> int:
        found[0] += 1
        return 0

    def before(connection, cursor, statement, parameters, context, executemany):
        if sqlite:
            connection.connection.driver_connection.set_progress_handler(tick, 100)
        elif statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield found
    finally:
        event.remove(engine, "before_cursor_execute", before)
    if sqlite:
        with engine.connect() as connection:  # the handler stays on pooled connections otherwise
            connection.connection.driver_connection.set_progress_handler(None, 100)
        return
    with engine.connect() as connection:
        for statement, parameters in statements:
            plan = connection.exec_driver_sql(
                f"EXPLAIN (ANALYZE, FORMAT JSON) {statement}", parameters
            ).scalar()
            found[0] += _rows(json.loads(plan) if isinstance(plan, str) else plan)


def _rows(plan) -> int:
    if isinstance(plan, list):
        return sum(_rows(item) for item in plan)
    node = plan.get("Plan", plan)
    loops = node.get("Actual Loops", 1)
    here = sum(
        node.get(k, 0) for k in ("Actual Rows", "Rows Removed by Filter", "Rows Removed by Join Filter")
    )
    return round(here * loops) + sum(_rows(child) for child in node.get("Plans", []))


def test_a_gate_most_leads_share_costs_work_in_proportion_to_the_decisions(store):
    """Not leads x matching gate rows: that was 18 M rows and a 503 with 1,250 leads on a store never analysed.

    The tables are left unanalysed, as after a bulk import: the planner knows nothing of how many rows match.
    """
    decisions = _fill(store.engine, 600, 8)
    with _work(store.engine) as work:
        rows, total = store.latest(gate="busy", since=datetime(1990, 1, 1, tzinfo=UTC))
    assert total == 600 and len(rows) == 50
    # Linear: ~12 plan rows (PostgreSQL) or ~25 VM steps (SQLite) per decision; joined to a grouped max(seq),
    # ~1,200 rows and ~10,800 steps per decision here, and growing with the leads.
    per_decision = work[0] / decisions
    assert per_decision < (40 if store.engine.dialect.name == "postgresql" else 5), per_decision
