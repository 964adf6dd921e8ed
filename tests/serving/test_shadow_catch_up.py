"""Leads the challenger missed in shadow (a killed worker's queue, a full one) get its decision later, exactly as
the live scorer would have made it, once each; on SQLite and PostgreSQL."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, func, select

from leadgate.decision.pipeline import DecisionPipeline
from leadgate.serving.store_models import ShadowDecisionRow
from tests.factories import lead_dict
from tests.serving.conftest import auth
from tests.serving.test_shadow import two_models  # noqa: F401 - the fixture: a champion and a challenger

NOW = timedelta(0)  # no settling time: the tests' leads are seconds old


@pytest.fixture
def served(two_models, store):  # noqa: F811
    from leadgate.serving import lists_store
    from leadgate.serving.app import create_app

    lists_store.add_entry(store.engine, kind="competitor_domains", value="rivalhq.com", why="x", who="kim")
    with TestClient(create_app(two_models, store=store, poll=False)) as client:
        yield client


def _post_and_lose_the_shadow(client, store) -> dict[str, dict]:
    """The first lead keeps its shadow decision; the next ones lose theirs, as after a kill -9: their rows as
    the live scorer wrote them."""
    leads = [lead_dict(lead_id="first")]
    # Six from one address (the last two trip rapid_submissions: the store's counts) and a competitor (its lists).
    leads += [
        lead_dict(lead_id=f"burst-{i}", contact={"email": f"p{i}@nordwerk.de"}, source={"ip": "192.0.2.44"})
        for i in range(6)
    ]
    leads.append(lead_dict(lead_id="rival", contact={"email": "kim@rivalhq.com"}))
    for lead in leads:
        assert client.post("/v1/leads", json=lead, headers=auth("intake")).status_code == 201
    assert client.app.state.shadow.drain(timeout=30)
    with store.engine.begin() as connection:
        live = {r.lead_id: r._asdict() for r in connection.execute(select(ShadowDecisionRow))}
        connection.execute(delete(ShadowDecisionRow).where(ShadowDecisionRow.lead_id != "first"))
    assert len(live) == len(leads)
    return {lead_id: row for lead_id, row in live.items() if lead_id != "first"}


def _stored_before_the_challenger(client, store, lead_id: str) -> None:
    from leadgate.features.schema import parse_lead

    at = datetime.now(UTC) - timedelta(hours=1)
    lead = parse_lead(lead_dict(lead_id=lead_id))
    record = client.app.state.holder.current().pipeline.decide_one(lead.as_of(at), now=at)
    store.create(
        lead=lead.model_dump(mode="json", exclude={"scored_at"}),
        decision=record,
        idempotency_key=None,
        received_at=at,
    )


def _shadow_rows(store) -> dict[str, dict]:
    with store.engine.connect() as connection:
        return {r.lead_id: r._asdict() for r in connection.execute(select(ShadowDecisionRow))}


def _as_decided(row: dict) -> dict:
    """What the challenger decided: all but the row's id, its timing and the batch's time inside the record."""
    kept = {k: v for k, v in row.items() if k not in ("id", "seconds", "record")}
    kept["decided_at"] = kept["decided_at"].replace(tzinfo=None) if kept["decided_at"] else None
    record = row["record"] and {k: v for k, v in row["record"].items() if k != "decided_at"}
    return {**kept, "record": record}


def _caught_up_metric(client, outcome: str = "caught_up") -> float:
    value = client.app.state.metrics.registry.get_sample_value(
        "leadgate_shadow_decisions_total", {"outcome": outcome}
    )
    return value or 0.0


def test_a_lead_that_lost_its_shadow_decision_gets_the_one_the_live_scorer_made(served, store, caplog):
    _stored_before_the_challenger(served, store, "before")
    lost = _post_and_lose_the_shadow(served, store)
    catch_up = served.app.state.shadow_catch_up  # the service's own, not started (poll=False)
    # With the service's settling time, leads seconds old are left to the live scorer's queue.
    assert catch_up.run_once() == 0
    catch_up.settle = NOW
    with caplog.at_level(logging.INFO, logger="leadgate.serving.shadow_catch_up"):
        assert catch_up.run_once() == len(lost) == 7
    rows = _shadow_rows(store)
    assert sorted(rows) == sorted([*lost, "first"])  # "before" arrived before the challenger: not back-tested
    for lead_id, live in lost.items():
        assert _as_decided(rows[lead_id]) == _as_decided(live), lead_id
    assert rows["rival"]["route"] == "silent_reject"
    assert "rapid_submissions" in [g["code"] for g in rows["burst-5"]["record"]["gates"]]
    assert _caught_up_metric(served) == 7
    assert "7 missing shadow decisions caught up for challenger leadgate/2" in caplog.text


def test_running_twice_or_in_two_workers_at_once_stores_each_decision_once(served, store):
    from leadgate.serving.shadow_catch_up import ShadowCatchUp

    lost = _post_and_lose_the_shadow(served, store)
    workers = [ShadowCatchUp(30, shadow=served.app.state.shadow, settle=NOW, batch=2) for _ in range(2)]
    together = threading.Barrier(2)
    caught = {}

    def run(worker):
        together.wait()
        caught[id(worker)] = worker.run_once()

    threads = [threading.Thread(target=run, args=(worker,)) for worker in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(caught.values()) == len(lost)  # each decision counted by the one worker that stored it
    assert [worker.run_once() for worker in workers] == [0, 0]
    with store.engine.connect() as connection:
        per_lead = connection.execute(
            select(ShadowDecisionRow.lead_id, func.count()).group_by(ShadowDecisionRow.lead_id)
        ).all()
    assert sorted(per_lead) == sorted((lead_id, 1) for lead_id in [*lost, "first"])
    assert _caught_up_metric(served) == len(lost)


def test_a_lead_the_challenger_fails_on_is_caught_up_as_an_error_row(served, store):
    from leadgate.serving.shadow_catch_up import ShadowCatchUp

    lost = _post_and_lose_the_shadow(served, store)
    shadow = served.app.state.shadow

    class Broken(DecisionPipeline):
        def decide_records(self, leads, now=None, **store_facts):
            raise RuntimeError("challenger exploded")

    current = shadow.holder.current()
    shadow.holder._current = type(current)(
        Broken(current.pipeline.policy, current.pipeline.model), current.loaded
    )
    assert ShadowCatchUp(30, shadow=shadow, settle=NOW).run_once() == len(lost)
    rows = _shadow_rows(store)
    assert {rows[lead_id]["error"] for lead_id in lost} == {"RuntimeError: challenger exploded"}
    assert {rows[lead_id]["route"] for lead_id in lost} == {None}
    assert (_caught_up_metric(served), _caught_up_metric(served, "failed")) == (0, len(lost))


def test_without_a_shadow_decision_of_the_challenger_nothing_is_decided(served, store):
    from leadgate.serving.shadow_catch_up import ShadowCatchUp

    _post_and_lose_the_shadow(served, store)
    with store.engine.begin() as connection:
        connection.execute(delete(ShadowDecisionRow))
    # Nothing in the store says when its shadow period began: deciding them would be a back-test.
    assert ShadowCatchUp(30, shadow=served.app.state.shadow, settle=NOW).run_once() is None
    assert _shadow_rows(store) == {}


def test_a_run_stopped_between_batches_leaves_the_rest_to_the_next(served, store):
    from leadgate.serving.shadow_catch_up import ShadowCatchUp

    lost = _post_and_lose_the_shadow(served, store)
    catch_up = ShadowCatchUp(30, shadow=served.app.state.shadow, settle=NOW, batch=2)
    catch_up._stop.set()  # as the service stopping while it runs: the batch under way finishes first
    assert catch_up.run_once() is None and catch_up.caught_up == 2
    catch_up._stop.clear()
    assert catch_up.run_once() == len(lost) - 2  # a stopped run moved no bound: the rest are found
    assert sorted(_shadow_rows(store)) == sorted([*lost, "first"])


def test_a_lead_caught_up_before_the_live_scorer_reaches_it_is_stored_and_counted_once(served, store):
    from leadgate.features.schema import parse_lead

    lost = _post_and_lose_the_shadow(served, store)
    stored_live = _caught_up_metric(served, "stored")
    catch_up = served.app.state.shadow_catch_up
    catch_up.settle = NOW
    assert catch_up.run_once() == len(lost)
    # A slow worker's queue reaches the same leads afterwards: the store keeps the first, nothing is counted.
    live = [(parse_lead(lead_dict(lead_id=lead_id)), row["decided_at"]) for lead_id, row in lost.items()]
    served.app.state.shadow.score_batch(live)
    assert len(_shadow_rows(store)) == len(lost) + 1
    assert (_caught_up_metric(served), _caught_up_metric(served, "stored")) == (len(lost), stored_live)


def test_a_stored_lead_the_schema_no_longer_reads_is_an_error_row_not_a_stop(served, store):
    from sqlalchemy import update

    from leadgate.serving.store_models import LeadRow

    lost = _post_and_lose_the_shadow(served, store)
    with store.engine.begin() as connection:  # as a lead stored under an older schema might read
        odd = {**lead_dict(lead_id="rival"), "company": "not an object"}
        connection.execute(update(LeadRow).where(LeadRow.lead_id == "rival").values(lead=odd))
    catch_up = served.app.state.shadow_catch_up
    catch_up.settle = NOW
    assert catch_up.run_once() == len(lost)
    rows = _shadow_rows(store)
    assert rows["rival"]["route"] is None and rows["rival"]["error"].startswith(
        "stored lead unreadable: company"
    )
    assert rows["burst-0"]["route"] == lost["burst-0"]["route"] and rows["burst-0"]["error"] is None
