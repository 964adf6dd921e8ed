"""Batched intake on a real store: a batch decides each lead as if alone, and stores each exactly once."""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from leadgate.decision.pipeline import DecisionPipeline
from leadgate.features.schema import parse_lead
from leadgate.serving.intake import Arrival, Decided, Intake
from leadgate.serving.model_holder import Current
from leadgate.serving.model_loading import LoadedModel
from leadgate.serving.store import IdempotencyConflict, Unstorable
from tests.factories import lead_dict
from tests.serving.conftest import auth

ARRIVED = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def _current(trained, policy, pipeline=None) -> Current:
    loaded = LoadedModel(trained.model, policy, "leadgate", "3", "run")
    return Current(pipeline or loaded.pipeline(), loaded)


def _arrival(current, lead_id, received_at=ARRIVED, key=None, **sections) -> Arrival:
    lead = parse_lead(lead_dict(lead_id=lead_id, **sections))
    return Arrival(
        current=current,
        lead=lead.model_copy(update={"scored_at": received_at}),
        stored_lead=lead.model_dump(mode="json", exclude={"scored_at"}),
        idempotency_key=key,
        received_at=received_at,
    )


def test_a_batch_decides_each_lead_as_of_its_own_arrival_and_stores_each_once(store, trained, policy):
    current = _current(trained, policy)
    # Arrivals days apart: the last activity's staleness differs, so a shared decision time would show.
    arrivals = [
        _arrival(current, "b-1", ARRIVED),
        _arrival(current, "b-2", ARRIVED + timedelta(days=40), company={"employees": 3}),
        _arrival(current, "b-3", ARRIVED + timedelta(days=200), contact={"email": "kim@gmail.com"}),
    ]
    results = Intake(store).run_batch(arrivals)
    for arrival, result in zip(arrivals, results, strict=True):
        assert isinstance(result, Decided) and result.stored.created
        alone = current.pipeline.decide_one(arrival.lead, now=arrival.received_at)
        batched = {k: v for k, v in result.record.to_json().items() if k != "decided_at"}
        assert batched == {k: v for k, v in alone.to_json().items() if k != "decided_at"}
        assert result.decisions.lead_ids[result.index] == arrival.lead.lead_id
        history = store.history(arrival.lead.lead_id)
        assert [(row.seq, row.route) for row in history] == [(1, alone.route)]
    assert len({r.record.negative_reasons[0].text for r in results if r.record.negative_reasons}) > 1


def test_a_repeat_or_a_reused_key_inside_a_batch_is_answered_one_by_one(store, trained, policy):
    current = _current(trained, policy)
    arrivals = [
        _arrival(current, "r-1", key="key-1"),
        _arrival(current, "r-1", key="key-1"),  # the same lead twice, e.g. a client retry racing
        _arrival(current, "r-2", key="key-1"),  # a key reused for another lead
        _arrival(current, "r-3"),
    ]
    first, repeat, conflict, other = Intake(store).run_batch(arrivals)
    assert first.stored.created and not repeat.stored.created
    assert repeat.stored.seq == first.stored.seq == 1
    assert isinstance(conflict, IdempotencyConflict)
    assert other.stored.created
    assert [len(store.history(i)) for i in ("r-1", "r-2", "r-3")] == [1, 0, 1]


class _FailsOn(DecisionPipeline):
    """The real pipeline, except that it raises on one lead id (as a bug on odd input would)."""

    def decide_records(self, leads, now=None, **facts):
        if any(lead.lead_id == "boom" for lead in leads):
            raise ZeroDivisionError("boom")
        return super().decide_records(leads, now, **facts)


def test_a_lead_the_pipeline_fails_on_fails_alone(store, trained, policy):
    current = _current(trained, policy, _FailsOn(policy, trained.model))
    results = Intake(store).run_batch([_arrival(current, i) for i in ("f-1", "boom", "f-2")])
    assert isinstance(results[1], ZeroDivisionError)
    assert results[0].stored.created and results[2].stored.created
    assert store.history("boom") == []


def test_leads_of_a_batch_that_straddles_a_model_swap_keep_their_own_snapshot(store, trained, policy):
    old, new = _current(trained, policy), _current(trained, policy)
    arrivals = [_arrival(old, "s-1"), _arrival(new, "s-2"), _arrival(old, "s-3")]
    results = Intake(store).run_batch(arrivals)
    assert [r.decisions.lead_ids for r in results] == [["s-1"], ["s-2"], ["s-3"]]


def test_a_failing_lead_alone_on_its_snapshot_fails_alone(store, trained, policy):
    # A lead that is the only one of its snapshot inside a bigger batch (an alias just moved) fails by itself.
    old, failing = _current(trained, policy), _current(trained, policy, _FailsOn(policy, trained.model))
    arrivals = [_arrival(old, "m-1"), _arrival(failing, "boom"), _arrival(old, "m-2")]
    results = Intake(store).run_batch(arrivals)
    assert isinstance(results[1], ZeroDivisionError)
    assert results[0].stored.created and results[2].stored.created


