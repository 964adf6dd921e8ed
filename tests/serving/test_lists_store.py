"""Lists and suppression records on a real SQLite and PostgreSQL store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from leadgate.decision.lists import ListValueError
from leadgate.decision.policy import load_policy
from leadgate.serving import lists_store, suppression_store
from leadgate.serving.erasure import erase_leads
from leadgate.serving.screening import Screening
from leadgate.serving.store_models import ListAuditRow, ListEntryRow, SuppressionRow
from tests.factories import lead_dict

POLICY = load_policy()


def _count(store, table) -> int:
    with store.engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(table))


def test_each_change_is_audited_and_moves_the_revision(store):
    entry, first = lists_store.add_entry(
        store.engine, kind="competitor_domains", value="RivalHQ.com", why="won a deal against us", who="kim"
    )
    assert entry.value == "rivalhq.com" and first >= 1
    _, second = lists_store.add_entry(
        store.engine, kind="competitor_networks", value="203.0.113.0/24", why="their office", who="kim"
    )
    third = lists_store.remove_entry(
        store.engine, kind="competitor_domains", value="rivalhq.com", why="they were acquired", who="lee"
    )
    assert first < second < third
    revision, lists = lists_store.snapshot(store.engine)
    assert (
        revision == third
        and lists["competitor_domains"] == ()
        and lists["competitor_networks"] == ("203.0.113.0/24",)
    )
    changes = lists_store.audit(store.engine, "competitor_domains")
    assert [(c["action"], c["who"], c["why"]) for c in changes] == [
        ("remove", "lee", "they were acquired"),
        ("add", "kim", "won a deal against us"),
    ]


def _in_berlin(store):
    """The store's engine with each PostgreSQL session in Europe/Berlin, as a server set up there would be."""
    from sqlalchemy import create_engine

    from tests.postgres import use_schema

    if store.engine.dialect.name == "sqlite":
        return store.engine  # no session zone: stored times come back without one
    with store.engine.connect() as connection:
        schema = connection.exec_driver_sql("SELECT current_schema()").scalar()
    engine = create_engine(store.engine.url, connect_args={"options": "-c timezone=Europe/Berlin"})
    use_schema(engine, schema)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SHOW timezone").scalar() == "Europe/Berlin"
    return engine


def test_entry_and_audit_times_read_back_in_utc_whatever_the_session_s_time_zone(store):
    berlin = _in_berlin(store)
    before = datetime.now(UTC)
    lists_store.add_entry(berlin, kind="do_not_engage", value="example-tz.com", why="legal", who="kim")
    [entry] = lists_store.entries(berlin, "do_not_engage")
    [change] = lists_store.audit(berlin, "do_not_engage")
    for moment in (entry.added_at, change["at"]):
        # `lists show` prints these without a zone: they must be UTC, as SQLite's are, not the server's time.
        assert moment.tzinfo is UTC, moment
        assert before - timedelta(seconds=1) <= moment <= datetime.now(UTC)
    berlin.dispose()


@pytest.mark.parametrize(
    ("kind", "value", "why", "words"),
    [
        ("competitor_networks", "203.0.113.7/24", "office", "did you mean 203.0.113.0/24"),
        ("competitor_domains", "rival.com", "   ", "reason"),
        ("competitors", "rival.com", "why", "unknown list kind"),
        ("do_not_engage", "http://x.com/a", "why", "bare domain"),
    ],
)
def test_bad_input_is_refused_in_words_and_nothing_is_stored(store, kind, value, why, words):
    with pytest.raises(ListValueError, match=words):
        lists_store.add_entry(store.engine, kind=kind, value=value, why=why, who="kim")
    assert _count(store, ListEntryRow) == 0 and _count(store, ListAuditRow) == 0


def test_entries_stored_with_www_before_are_migrated_to_the_registered_domain_with_an_audit(bare_engine):
    from sqlalchemy import text

    from tests.serving.conftest import upgrade_to

    upgrade_to(bare_engine, "0010_outcome_won_unknown")
    now = datetime.now(UTC)
    old = [
        ("do_not_engage", "www.crestscalesystems.com"),  # only as www.: rewritten
        ("competitor_domains", "www.rivalhq.com"),  # listed bare too: dropped
        ("competitor_domains", "rivalhq.com"),
        ("employee_domains", "www.internal"),  # not a registered domain's www.: kept as given
        ("competitor_networks", "192.0.2.0/24"),
    ]
    insert = "INSERT INTO list_entries (kind, value, added_at, added_by, why) VALUES (:k, :v, :t, 'kim', 'x')"
    with bare_engine.begin() as connection:
        for kind, value in old:
            connection.execute(text(insert), {"k": kind, "v": value, "t": now})
    upgrade_to(bare_engine, "head")
    with bare_engine.connect() as connection:
        kept = set(connection.execute(text("SELECT kind, value FROM list_entries")).all())
        steps = connection.execute(text("SELECT kind, value, action, who FROM list_audit ORDER BY id")).all()
    assert kept == {
        ("do_not_engage", "crestscalesystems.com"),
        ("competitor_domains", "rivalhq.com"),
        ("employee_domains", "www.internal"),
        ("competitor_networks", "192.0.2.0/24"),
    }
    assert sorted(steps) == sorted(
        [
            ("do_not_engage", "www.crestscalesystems.com", "remove", "migration 0011"),
            ("do_not_engage", "crestscalesystems.com", "add", "migration 0011"),
            ("competitor_domains", "www.rivalhq.com", "remove", "migration 0011"),
        ]
    )


