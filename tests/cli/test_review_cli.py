"""`leadgate evidence --from-store` reads sales feedback as labels; `leadgate monitor` shows the false-positive rate."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

from leadgate.cli import app
from tests.conftest import ENV_NAMES
from tests.training.lifecycle_world import new_leads

runner = CliRunner()
ENV = dict.fromkeys(ENV_NAMES)  # unset for each run: the developer's settings stay out
NOW = datetime.now(UTC)


def run(settings, *args):
    """The command on the settings' data folder and store, without the developer's settings."""
    env = {**ENV, "DATABASE_URL": settings.database_url}
    return runner.invoke(app, [*map(str, args), "--data-dir", str(settings.data_dir)], env=env)


def text(output: str) -> str:
    return " ".join(output.replace("│", " ").split())


@pytest.fixture(scope="module")
def decided_leads(pipeline, policy):
    """400 leads, each with the session's model's decision at arrival: decided once, only read."""
    from leadgate.serving.replay import arrivals_of

    records = new_leads(policy, n=400, seed=41)
    leads = arrivals_of(records)
    _, decisions = pipeline.decide_records([lead.as_of(lead.scored_at or lead.created_at) for lead in leads])
    return records, leads, decisions


@pytest.fixture
def world(decided_leads, store_url, tmp_path):
    """A fresh store on SQLite and on PostgreSQL of those 400 leads, each with sales' verdict instead of an outcome."""
    from leadgate.serving.feedback_store import record_feedback
    from leadgate.serving.store import DecisionStore, NewLead, make_engine
    from leadgate.settings import Settings

    records, leads, decisions = decided_leads
    settings = Settings(data_dir=tmp_path / "data", mlflow_tracking_uri=None, database_url=store_url)
    engine = make_engine(store_url)
    store = DecisionStore(engine)
    store.create_many(
        [
            NewLead(lead.model_dump(mode="json", exclude={"scored_at"}), record, None, lead.created_at)
            for lead, record in zip(leads, decisions, strict=True)
        ]
    )
    for i, record in enumerate(records):
        sql = record["outcome"]["sql"]
        verdict, reason = ("accepted", None) if sql else ("rejected", "no_active_need")
        if i % 10 == 0:
            verdict, reason = "rejected", "timing"  # gives no label
        record_feedback(
            engine, lead_id=record["lead_id"], verdict=verdict, reason=reason, note=None, by="t", at=NOW
        )
    yield settings, store, decisions
    engine.dispose()


def test_evidence_from_the_store_learns_from_sales_feedback(world):
    settings, _, _ = world
    result = run(settings, "evidence", "--from-store", "--min-n", 10)
    assert result.exit_code == 0, result.output
    said = text(result.output)
    assert "labels: 0 recorded outcomes, 360 from sales feedback; 40 feedback verdicts give no label" in said
    assert "personal email" in said  # the signals were measured on those 360 leads


def test_monitor_shows_the_false_positive_rate_of_disputed_automatic_rejections(world, tmp_path):
    from leadgate.serving.reviews import open_review, resolve_review

    settings, store, decided = world
    rejected = [record.lead_id for record in decided if record.rejecting][:4]
    assert len(rejected) == 4
    for lead_id, outcome in zip(rejected, ("misclassified", "correct", "correct", "correct"), strict=True):
        item, _ = open_review(store.engine, token=store.review_token(lead_id), message=None, at=NOW)
        resolve_review(store.engine, review_id=item["id"], outcome=outcome, note=None, by="t", at=NOW)
    out = tmp_path / "monitor.json"
    result = run(settings, "monitor", "--since", "7d", "--out", out)
    assert result.exit_code == 0, result.output
    assert "25.0% of disputed automatic rejections were misclassified (1 of n=4" in text(result.output)
    reviews = json.loads(out.read_text())["reviews"]
    assert reviews == {"resolved": 4, "misclassified": 1, "open": 0, "false_positive_rate": 0.25}
