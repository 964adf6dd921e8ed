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
    return runner.invoke(app, [*map(str, args), "--data-dir", str(settings.data_dir)], env=ENV)


def text(output: str) -> str:
    return " ".join(output.replace("│", " ").split())


@pytest.fixture(scope="module")
def world(tmp_path_factory, pipeline, policy):
    """A store of 400 decided leads, each with sales' verdict on it instead of a recorded outcome."""
    from leadgate.serving.feedback_store import record_feedback
    from leadgate.serving.replay import arrivals_of
    from leadgate.serving.store import DecisionStore, NewLead, make_engine, migrate
    from leadgate.settings import Settings

    settings = Settings(
        data_dir=tmp_path_factory.mktemp("review"), mlflow_tracking_uri=None, database_url=None
    )
    engine = make_engine(settings.decisions_url())
    migrate(engine)
    store = DecisionStore(engine)
    records = new_leads(policy, n=400, seed=41)
    leads = arrivals_of(records)
    _, decided = pipeline.decide_records([lead.as_of(lead.scored_at or lead.created_at) for lead in leads])
    store.create_many(
        [
            NewLead(lead.model_dump(mode="json", exclude={"scored_at"}), record, None, lead.created_at)
            for lead, record in zip(leads, decided, strict=True)
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
    return settings, store, decided


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