def test_a_repeat_or_a_file_entry_conflicts_and_a_missing_one_is_not_listed(store):
    lists_store.add_entry(store.engine, kind="do_not_engage", value="acme.com", why="legal", who="kim")
    with pytest.raises(lists_store.ListConflict, match="already on do_not_engage"):
        lists_store.add_entry(store.engine, kind="do_not_engage", value="ACME.com", why="again", who="kim")
    with pytest.raises(lists_store.ListConflict, match="policy file"):
        lists_store.add_entry(
            store.engine,
            kind="do_not_engage",
            value="blocked-customer.com",
            why="x",
            who="kim",
            policy=POLICY,
        )
    with pytest.raises(lists_store.ListConflict, match="change the file"):
        lists_store.remove_entry(
            store.engine,
            kind="do_not_engage",
            value="blocked-customer.com",
            why="x",
            who="kim",
            policy=POLICY,
        )
    with pytest.raises(lists_store.NotListed):
        lists_store.remove_entry(store.engine, kind="do_not_engage", value="other.com", why="x", who="kim")
    assert _count(store, ListAuditRow) == 1
    shown = lists_store.entries(store.engine, "do_not_engage", policy=POLICY)
    assert [(e.value, e.source) for e in shown] == [("blocked-customer.com", "policy"), ("acme.com", "store")]


def test_an_entry_stored_before_todays_rules_is_still_removable(store):
    # Earlier versions stored subdomains and free-mail domains as given; the gates still compare them, so
    # they must come off the list although a new one is refused.
    at = datetime.now(UTC)
    with store.engine.begin() as connection:
        for value in ("eu.acme.com", "gmail.com"):
            connection.execute(
                ListEntryRow.__table__.insert(),
                {"kind": "do_not_engage", "value": value, "added_at": at, "added_by": "old", "why": "before"},
            )
    with pytest.raises(ListValueError):
        lists_store.add_entry(store.engine, kind="do_not_engage", value="gmail.com", why="x", who="kim")
    for value in ("EU.Acme.com.", "gmail.com"):
        lists_store.remove_entry(store.engine, kind="do_not_engage", value=value, why="wrong", who="kim")
    assert lists_store.entries(store.engine, "do_not_engage") == []


def test_screening_picks_a_change_up_at_the_next_call_and_reuses_the_pipeline_otherwise(store, pipeline):
    screening = Screening(store.engine)
    assert screening.pipeline(pipeline) is pipeline  # nothing in the store: the file's lists
    lists_store.add_entry(store.engine, kind="competitor_domains", value="rivalhq.com", why="x", who="kim")
    first = screening.pipeline(pipeline)
    assert "rivalhq.com" in first.policy.domains.competitors and first.model is pipeline.model
    assert screening.pipeline(pipeline) is first
    lists_store.remove_entry(store.engine, kind="competitor_domains", value="rivalhq.com", why="x", who="kim")
    second = screening.pipeline(pipeline)
    assert "rivalhq.com" not in second.policy.domains.competitors
    assert second.policy.lists_version != first.policy.lists_version


def test_suppressions_are_created_lifted_once_and_never_deleted(store):
    made = suppression_store.create(
        store.engine,
        subject="Maria.Keller@Nordwerk.de",
        contact="marketing_email",
        reason="asked by phone",
        who="kim",
    )
    assert made.subject == "maria.keller@nordwerk.de" and made.subject_kind == "email"
    lifted = suppression_store.lift(
        store.engine, made.id, why="she asked for the newsletter again", who="lee"
    )
    assert lifted.lifted_by == "lee" and lifted.lifted_at is not None
    with pytest.raises(suppression_store.AlreadyLifted):
        suppression_store.lift(store.engine, made.id, why="again", who="lee")
    with pytest.raises(LookupError):
        suppression_store.lift(store.engine, 999_999, why="x", who="lee")
    assert _count(store, SuppressionRow) == 1


