"""Store-counted gates on a real SQLite and PostgreSQL store: submissions, rejections, account status."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from leadgate.features.outcome import Outcome
from leadgate.serving.account_status import apply_change
from leadgate.serving.history_store import history_facts, stored_facts, stored_submission
from leadgate.serving.intake import Intake
from leadgate.serving.lifecycle_store import record_outcomes
from leadgate.serving.store import writing
from tests.serving.test_intake import _arrival, _current

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def _set_status(store, domain: str, **changes) -> None:
    with writing(store.engine) as connection:
        apply_change(connection, domain, changes, who="test", at=T0)


def _gates(result) -> dict[str, str]:
    return {gate.code: gate.reason for gate in result.record.gates}


def _contact(i: int, ip: str = "192.0.2.77", email: str | None = None, **sections) -> dict:
    contact = {"email": email or f"person{i}@nordwerk.de", **sections.pop("contact", {})}
    return {"contact": contact, "source": {"ip": ip}, **sections}


def test_ten_submissions_in_a_minute_from_one_ip_are_flagged_from_the_fifth(store, trained, policy):
    current, intake = _current(trained, policy), Intake(store)
    flagged = []
    for i in range(10):
        (result,) = intake.run_batch(
            [_arrival(current, f"ip-{i}", T0 + timedelta(seconds=5 * i), **_contact(i))]
        )
        flagged.append("rapid_submissions" in _gates(result))
        if flagged[-1]:
            assert f"{i + 1} from IP 192.0.2.77 within 1 minute" in _gates(result)["rapid_submissions"]
            assert result.record.route in ("verify", "nurture", "self_service")
    assert flagged == [False] * 4 + [True] * 6
    # A minute later the window has moved on: the address is a normal one again.
    (later,) = intake.run_batch([_arrival(current, "ip-later", T0 + timedelta(minutes=2), **_contact(99))])
    assert "rapid_submissions" not in _gates(later)


def test_earlier_arrivals_of_the_same_batch_count_too(store, trained, policy):
    current = _current(trained, policy)
    arrivals = [_arrival(current, f"b-{i}", T0 + timedelta(milliseconds=i), **_contact(i)) for i in range(10)]
    results = Intake(store).run_batch(arrivals)
    assert ["rapid_submissions" in _gates(r) for r in results] == [False] * 4 + [True] * 6


def test_one_email_five_times_within_an_hour_is_flagged_whatever_the_ip(store, trained, policy):
    current, intake = _current(trained, policy), Intake(store)
    flagged = []
    for i in range(6):
        ip = f"192.0.2.{i}"
        email = "Same.Person@Nordwerk.de" if i % 2 else "same.person@nordwerk.de"  # one address, any case
        arrival = _arrival(current, f"e-{i}", T0 + timedelta(minutes=10 * i), **_contact(i, ip, email))
        flagged.append("rapid_submissions" in _gates(intake.run_batch([arrival])[0]))
    assert flagged == [False] * 4 + [True, True]


def test_a_recent_bad_fit_rejection_of_the_account_holds_its_new_contacts(store, trained, policy):
    current, intake = _current(trained, policy), Intake(store)
    intake.run_batch([_arrival(current, "old-1", T0, **_contact(1, "192.0.2.1"))])
    intake.run_batch([_arrival(current, "old-2", T0, **_contact(2, "192.0.2.2", "kim@acme-labs.com"))])
    record_outcomes(
        store.engine,
        [
            Outcome(lead_id="old-1", sql=False, rejection_reason="not_a_fit_size", at=T0 + timedelta(days=2)),
            # A contact's own reason says nothing of the account: it never holds the colleagues.
            Outcome(lead_id="old-2", sql=False, rejection_reason="no_authority", at=T0 + timedelta(days=2)),
        ],
        source="test",
    )
    soon, late, other = (
        _arrival(current, "new-1", T0 + timedelta(days=30), **_contact(3, "192.0.2.3")),
        _arrival(current, "new-2", T0 + timedelta(days=300), **_contact(4, "192.0.2.4")),
        _arrival(current, "new-3", T0 + timedelta(days=30), **_contact(5, "192.0.2.5", "lee@acme-labs.com")),
    )
    results = [intake.run_batch([arrival])[0] for arrival in (soon, late, other)]
    reasons = [_gates(r).get("recently_rejected_account") for r in results]
    assert reasons[0] and "nordwerk.de, not_a_fit_size on 2026-11-22" in reasons[0]
    assert results[0].record.route in ("nurture", "verify", "self_service")  # capped: never sales_ready
    assert reasons[1:] == [None, None]


def test_account_status_reaches_every_new_contact_even_on_a_free_email(store, trained, policy):
    current, intake = _current(trained, policy), Intake(store)
    _set_status(store, "nordwerk.de", churned_non_payment=True, open_escalation=True)
    (held,) = intake.run_batch([_arrival(current, "s-1", T0, **_contact(1))])
    assert {"churned_non_payment", "open_escalation"} <= set(_gates(held)) and held.record.route == "verify"
    changes = {"churned_non_payment": False, "open_escalation": False}  # cleared, each given as false
    _set_status(store, "nordwerk.de", do_not_engage=True, note="legal asked us", **changes)
    free_email = _contact(2, email="maria.keller@gmail.com")  # the account's website, a personal address
    (blocked,) = intake.run_batch([_arrival(current, "s-2", T0, **free_email)])
    assert blocked.record.route == "silent_reject"
    assert _gates(blocked)["do_not_engage"] == "Account is on the do-not-engage list (nordwerk.de)"
    assert {"churned_non_payment", "open_escalation"}.isdisjoint(_gates(blocked))


def test_a_re_decision_counts_as_of_the_lead_s_own_arrival(store, trained, policy):
    current, intake = _current(trained, policy), Intake(store)
    for i in range(7):
        intake.run_batch([_arrival(current, f"r-{i}", T0 + timedelta(seconds=i), **_contact(i))])
    later = T0 + timedelta(days=1)
    facts = [
        history_facts(store.engine, [stored_submission(store.engine, f"r-{i}", later)], policy)
        for i in (2, 5)
    ]
    assert [f.ip_submissions[0] for f in facts] == [3, 6]  # its own place in the flood, not the flood's size
    assert stored_submission(store.engine, "nobody", later) is None


def test_stored_leads_decided_together_each_count_as_alone(store, trained, policy):
    """A suppression decides an account's leads of months apart in one call: each keeps its own windows."""
    current, intake = _current(trained, policy), Intake(store)
    arrivals = [T0 + timedelta(seconds=i) for i in range(6)] + [
        T0 + timedelta(days=400 + i) for i in range(3)
    ]
    for i, at in enumerate(arrivals):
        email = "same.person@nordwerk.de" if i % 3 == 0 else None
        intake.run_batch([_arrival(current, f"m-{i}", at, **_contact(i, email=email))])
    record_outcomes(
        store.engine,
        [Outcome(lead_id="m-0", sql=False, rejection_reason="not_a_fit_size", at=T0 + timedelta(days=1))],
        source="test",
    )
    later = T0 + timedelta(days=500)
    submissions = [stored_submission(store.engine, f"m-{i}", later) for i in range(len(arrivals))]
    together = stored_facts(store.engine, submissions, policy)
    for i, submission in enumerate(submissions):
        alone = history_facts(store.engine, [submission], policy)
        for name, values in alone.__dict__.items():
            assert str(getattr(together, name)[i]) == str(values[0]), (i, name)
    assert list(together.ip_submissions) == [1, 2, 3, 4, 5, 6, 1, 1, 1]  # a day apart: alone in a minute
    assert [together.email_submissions[i] for i in (0, 3, 6)] == [1, 2, 1]
    assert together.bad_fit_reason[0] == "not_a_fit_size" and together.bad_fit_reason[-1] == ""