def test_concurrent_posts_each_get_their_own_answer_and_decision(client):
    employees = [3, 400, 5, 900, 2, 250] * 4
    leads = [lead_dict(lead_id=f"c-{i}", company={"employees": e}) for i, e in enumerate(employees)]

    def post(lead):
        return client.post("/v1/leads", json=lead, headers=auth("intake"))

    with ThreadPoolExecutor(12) as pool:
        answers = list(pool.map(post, leads))
    assert all(a.status_code == 201 for a in answers)
    assert [a.json()["lead_id"] for a in answers] == [lead["lead_id"] for lead in leads]
    for lead, answer, size in zip(leads, answers, employees, strict=True):
        decision = client.get(f"/v1/leads/{lead['lead_id']}/decision", headers=auth("sales")).json()
        small = any(g["code"] == "below_size_floor" for g in decision["gates"])
        assert small == (size < 10) and len(decision["history"]) == 1
        assert (answer.json()["next_step"] == "self_service") == small
    metrics = client.get("/metrics").text
    assert "leadgate_intake_batch_size_sum 24.0" in metrics


@pytest.mark.parametrize("max_batch", [1, 32])
def test_intake_answers_the_same_whatever_the_batch_cap(store, trained, policy, max_batch):
    current = _current(trained, policy)
    intake = Intake(store, max_batch=max_batch)
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(intake.submit, [_arrival(current, f"m{max_batch}-{i}") for i in range(16)]))
    assert [r.decisions.lead_ids[r.index] for r in results] == [f"m{max_batch}-{i}" for i in range(16)]
    assert intake.batcher.items == 16


def test_a_batch_in_which_every_lead_fails_writes_nothing(store, trained, policy):
    current = _current(trained, policy, _FailsOn(policy, trained.model))
    results = Intake(store).run_batch([_arrival(current, "boom"), _arrival(current, "boom")])
    assert all(isinstance(r, ZeroDivisionError) for r in results)
    assert store.create_many([]) == [] and store.history("boom") == []


def refuse_poison_leads(engine) -> None:
    """A constraint in the database itself refusing leads whose id starts with 'poison': a lead it cannot store."""
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql(
                "CREATE TRIGGER refuse_poison BEFORE INSERT ON leads WHEN substr(NEW.lead_id, 1, 6) = 'poison' "
                "BEGIN SELECT RAISE(ABORT, 'poison lead refused'); END"
            )
        else:
            connection.exec_driver_sql(
                "ALTER TABLE leads ADD CONSTRAINT refuse_poison CHECK (left(lead_id, 6) <> 'poison')"
            )


def test_a_lead_the_store_refuses_fails_alone_and_its_neighbours_are_stored(store, trained, policy):
    current = _current(trained, policy)
    refuse_poison_leads(store.engine)
    surrogate = _arrival(current, "u-2")
    # Text no database can hold (an unpaired surrogate): the API refuses it, the store must too.
    surrogate = replace(surrogate, stored_lead={**surrogate.stored_lead, "lead_id": "u-\ud800"})
    arrivals = [
        _arrival(current, "u-1"),
        _arrival(current, "poison-1"),
        _arrival(current, "u-3", key="key-u3"),
        surrogate,
        _arrival(current, "u-1"),  # a repeat in the same batch is still answered with what is stored
    ]
    first, poison, keyed, unpaired, repeat = Intake(store).run_batch(arrivals)
    assert isinstance(poison, Unstorable) and "poison-1" in str(poison) and "refuse" in str(poison)
    assert isinstance(unpaired, Unstorable) and "surrogate" in str(unpaired)
    assert first.stored.created and keyed.stored.created and not repeat.stored.created
    assert [len(store.history(i)) for i in ("u-1", "poison-1", "u-3", "u-2")] == [1, 0, 1, 0]
    assert store.lead("poison-1") is None


def test_one_bad_lead_among_concurrent_good_ones_fails_alone_over_http(client, store):
    refuse_poison_leads(store.engine)
    good = [lead_dict(lead_id=f"g-{i}") for i in range(24)]
    poison = [lead_dict(lead_id=f"poison-{i}") for i in range(3)]
    invalid = [
        lead_dict(lead_id="bad-nul", contact={"first_name": "a\u0000"}),
        lead_dict(lead_id="bad-time", created_at="9999-12-31T23:59:59-01:00"),
        lead_dict(lead_id="bad-number", company={"employees": 10**30}),
    ]
    # The bad ones spread among the good, so they share the intake's batches with them.
    leads = (
        good[:8] + poison[:1] + invalid[:1] + good[8:16] + poison[1:2] + invalid[1:] + good[16:] + poison[2:]
    )

    def post(lead):
        return client.post("/v1/leads", json=lead, headers=auth("intake"))

    batcher = client.app.state.intake.batcher
    before = (batcher.batches, batcher.items)
    with ThreadPoolExecutor(16) as pool:
        answers = dict(zip((lead["lead_id"] for lead in leads), pool.map(post, leads), strict=True))
    server_errors = {i: a.status_code for i, a in answers.items() if a.status_code >= 500}
    assert not server_errors, server_errors
    for lead in good:
        assert answers[lead["lead_id"]].status_code == 201
        assert len(store.history(lead["lead_id"])) == 1
    for lead in poison + invalid:
        answer = answers[lead["lead_id"]]
        assert answer.status_code == 422, (lead["lead_id"], answer.text)
        assert store.lead(lead["lead_id"]) is None and store.history(lead["lead_id"]) == []
    assert "poison lead refused" in answers["poison-0"].text or "refuse_poison" in answers["poison-0"].text
    batches, items = batcher.batches - before[0], batcher.items - before[1]
    assert items == len(good) + len(poison) and batches < items  # some leads were decided and stored together
