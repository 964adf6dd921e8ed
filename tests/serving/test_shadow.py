"""The challenger in shadow beside the live service, sales outcomes by API, and live drift on /metrics."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from leadgate.decision.pipeline import DecisionPipeline
from leadgate.decision.record import DecisionRecord
from leadgate.serving.store_models import DecisionRow, ShadowDecisionRow
from tests.factories import lead_dict
from tests.serving.conftest import KEYS, auth


@pytest.fixture(scope="module")
def two_models(tmp_path_factory, trained, policy):
    """A registry with a champion and a challenger, and API keys."""
    from leadgate.serving.auth import hash_key
    from leadgate.settings import ApiKey, Settings
    from leadgate.training.registry import log_training

    settings = Settings(
        data_dir=tmp_path_factory.mktemp("shadow"), mlflow_tracking_uri=None, database_url=None
    )
    log_training(trained, policy, settings, {"path": "test", "leads": 1})
    log_training(trained, policy, settings, {"path": "test", "leads": 1})
    keys = [ApiKey(name=role, role=role, sha256=hash_key(key)) for role, key in KEYS.items()]
    return settings.model_copy(update={"api_keys": keys, "model_poll_seconds": 3600})


def _app(settings, store, shadow=None):
    from leadgate.serving.app import create_app

    return create_app(settings, store=store, poll=False, shadow=shadow)


def test_the_challenger_decides_every_new_lead_apart_from_the_answer(two_models, store):
    with TestClient(_app(two_models, store)) as client:
        answers = [
            client.post("/v1/leads", json=lead_dict(lead_id=f"s-{i}"), headers=auth("intake"))
            for i in range(5)
        ]
        assert all(a.status_code == 201 for a in answers)
        assert client.app.state.shadow.drain(timeout=30)
        view = client.get("/v1/leads/s-0/decision", headers=auth("sales")).json()
        metrics = client.get("/metrics", headers=auth("admin")).text
    with store.engine.connect() as connection:
        shadow = connection.execute(select(ShadowDecisionRow.lead_id, ShadowDecisionRow.model_version)).all()
        live = connection.execute(select(DecisionRow.model_version)).scalars().all()
    assert sorted(shadow) == [(f"s-{i}", "leadgate/2") for i in range(5)]
    assert set(live) == {"leadgate/1"}  # the route and answer came from the champion only
    assert view["model_version"] == "leadgate/1" and "shadow" not in str(view).lower()
    assert 'leadgate_shadow_decisions_total{outcome="stored"} 5.0' in metrics
    assert "leadgate_challenger_loaded 1.0" in metrics
    # Five arrivals are too few for PSI to tell drift from chance: no gauge yet (serving/drift.py MIN_LEADS).
    assert "leadgate_drift_psi{" not in metrics


def test_a_failing_challenger_never_fails_a_request(two_models, store):
    from prometheus_client import CollectorRegistry

    from leadgate.serving.shadow import ShadowMetrics, ShadowScorer

    shadow = ShadowScorer(two_models, store.engine, ShadowMetrics(CollectorRegistry()))

    class Broken(DecisionPipeline):
        def decide_records(self, leads, now=None, **store_facts):
            raise RuntimeError("challenger exploded")

    with TestClient(_app(two_models, store, shadow=shadow)) as client:
        current = shadow.holder.current()
        broken = Broken(current.pipeline.policy, current.pipeline.model)
        shadow.holder._current = type(current)(broken, current.loaded)
        response = client.post("/v1/leads", json=lead_dict(lead_id="boom"), headers=auth("intake"))
        assert response.status_code == 201
        assert shadow.drain(timeout=30)
    with store.engine.connect() as connection:
        error = connection.execute(select(ShadowDecisionRow.error)).scalar_one()
    assert error == "RuntimeError: challenger exploded"


def test_outcomes_by_api_replace_earlier_ones_and_need_a_sales_key(two_models, store):
    from leadgate.serving.lifecycle_store import leads_with_outcomes

    with TestClient(_app(two_models, store)) as client:
        client.post("/v1/leads", json=lead_dict(lead_id="o-1"), headers=auth("intake"))
        url = "/v1/leads/o-1/outcome"
        assert client.put(url, json={"sql": False}, headers=auth("intake")).status_code == 403
        first = client.put(url, json={"sql": False, "rejection_reason": "no_budget"}, headers=auth("sales"))
        assert first.status_code == 200 and first.json() == {
            "lead_id": "o-1",
            "recorded": True,
            "changed": True,
            "decided": 0,
        }
        assert client.put(url, json={"sql": True, "won": True}, headers=auth("sales")).status_code == 200
        bad = client.put(url, json={"sql": False, "won": True}, headers=auth("sales"))
        assert bad.status_code == 422 and "won is true but sql is false" in bad.text
        missing = client.put("/v1/leads/nobody/outcome", json={"sql": True}, headers=auth("sales"))
        assert missing.status_code == 404
    [stored] = leads_with_outcomes(store.engine)
    assert (stored.sql, stored.won, stored.rejection_reason) == (True, True, None)


def test_queued_leads_are_decided_in_one_batch_each_as_of_its_own_arrival(two_models, store):
    from datetime import UTC, datetime, timedelta

    from prometheus_client import CollectorRegistry

    from leadgate.features.schema import parse_lead
    from leadgate.serving.shadow import ShadowMetrics, ShadowScorer

    shadow = ShadowScorer(two_models, store.engine, ShadowMetrics(CollectorRegistry()))
    shadow.start(poll=False)
    challenger = shadow.holder.current().pipeline
    arrival = datetime(2026, 11, 20, 12, tzinfo=UTC)
    # As the service queues them: no scored_at, each decided as of its arrival.
    leads = [parse_lead({**lead_dict(lead_id=f"b-{i}"), "scored_at": None}) for i in range(3)]
    items = [(lead, arrival + timedelta(days=i)) for i, lead in enumerate(leads)]
    for lead, _ in items:
        store.create(
            lead=lead.model_dump(mode="json"),
            decision=_dummy(lead),
            idempotency_key=None,
            received_at=arrival,
        )
    shadow.score_batch(items)
    shadow.stop()
    with store.engine.connect() as connection:
        rows = {r.lead_id: r for r in connection.execute(select(ShadowDecisionRow)).all()}
    for lead, at in items:
        alone = challenger.decide_one(lead, now=at)
        assert rows[lead.lead_id].p_sql == alone.p_sql and rows[lead.lead_id].route == alone.route
        # decided_at is the batch's time; everything decided is the lead's own, as of its arrival.
        stored = {k: v for k, v in rows[lead.lead_id].record.items() if k != "decided_at"}
        assert stored == {k: v for k, v in alone.to_json().items() if k != "decided_at"}


def _dummy(lead):
    return DecisionRecord.from_json({
        "lead_id": lead.lead_id, "route": "verify", "route_source": "model", "p_sql": 0.5, "band": "medium", "gates": [],
        "next_step": "verify", "public_message": "received", "negative_reasons": [], "positive_reasons": [],
        "model_version": "leadgate/1", "policy_version": "p", "decided_at": "2026-11-20T12:00:00+00:00",
        "model_missing": False,
    })  # fmt: skip


def test_the_challenger_reads_the_store_lists_as_the_champion_does(two_models, store):
    from leadgate.serving import lists_store

    lists_store.add_entry(store.engine, kind="competitor_domains", value="rivalhq.com", why="x", who="kim")
    with TestClient(_app(two_models, store)) as client:
        lead = lead_dict(lead_id="rival-shadow", contact={"email": "kim@rivalhq.com"})
        assert client.post("/v1/leads", json=lead, headers=auth("intake")).status_code == 201
        assert client.app.state.shadow.drain(timeout=30)
    with store.engine.connect() as connection:
        [(route, record)] = connection.execute(
            select(ShadowDecisionRow.route, ShadowDecisionRow.record)
        ).all()
    assert route == "silent_reject" and record["lists_version"] == "lists@1"
    assert "competitor_domain" in [gate["code"] for gate in record["gates"]]


def test_the_challenger_counts_from_the_store_as_the_champion_does(two_models, store):
    with TestClient(_app(two_models, store)) as client:
        for i in range(6):
            lead = lead_dict(
                lead_id=f"burst-{i}", contact={"email": f"p{i}@nordwerk.de"}, source={"ip": "192.0.2.44"}
            )
            assert client.post("/v1/leads", json=lead, headers=auth("intake")).status_code == 201
        assert client.app.state.shadow.drain(timeout=30)
        live = {
            f"burst-{i}": [
                g["code"]
                for g in client.get(f"/v1/leads/burst-{i}/decision", headers=auth("sales")).json()["gates"]
            ]
            for i in range(6)
        }
    with store.engine.connect() as connection:
        rows = connection.execute(select(ShadowDecisionRow.lead_id, ShadowDecisionRow.record)).all()
    shadow = {lead_id: [gate["code"] for gate in record["gates"]] for lead_id, record in rows}
    assert ["rapid_submissions" in live[f"burst-{i}"] for i in range(6)] == [False] * 4 + [True] * 2
    assert {k: "rapid_submissions" in v for k, v in shadow.items()} == {
        k: "rapid_submissions" in v for k, v in live.items()
    }
