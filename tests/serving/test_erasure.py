"""Erasure and retention on a real SQLite and PostgreSQL store, and `DELETE /v1/leads/{id}` end to end."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import SecretStr, ValidationError
from sqlalchemy import select

from leadgate.features.outcome import Outcome
from leadgate.features.schema import parse_lead
from leadgate.serving.erasure import (
    ERASED_TABLES,
    PSEUDONYMISED_TABLES,
    count_idle,
    erase_idle,
    erase_leads,
    erasures_of,
    lead_hash,
    leads_with_email,
    salt_of,
)
from leadgate.serving.feedback_store import record_feedback
from leadgate.serving.lifecycle_store import record_outcomes, record_shadow
from leadgate.serving.overrides import OverrideSpec, set_override
from leadgate.serving.reviews import open_review
from leadgate.serving.service import merge_events
from leadgate.serving.store_models import Base, ErasureRow
from leadgate.settings import Settings
from tests.factories import lead_dict
from tests.serving.conftest import auth

SALT = "a-test-salt-of-some-length"
NOW = datetime.now(UTC)


def _person(lead_id: str, email: str = "Mariella.K@kellermannova-werk.de", **sections) -> dict:
    contact = {"first_name": "Mariella", "last_name": "Kellermannova", "email": email}
    return lead_dict(
        lead_id=lead_id,
        contact=contact,
        form={"message": "Call Mariella about the Zwickau plant", "seconds_on_form": 62},
        source={"channel": "organic", "campaign": "", "ip": "198.51.100.77"},
        **sections,
    )


# What must not survive the erasure of the person's leads, in any column of any table.
TRACES = ("mariella", "kellermannova", "mariella.k@kellermannova-werk.de", "198.51.100.77", "zwickau")


def _store_everything(store, pipeline, lead: dict, at: datetime, key: str | None = None) -> None:
    """The lead with three decisions, a shadow decision quoting its values, an outcome, a review, an
    override and feedback, each with free text naming the person."""
    lead_id = lead["lead_id"]

    def decide(data: dict):
        return pipeline.decide([parse_lead(data)], now=at).record(0)

    store.create(lead=lead, decision=decide(lead), idempotency_key=key, received_at=at)
    event = [parse_lead({**lead, "events": [{"type": "demo_request", "at": at.isoformat()}]}).events[0]]
    store.append_events(
        lead_id=lead_id, merge=lambda stored: merge_events(stored, event), decide=decide, at=at
    )
    shadow = decide(lead)
    record_shadow(
        store.engine,
        {
            "lead_id": lead_id,
            "model_version": "leadgate/99",
            "policy_version": shadow.policy_version,
            "route": shadow.route,
            "band": shadow.band,
            "p_sql": shadow.p_sql,
            "decided_at": at,
            "seconds": 0.01,
            "error": None,
            "record": shadow.to_json(),
        },
    )
    first = lead["contact"]["first_name"]
    record_outcomes(
        store.engine, [Outcome(lead_id=lead_id, sql=True, feedback=f"{first} was lovely", at=at)], "t"
    )
    token = store.review_token(lead_id)
    open_review(store.engine, token=token, message=f"I am {first}, please look again", at=at)
    spec = OverrideSpec("sales_ready", "vip", f"{first} knows our CEO", "test-sales")
    store.redecide(
        lead_id=lead_id, decide=decide, trigger="override", at=at, change=set_override(spec, lead_id, at)
    )
    record_feedback(
        store.engine,
        lead_id=lead_id,
        verdict="accepted",
        reason=None,
        note=f"{first} booked a demo",
        by="test-sales",
        at=at,
    )


def _all_text(engine) -> str:
    """Every value of every row of every table, as one lower-case text."""
    parts = []
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            for row in connection.execute(select(table)):
                parts.append(json.dumps(list(row), default=str, ensure_ascii=False))
    return "\n".join(parts).lower()


def test_erasure_leaves_nothing_of_the_person_and_keeps_other_leads(store, pipeline):
    _store_everything(store, pipeline, _person("erase-me-1"), NOW, key="form-erase-me-1")
    _store_everything(store, pipeline, lead_dict(lead_id="neighbour"), NOW, key="form-neighbour")
    before = _all_text(store.engine)
    token = store.review_token("erase-me-1")
    assert all(trace in before for trace in (*TRACES, "erase-me-1", "form-erase-me-1", token))
    neighbour = (store.lead("neighbour"), [r.record for r in store.history("neighbour")])

    erased = erase_leads(store.engine, ["erase-me-1"], salt=SALT)

    assert (erased.lead_ids, erased.decisions, erased.shadow_decisions, erased.outcomes) == (
        ["erase-me-1"],
        3,
        1,
        1,
    )
    assert (erased.reviews, erased.overrides, erased.feedback) == (1, 1, 1)
    after = _all_text(store.engine)
    for trace in (*TRACES, "erase-me-1", "form-erase-me-1", token):
        assert trace not in after, trace
    assert store.lead("erase-me-1") is None and store.history("erase-me-1") == []
    assert (store.lead("neighbour"), [r.record for r in store.history("neighbour")]) == neighbour
    assert "nordwerk" in after  # the neighbour's lead is whole


def test_the_audit_row_keeps_the_decision_and_a_salted_hash_only(store, pipeline):
    _store_everything(store, pipeline, _person("audit-1", email="mk@gmail.com"), NOW - timedelta(hours=3))
    latest = store.history("audit-1")[-1]
    erase_leads(store.engine, ["audit-1"], salt=SALT)

    [audit] = erasures_of(store.engine, "audit-1", salt=SALT)
    expected = hmac.new(SALT.encode(), b"audit-1", hashlib.sha256).hexdigest()
    assert audit.lead_hash == lead_hash(SALT, "audit-1") == expected
    assert (audit.route, audit.band, audit.model_version, audit.policy_version) == (
        latest.route,
        latest.band,
        latest.model_version,
        latest.policy_version,
    )
    assert (
        audit.gates == sorted(g["code"] for g in latest.record["gates"]) and "personal_email" in audit.gates
    )
    # Its outcome left won out: unknown, kept as unknown.
    assert (audit.decisions, audit.sql, audit.won, audit.reason) == (3, True, None, "request")
    decided = audit.decided_at.replace(tzinfo=UTC) if audit.decided_at.tzinfo is None else audit.decided_at
    assert decided == (NOW - timedelta(hours=3)).replace(minute=0, second=0, microsecond=0)
    assert erasures_of(store.engine, "audit-1", salt="another-salt-entirely") == []
    assert "gmail" not in _all_text(store.engine)  # the reason "Personal email address (gmail.com)" went too


def test_erasing_twice_erases_nothing_the_second_time(store, pipeline):
    _store_everything(store, pipeline, _person("twice"), NOW)
    assert erase_leads(store.engine, ["twice"], salt=SALT).lead_ids == ["twice"]
    again = erase_leads(store.engine, ["twice", "never-stored"], salt=SALT)
    assert (again.lead_ids, again.decisions) == ([], 0)
    assert len(erasures_of(store.engine, "twice", salt=SALT)) == 1
    with pytest.raises(KeyError):  # an event for an erased lead finds no lead
        store.append_events(lead_id="twice", merge=dict, decide=lambda lead: None, at=NOW)


def test_leads_are_found_by_email_in_any_letter_case(store, pipeline):
    for lead_id, email in (
        ("e1", "maria.keller@nordwerk.de"),
        ("e2", " MARIA.Keller@Nordwerk.DE"),
        ("e3", "x@y.de"),
    ):
        _store_everything(store, pipeline, _person(lead_id, email=email), NOW)
    store.create(
        lead=lead_dict(lead_id="no-email", contact={"email": None}),
        decision=pipeline.decide([parse_lead(lead_dict(lead_id="no-email"))], now=NOW).record(0),
        idempotency_key=None,
        received_at=NOW,
    )
    assert sorted(leads_with_email(store.engine, "Maria.Keller@NORDWERK.de")) == ["e1", "e2"]
    assert leads_with_email(store.engine, "nobody@nordwerk.de") == []


def test_retention_erases_only_leads_idle_longer_than_the_cutoff(store, pipeline):
    old, cutoff = NOW - timedelta(days=400), NOW - timedelta(days=365)
    _store_everything(store, pipeline, _person("old-1"), old)
    _store_everything(store, pipeline, _person("old-2"), old)
    _store_everything(store, pipeline, _person("new-1"), NOW)
    _store_everything(store, pipeline, _person("old-but-active"), old)
    event = [parse_lead(_person("x", events=[{"type": "email_reply", "at": NOW.isoformat()}])).events[0]]
    store.append_events(
        lead_id="old-but-active",
        merge=lambda stored: merge_events(stored, event),
        decide=lambda lead: pipeline.decide([parse_lead(lead)], now=NOW).record(0),
        at=NOW,
    )
    _store_everything(store, pipeline, _person("old-outcome-recent"), old)
    record_outcomes(store.engine, [Outcome(lead_id="old-outcome-recent", sql=False, at=NOW)], "t")

    assert count_idle(store.engine, cutoff) == 2
    erased = erase_idle(store.engine, before=cutoff, salt=SALT)

    assert sorted(erased.lead_ids) == ["old-1", "old-2"]
    assert all(store.lead(i) is not None for i in ("new-1", "old-but-active", "old-outcome-recent"))
    assert [a.reason for a in erasures_of(store.engine, "old-1", salt=SALT)] == ["retention"]
    assert count_idle(store.engine, cutoff) == 0


def test_every_table_holding_a_lead_is_erased():
    """A new table keyed by lead (or by decision) must be added to the erasure, or this fails."""
    holding = {
        table.name
        for table in Base.metadata.sorted_tables
        if "lead_id" in table.c or any(fk.column.table.name in ERASED_TABLES for fk in table.foreign_keys)
    }
    assert holding - {ErasureRow.__tablename__} == set(ERASED_TABLES) | set(PSEUDONYMISED_TABLES)


def test_the_salt_is_a_secret_of_16_characters_or_more():
    assert salt_of(Settings(erasure_salt=None)) is None
    with pytest.raises(ValidationError):
        Settings(erasure_salt="short")
    assert salt_of(Settings(erasure_salt=SALT)) == SALT
    assert SALT not in repr(Settings(erasure_salt=SALT))


def test_without_a_salt_erasure_still_runs_and_the_audit_row_keeps_no_hash(store, pipeline):
    _store_everything(store, pipeline, _person("unsalted"), NOW)
    assert erase_leads(store.engine, ["unsalted"], salt=None).lead_ids == ["unsalted"]
    assert store.lead("unsalted") is None
    with store.engine.connect() as connection:
        [(hashed, route)] = connection.execute(select(ErasureRow.lead_hash, ErasureRow.route)).all()
    assert hashed is None and route
    with pytest.raises(ValueError, match="salt"):
        erasures_of(store.engine, "unsalted", salt=None)


def test_sqlite_file_and_its_log_keep_no_bytes_of_the_person(tmp_path, pipeline):
    from sqlalchemy import event

    from leadgate.serving.store import DecisionStore, make_engine, migrate

    engine = make_engine(f"sqlite:///{tmp_path / 'decisions.db'}")

    @event.listens_for(engine, "connect", insert=True)
    def _plain_delete(connection, _record) -> None:
        # Some SQLite builds (this machine's among them) overwrite deleted rows by default; most do not.
        # Run before the store's own pragmas, as such a build's default would be.
        connection.execute("PRAGMA secure_delete=OFF")

    migrate(engine)
    store = DecisionStore(engine)
    _store_everything(store, pipeline, _person("on-disk"), NOW)
    _store_everything(store, pipeline, lead_dict(lead_id="stays"), NOW)
    erase_leads(engine, ["on-disk"], salt=SALT)
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("decisions.db*")).lower()
    for trace in (*TRACES, "on-disk"):
        assert trace.encode() not in raw, trace
    assert b"nordwerk" in raw  # the other lead is still there, so the search can find what is stored
    engine.dispose()


# The API: an admin erases; the store answers as if the lead had never been there.


@pytest.fixture
def salted(service_settings, store):
    from fastapi.testclient import TestClient

    from leadgate.serving.app import create_app

    settings = service_settings.model_copy(update={"erasure_salt": SecretStr(SALT)})
    with TestClient(create_app(settings, store=store, poll=False)) as test_client:
        yield test_client


def test_delete_erases_a_lead_and_it_reads_as_never_stored(salted, store):
    assert salted.post("/v1/leads", json=_person("api-erase"), headers=auth("intake")).status_code == 201
    assert (
        salted.post("/v1/leads", json=lead_dict(lead_id="api-keep"), headers=auth("intake")).status_code
        == 201
    )
    outcome = {"sql": False, "feedback": "Mariella asked us to forget her"}
    assert salted.put("/v1/leads/api-erase/outcome", json=outcome, headers=auth("sales")).status_code == 200

    response = salted.delete("/v1/leads/api-erase", headers=auth("admin"))

    assert response.status_code == 200
    assert response.json() == {
        "lead_id": "api-erase",
        "lead_hash": lead_hash(SALT, "api-erase"),
        "decisions": 1,
        "shadow_decisions": 0,
        "outcomes": 1,
    }
    assert salted.get("/v1/leads/api-erase/decision", headers=auth("sales")).status_code == 404
    assert salted.delete("/v1/leads/api-erase", headers=auth("admin")).status_code == 404
    events = {"events": [{"type": "demo_request", "at": NOW.isoformat()}]}
    assert salted.post("/v1/leads/api-erase/events", json=events, headers=auth("intake")).status_code == 404
    assert salted.put("/v1/leads/api-erase/outcome", json=outcome, headers=auth("sales")).status_code == 404
    listed = salted.get("/v1/leads", headers=auth("sales")).json()
    assert [item["lead_id"] for item in listed["items"]] == ["api-keep"]
    text = _all_text(store.engine)
    assert not [trace for trace in (*TRACES, "api-erase", "forget her") if trace in text]
    # The same id sent again is a new submission: decided and stored afresh, one decision in its history.
    assert salted.post("/v1/leads", json=_person("api-erase"), headers=auth("intake")).status_code == 201
    history = salted.get("/v1/leads/api-erase/decision", headers=auth("sales")).json()["history"]
    assert len(history) == 1


@pytest.mark.parametrize(("role", "status"), [(None, 401), ("intake", 403), ("sales", 403)])
def test_only_an_admin_key_may_erase(salted, store, role, status):
    salted.post("/v1/leads", json=_person("guarded"), headers=auth("intake"))
    response = salted.delete("/v1/leads/guarded", headers=auth(role) if role else {})
    assert response.status_code == status
    assert store.lead("guarded") is not None


def test_delete_without_a_salt_erases_and_answers_no_hash(client, store):
    client.post("/v1/leads", json=_person("unsalted"), headers=auth("intake"))
    response = client.delete("/v1/leads/unsalted", headers=auth("admin"))
    assert response.status_code == 200 and response.json()["lead_hash"] is None
    assert store.lead("unsalted") is None


def test_delete_refuses_a_bad_lead_id(salted):
    assert salted.delete("/v1/leads/bad%00id", headers=auth("admin")).status_code == 422


def test_events_racing_an_erasure_leave_nothing_behind(store, pipeline):
    import threading

    _store_everything(store, pipeline, _person("racing"), NOW)
    outcomes: list[str] = []
    flowing = threading.Event()

    def post_events() -> None:
        for i in range(30):
            event = [
                parse_lead(_person("x", events=[{"type": "email_open", "at": NOW.isoformat()}])).events[0]
            ]
            try:
                store.append_events(
                    lead_id="racing",
                    merge=lambda stored, e=event: merge_events(stored, e),
                    decide=lambda lead: pipeline.decide([parse_lead(lead)], now=NOW).record(0),
                    at=NOW + timedelta(seconds=i),
                )
                outcomes.append("stored")
                flowing.set()
            except KeyError:
                outcomes.append("gone")

    poster = threading.Thread(target=post_events)
    poster.start()
    flowing.wait(timeout=30)  # erase once events are flowing
    erased = erase_leads(store.engine, ["racing"], salt=SALT)
    poster.join()
    stored = outcomes.count("stored")
    # Each event either landed before the erasure (and was erased with the lead) or found no lead.
    assert outcomes == ["stored"] * stored + ["gone"] * (30 - stored) and stored >= 1
    assert erased.lead_ids == ["racing"] and erased.decisions == 3 + stored  # _store_everything leaves 3
    assert not [trace for trace in (*TRACES, "racing") if trace in _all_text(store.engine)]