@pytest.mark.parametrize(
    ("subject", "contact", "expires", "words"),
    [
        ("not an address", "marketing_email", None, "email address or a bare domain"),
        # A domain is one account: a free-mail provider's would stop contact with everyone writing from it.
        ("gmail.com", "all_contact", None, "gmail.com is a free email domain, nobody's account"),
        ("mailinator.com", "all_contact", None, "disposable email domain"),
        ("co.uk", "all_contact", None, "co.uk is a public suffix, no one's account"),
        ("maria@nordwerk.de", "sms", None, "contact must be one of"),
        ("maria@nordwerk.de", "all_contact", datetime(2020, 1, 1, tzinfo=UTC), "in the past"),
    ],
)
def test_a_bad_suppression_is_refused_and_nothing_is_stored(store, subject, contact, expires, words):
    with pytest.raises(suppression_store.SuppressionError, match=words):
        suppression_store.create(
            store.engine, subject=subject, contact=contact, reason="r", who="kim", expires_at=expires
        )
    assert _count(store, SuppressionRow) == 0


def test_records_reach_the_person_and_the_account_not_the_colleague(store):
    for subject, contact in (("maria.keller@nordwerk.de", "marketing_email"), ("otherco.com", "all_contact")):
        suppression_store.create(store.engine, subject=subject, contact=contact, reason="r", who="kim")
    maria = lead_dict(lead_id="m")
    jonas = lead_dict(lead_id="j", contact={"email": "jonas.brandt@nordwerk.de"})
    other = lead_dict(lead_id="o", contact={"email": "a@otherco.com"}, company={"website": "otherco.com"})
    found = suppression_store.for_leads(store.engine, [maria, jonas, other])
    assert [[s.subject for s in per_lead] for per_lead in found] == [
        ["maria.keller@nordwerk.de"],
        [],
        ["otherco.com"],
    ]


def test_a_decisions_event_suppressions_and_lifts_are_stored_once(store):
    at = datetime(2026, 11, 2, tzinfo=UTC).isoformat()
    seen = [
        {
            "id": None,
            "subject_kind": "email",
            "subject": "maria.keller@nordwerk.de",
            "contact": "marketing_email",
            "reason": "unsubscribe received",
            "source": "event:unsubscribe",
            "created_at": at,
            "expires_at": None,
            "status": "active",
            "lifted_at": None,
            "lifted_by": None,
            "lift_reason": None,
        }
    ]
    suppression_store.persist(store.engine, "m", seen)
    suppression_store.persist(store.engine, "m", seen)  # the next decision of the same lead sees it again
    [stored] = suppression_store.for_subjects(store.engine, ["maria.keller@nordwerk.de"])
    lift = {
        **seen[0],
        "id": stored.id,
        "status": "lifted",
        "lifted_at": at,
        "lifted_by": "event:demo_request",
        "lift_reason": "demo",
    }
    suppression_store.persist(store.engine, "m", [lift])
    [stored] = suppression_store.for_subjects(store.engine, ["maria.keller@nordwerk.de"])
    assert stored.lifted_by == "event:demo_request" and stored.lifted_at == datetime.fromisoformat(at)


def test_an_erased_persons_suppression_stays_in_force_under_a_salted_hash(store, pipeline):
    salt = "a-test-salt-of-some-length"
    lead = lead_dict(lead_id="erase-sup", contact={"email": "maria.keller@nordwerk.de"})
    from leadgate.features.schema import parse_lead

    now = datetime.now(UTC)
    store.create(
        lead=lead, decision=pipeline.decide_one(parse_lead(lead)), idempotency_key=None, received_at=now
    )
    suppression_store.create(
        store.engine,
        subject="maria.keller@nordwerk.de",
        contact="all_contact",
        reason="complaint",
        who="kim",
        expires_at=now + timedelta(days=30),
    )
    assert erase_leads(store.engine, ["erase-sup"], salt=salt).lead_ids == ["erase-sup"]
    with store.engine.connect() as connection:
        subjects = list(connection.scalars(select(SuppressionRow.subject)))
    assert len(subjects) == 1 and "maria" not in subjects[0] and subjects[0].startswith("erased:")
    # The same person submitting again is still suppressed: the lookup hashes her address too.
    [found] = suppression_store.for_leads(store.engine, [lead], salt)
    assert [s.contact for s in found] == ["all_contact"]


def test_without_a_salt_an_erased_persons_suppression_is_kept_for_the_count_and_matches_no_one(
    store, pipeline
):
    from leadgate.features.schema import parse_lead

    lead = lead_dict(lead_id="erase-unsalted", events=[{"type": "unsubscribe", "at": "2026-11-02T00:00:00Z"}])
    record = pipeline.decide_one(parse_lead(lead))
    store.create(lead=lead, decision=record, idempotency_key=None, received_at=datetime.now(UTC))
    suppression_store.persist(store.engine, "erase-unsalted", record.suppressions)
    erase_leads(store.engine, ["erase-unsalted"], salt=None)
    with store.engine.connect() as connection:
        [(subject, lead_id)] = connection.execute(
            select(SuppressionRow.subject, SuppressionRow.lead_id)
        ).all()
    assert subject.startswith("erased:#") and lead_id is None
    assert suppression_store.for_leads(store.engine, [lead]) == [[]]
