"""Promotion on shadow evidence: a worse challenger is refused, a better one promoted only with enough outcomes."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from tests.training.lifecycle_world import go_live, new_leads, outcomes_of, permuted


@pytest.fixture(scope="module")
def weak(history, policy):
    """A model trained on shuffled outcomes: as good as a coin."""
    from leadgate.training.train import train_model

    return train_model(permuted(history), policy, seed=0)


def _registry(tmp_path, policy, champion, challenger):
    from leadgate.settings import Settings
    from leadgate.training.registry import log_training

    settings = Settings(data_dir=tmp_path, mlflow_tracking_uri=None, database_url=None)
    first = log_training(champion, policy, settings, {"path": "test", "leads": 1})
    second = log_training(challenger, policy, settings, {"path": "test", "leads": 1})
    assert (first.aliases, second.aliases) == (["champion"], ["challenger"])
    return settings, first.version, second.version


def _aliases(settings) -> dict[str, str]:
    from mlflow import MlflowClient

    model = MlflowClient(tracking_uri=settings.tracking_uri()).get_registered_model(settings.model_name)
    return {alias: str(version) for alias, version in model.aliases.items()}


def _tags(settings, version: str) -> dict[str, str]:
    from mlflow import MlflowClient

    client = MlflowClient(tracking_uri=settings.tracking_uri())
    return client.get_model_version(settings.model_name, version).tags


def _promote(settings, *args):
    from leadgate.cli import app

    return CliRunner().invoke(app, ["promote", "--data-dir", str(settings.data_dir), *args])


def _record(settings, outcomes):
    from leadgate.serving.lifecycle_store import record_outcomes
    from leadgate.serving.store import make_engine

    return record_outcomes(make_engine(settings.decisions_url()), outcomes, source="test")


def test_a_worse_challenger_is_refused_and_the_champion_stays(tmp_path, monkeypatch, policy, trained, weak):
    for name in ("DATABASE_URL", "MLFLOW_TRACKING_URI", "LEADGATE_POLICY_PATH"):
        monkeypatch.delenv(name, raising=False)
    settings, champion, challenger = _registry(tmp_path, policy, trained, weak)
    records = new_leads(policy)
    go_live(settings, records)
    assert _record(settings, outcomes_of(records)).written == len(records)

    dry = _promote(settings, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "would be refused" in dry.output and "leadgate.promotion.decision" not in _tags(
        settings, challenger
    )

    result = _promote(settings, "--out", str(tmp_path / "report.json"))
    assert result.exit_code == 1, result.output
    assert "refused" in result.output and "discrimination not worse" in result.output
    assert _aliases(settings) == {"champion": champion, "challenger": challenger}
    tags = _tags(settings, challenger)
    assert tags["leadgate.promotion.decision"] == "refused"
    assert "ROC-AUC challenger - champion" in tags["leadgate.promotion.reasons"]


def test_a_better_challenger_is_promoted_only_after_enough_outcomes(
    tmp_path, monkeypatch, policy, trained, weak
):
    import json

    for name in ("DATABASE_URL", "MLFLOW_TRACKING_URI", "LEADGATE_POLICY_PATH"):
        monkeypatch.delenv(name, raising=False)
    settings, champion, challenger = _registry(tmp_path, policy, weak, trained)
    records = new_leads(policy, seed=22)
    go_live(settings, records)
    outcomes = outcomes_of(records)

    _record(settings, outcomes[:100])  # too few yet: the policy asks for 200 outcomes and 20 SQLs
    early = _promote(settings)
    assert early.exit_code == 1, early.output
    assert "enough outcomes" in early.output
    assert _aliases(settings)["champion"] == champion

    _record(settings, outcomes[100:])
    # A coin-flip champion sends nearly every lead on, so any real model hides a few more won deals;
    # this policy tolerates five (the shipped one none), and the report must list them.
    lenient = policy.model_copy(
        update={"promotion": policy.promotion.model_copy(update={"max_extra_won_hidden": 5})}
    )
    (tmp_path / "policy.yaml").write_text(lenient.to_yaml())
    late = _promote(
        settings, "--out", str(tmp_path / "report.json"), "--policy", str(tmp_path / "policy.yaml")
    )
    assert late.exit_code == 0, late.output
    assert _aliases(settings) == {"champion": challenger}
    assert _tags(settings, challenger)["leadgate.promotion.decision"] == "promoted"
    assert _tags(settings, champion)["leadgate.replaced_by"] == challenger
    report = json.loads((tmp_path / "report.json").read_text())
    low, high = report["auc_difference"][1:]
    assert report["promote"] and low > 0  # the better model is better beyond its interval
    assert report["with_outcome"] == len(records)
    won_ids = {r["lead_id"] for r in records if r["outcome"].get("won")}
    assert set(report["won_hidden_by_challenger_only"]) <= won_ids
    for lead_id in report["won_hidden_by_challenger_only"]:
        assert lead_id in late.output
