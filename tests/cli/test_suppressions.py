"""`leadgate suppressions list`: every subject's suppressions, by status, on a SQLite and a PostgreSQL store."""

from __future__ import annotations

import re

from tests.cli.test_lists import _on


def test_suppressions_list_shows_the_active_ones_of_every_subject_with_paging(store_url, tmp_path):
    run = _on(store_url, tmp_path / "no-models")
    assert run("suppressions", "list").output == "no active suppression"
    for subject, contact in (
        ("maria.keller@nordwerk.de", "marketing_email"),
        ("acme-labs.com", "all_contact"),
        ("jonas@nordwerk.de", "all_contact"),
    ):
        made = run("suppressions", "add", "--subject", subject, "--contact", contact, "--reason", "asked")
        assert made.exit_code == 0, made.output
    assert run("suppressions", "lift", "--id", "3", "--why", "called back").exit_code == 0

    # Operator walk: there was no way to see all active suppressions without naming a subject.
    active = run("suppressions", "list")
    assert active.exit_code == 0, active.output
    assert "#1 active: marketing_email of maria.keller@nordwerk.de since" in active.output
    assert re.search(r"since \d{4}-\d\d-\d\d \d\d:\d\d UTC \(cli by cli:", active.output), active.output
    assert "#2 active: all_contact of acme-labs.com" in active.output and "#3" not in active.output
    assert active.output.endswith("2 active suppressions")
    paged = run("suppressions", "list", "--status", "all", "--limit", "2")
    assert "#1 " in paged.output and "#3 " not in paged.output
    assert paged.output.endswith("1–2 of 3 suppressions; the next page: --offset 2")
    last = run("suppressions", "list", "--status", "all", "--limit", "2", "--offset", "2")
    assert "#3 lifted:" in last.output and last.output.endswith("3–3 of 3 suppressions")
    assert re.search(r"; lifted \d{4}-\d\d-\d\d \d\d:\d\d UTC by cli:", last.output), last.output
    accounts = run("suppressions", "list", "--subject-kind", "domain", "--contact", "all_contact")
    assert "acme-labs.com" in accounts.output and "nordwerk.de" not in accounts.output
    assert run("suppressions", "list", "--source", "api").output == "no active suppression"
    beyond = run("suppressions", "list", "--offset", "10")
    assert beyond.output == "no active suppression from --offset 10 (2 active suppressions in all)"
    bad = run("suppressions", "list", "--status", "open")
    assert bad.exit_code == 2 and "--status must be one of active, lifted, expired, all" in bad.output


def test_a_do_not_call_request_is_added_listed_and_lifted_as_a_phone_suppression(store_url, tmp_path):
    run = _on(store_url, tmp_path / "no-models")
    made = run("suppressions", "add", "--subject", "dana@acme-labs.com", "--contact", "phone",
               "--reason", "asked not to be called")  # fmt: skip
    assert made.exit_code == 0, made.output
    assert "#1 active: phone of dana@acme-labs.com since" in made.output
    listed = run("suppressions", "list", "--contact", "phone")
    assert "#1 active: phone of dana@acme-labs.com" in listed.output and listed.output.endswith(
        "1 active suppression"
    )
    # The person's own export flag names its source, as an unsubscribe does.
    assert run("suppressions", "list", "--source", "event:do_not_call").output == "no active suppression"
    lifted = run("suppressions", "lift", "--id", "1", "--why", "agreed in writing to calls")
    assert lifted.exit_code == 0 and "#1 lifted: phone of dana@acme-labs.com" in lifted.output
