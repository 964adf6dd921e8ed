"""`leadgate erase` on a real SQLite and PostgreSQL store: by lead id, by email, by retention."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from typer.testing import CliRunner

from leadgate.cli import app
from leadgate.features.schema import parse_lead
from tests.factories import lead_dict

runner = CliRunner()
SALT = "cli-test-salt-0123456789"
NOW = datetime.now(UTC)


@pytest.fixture
def seeded(store_url, pipeline):
    """Three leads of one person (email in three spellings), one of another, two idle for 400 days."""
    from leadgate.serving.store import DecisionStore, make_engine, migrate

    engine = make_engine(store_url)
    migrate(engine)
    store = DecisionStore(engine)
    leads = [
        ("p-1", "ana.lind@lindhaus.se", NOW),
        ("p-2", "Ana.Lind@LINDHAUS.se", NOW - timedelta(days=400)),
        ("p-3", "ANA.LIND@lindhaus.se", NOW),
        ("other", "bo.berg@berg.se", NOW - timedelta(days=400)),
        ("fresh", "cy.dahl@dahl.se", NOW),
    ]
    for lead_id, email, at in leads:
        lead = lead_dict(lead_id=lead_id, contact={"first_name": "Ana", "email": email})
        decision = pipeline.decide([parse_lead(lead)], now=at).record(0)
        store.create(lead=lead, decision=decision, idempotency_key=None, received_at=at)
    yield store
    engine.dispose()


def run(url: str, *args, salt: str | None = SALT, retention: int | None = None):
    env = {
        "DATABASE_URL": url,
        "LEADGATE_ERASURE_SALT": salt,
        "LEADGATE_PERSONAL_DATA_RETENTION_DAYS": None if retention is None else str(retention),
    }
    return runner.invoke(app, ["erase", *map(str, args)], env=env)


def _stored(store) -> list[str]:
    from sqlalchemy import select

    from leadgate.serving.store_models import LeadRow

    with store.engine.connect() as connection:
        return sorted(connection.scalars(select(LeadRow.lead_id)))


def _audits(store) -> list[tuple[str, str]]:
    from sqlalchemy import select

    from leadgate.serving.store_models import ErasureRow

    with store.engine.connect() as connection:
        return sorted(connection.execute(select(ErasureRow.lead_hash, ErasureRow.reason)).all())


def test_erase_by_email_erases_every_lead_of_the_person(store_url, seeded):
    from leadgate.serving.erasure import lead_hash

    dry = run(store_url, "--email", "Ana.Lind@lindhaus.SE", "--dry-run")
    assert (
        dry.exit_code == 0
        and "would erase 3 leads" in dry.output
        and _stored(seeded)
        == [
            "fresh",
            "other",
            "p-1",
            "p-2",
            "p-3",
        ]
    )
    result = run(store_url, "--email", "Ana.Lind@lindhaus.SE")
    assert result.exit_code == 0, result.output
    assert "erased 3 leads (3 decisions" in result.output
    assert _stored(seeded) == ["fresh", "other"]
    assert _audits(seeded) == sorted((lead_hash(SALT, i), "request") for i in ("p-1", "p-2", "p-3"))
    again = run(store_url, "--email", "ana.lind@lindhaus.se")
    assert again.exit_code == 0 and "nothing to erase" in again.output and len(_audits(seeded)) == 3


def test_erase_by_lead_id_says_when_it_was_already_erased(store_url, seeded):
    first = run(store_url, "--lead-id", "other", "--lead-id", "p-1")
    assert first.exit_code == 0 and "erased 2 leads" in first.output
    again = run(store_url, "--lead-id", "other", "--lead-id", "never")
    assert again.exit_code == 0
    assert "'other': already erased on" in again.output and "(request)" in again.output
    assert "'never': it is not stored" in again.output
    assert _stored(seeded) == ["fresh", "p-2", "p-3"]


def test_retention_erases_only_leads_idle_longer_than_configured(store_url, seeded):
    dry = run(store_url, "--older-than-retention", "--dry-run", retention=365)
    assert dry.exit_code == 0 and "would erase 2 leads idle for more than 365 days" in dry.output
    assert len(_stored(seeded)) == 5
    result = run(store_url, "--older-than-retention", retention=365)
    assert result.exit_code == 0 and "retention (365 days): erased 2 leads" in result.output
    assert _stored(seeded) == ["fresh", "p-1", "p-3"]
    assert [reason for _, reason in _audits(seeded)] == ["retention", "retention"]
    assert "erased 0 leads" in run(store_url, "--older-than-retention", retention=365).output


def test_without_a_salt_erase_warns_and_keeps_no_hash(store_url, seeded):
    dry = run(store_url, "--lead-id", "p-1", "--dry-run", salt=None)
    assert "would erase 1 lead: p-1" in dry.output
    result = run(store_url, "--lead-id", "p-1", salt=None)
    # One of each, said in the singular (walk: "1 decisions, 1 shadow decisions, 1 outcomes").
    assert result.exit_code == 0 and "erased 1 lead (1 decision, 0 shadow decisions, " in result.output
    assert "1 anonymised audit row kept" in result.output
    assert "no LEADGATE_ERASURE_SALT" in " ".join(result.output.split())
    assert _audits(seeded) == [(None, "request")]
    again = run(store_url, "--lead-id", "p-1", salt=None)
    assert again.exit_code == 0 and "'p-1': it is not stored" in again.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--older-than-retention"], "LEADGATE_PERSONAL_DATA_RETENTION_DAYS"),
        ([], "exactly one of"),
        (["--lead-id", "p-1", "--email", "a@b.se"], "exactly one of"),
        (["--email", "a@b.se", "--older-than-retention"], "exactly one of"),
    ],
)
def test_erase_refuses_unclear_requests_and_erases_nothing(store_url, seeded, args, message):
    result = run(store_url, *args)
    assert result.exit_code == 2 and message in " ".join(result.output.split())
    assert len(_stored(seeded)) == 5 and _audits(seeded) == []
