"""What `--alias` says when no version carries the alias asked for: the aliases there are, and an unaliased newest."""

from __future__ import annotations

import json
import os

import pytest
from typer.testing import CliRunner

from leadgate.cli import app
from tests.conftest import ENV_NAMES
from tests.factories import lead_dict

runner = CliRunner()
ENV = dict.fromkeys(ENV_NAMES)  # unset for each run: the developer's settings stay out


@pytest.fixture(scope="module")
def three_versions(tmp_path_factory, trained, policy):
    """A registry of three versions: leadgate/1 champion, leadgate/2 replaced, leadgate/3 challenger."""
    from leadgate.settings import Settings
    from leadgate.training.registry import log_training

    saved = os.environ.get("MLFLOW_TRACKING_URI")
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("aliases"), mlflow_tracking_uri=None, database_url=None
    )
    for _ in range(3):
        log_training(trained, policy, settings, {"path": "test", "leads": 1})
    if saved is None:  # MLflow exports the URI it was given
        os.environ.pop("MLFLOW_TRACKING_URI", None)
    lead = settings.data_dir / "lead.json"
    lead.write_text(json.dumps(lead_dict()))
    return settings, lead


def decide(settings, lead, alias: str) -> str:
    result = runner.invoke(
        app, ["decide", str(lead), "--alias", alias, "--data-dir", str(settings.data_dir)], env=ENV
    )
    assert result.exit_code == 2, result.output
    return " ".join(result.output.split())


def test_a_mistyped_alias_says_it_does_not_exist_and_lists_the_aliases_there_are(three_versions):
    # Walk: "the newest version, leadgate/3, has no alias" though leadgate/3 was the challenger.
    said = decide(*three_versions, "nosuch")
    assert "no model 'leadgate' with alias 'nosuch'" in said
    assert said.endswith("the aliases there are champion (leadgate/1), challenger (leadgate/3)"), said
    assert "has no alias" not in said and "--alias 3" not in said


def test_an_unaliased_newest_version_is_still_named_with_how_to_use_it(three_versions):
    from mlflow import MlflowClient

    settings, lead = three_versions
    client = MlflowClient(tracking_uri=settings.tracking_uri())
    client.delete_registered_model_alias("leadgate", "challenger")
    try:
        said = decide(settings, lead, "challenger")
    finally:
        client.set_registered_model_alias("leadgate", "challenger", "3")
    assert "the aliases there are champion (leadgate/1); the newest version, leadgate/3, has no alias" in said
    assert "to use it anyway: `--alias 3`" in said