def test_facts_skip_text_no_store_holds_and_leads_without_keys(store, trained, policy):
    current = _current(trained, policy)
    nothing = {"contact": {"email": None}, "company": {"website": None}, "source": {"ip": None}}
    results = Intake(store).run_batch([_arrival(current, f"n-{i}", T0, **nothing) for i in range(6)])
    assert all("rapid_submissions" not in _gates(r) for r in results)


def test_the_migration_fills_the_new_columns_from_leads_already_stored(bare_engine):
    from sqlalchemy import text

    from tests.factories import lead_dict
    from tests.serving.conftest import upgrade_to

    upgrade_to(bare_engine, "0003_erasure")
    lead = lead_dict(lead_id="x-1", contact={"email": " Kim@Sales.Nordwerk.DE"}, source={"ip": "192.0.2.9"})
    with bare_engine.begin() as connection:
        connection.execute(
            text("INSERT INTO leads (lead_id, lead, received_at, updated_at) VALUES (:i, :l, :t, :t)"),
            {"i": "x-1", "l": __import__("json").dumps(lead), "t": T0},
        )
    upgrade_to(bare_engine, "head")
    with bare_engine.connect() as connection:
        row = connection.execute(text("SELECT account_domain, email, source_ip FROM leads")).one()
    assert tuple(row) == ("nordwerk.de", "kim@sales.nordwerk.de", "192.0.2.9")


def test_a_website_too_long_for_a_domain_joins_no_account_and_the_lead_is_stored(store, trained, policy):
    current = _current(trained, policy)
    website = "https://" + "a" * 300 + ".com"
    long_site = {"contact": {"email": "kim@gmail.com"}, "company": {"website": website}}
    (result,) = Intake(store).run_batch([_arrival(current, "long-1", T0, **long_site)])
    assert result.stored.created and result.decisions.lead_ids == ["long-1"]
