"""`promote` judges by the champion's own policy (as score, decide and the service decide by), on a real registry."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from leadgate.cli import app
from tests.conftest import ENV_NAMES
from tests.registry_folders import folder_copy, logged_folder, logged_models

runner = CliRunner()
ENV = dict.fromkeys(ENV_NAMES)  # unset for each run: the developer's settings stay out


@pytest.fixture(scope="module")
def acme(tmp_path_factory, policy):
    """A policy of the customer's own, named acme, asking for more outcomes than the shipped one."""
    from leadgate.decision.policy import load_policy

    own = policy.model_copy(
        update={"name": "acme", "promotion": policy.promotion.model_copy(update={"min_outcomes": 4321})}
    )
    path = tmp_path_factory.mktemp("acme") / "acme.yaml"
    path.write_text(own.to_yaml())
    return load_policy(path)


@pytest.fixture(scope="module")
def acme_folder(tmp_path_factory, trained, acme):
    """A data folder whose champion (1) and challenger (2) were both trained with the acme policy."""
    return logged_folder(tmp_path_factory.mktemp("acme_lg"), trained, acme, versions=2, data="test")


def _copy(acme_folder, tmp_path):
    return folder_copy(acme_folder, tmp_path)


def _promote(settings, store_url, *args):
    env = {**ENV, "DATABASE_URL": store_url}
    return runner.invoke(app, ["promote", *map(str, args), "--data-dir", str(settings.data_dir)], env=env)


def test_promote_judges_by_the_champion_s_own_policy_not_the_shipped_one(
    tmp_path, store_url, acme_folder, acme, policy
):
    settings = _copy(acme_folder, tmp_path)
    dry = _promote(settings, store_url, "--dry-run", "--out", tmp_path / "verdict.json")
    said = " ".join(dry.output.split())
    assert dry.exit_code == 1, dry.output
    # The walk: `would be refused (criteria of policy default@…)` while serve and /readyz named acme@….
    assert f"would be refused (criteria of policy {acme.version}, leadgate/1's own)" in said
    assert policy.version not in said
    assert "(need 4321)" in said  # acme's criteria, not the shipped 200
    verdict = json.loads((tmp_path / "verdict.json").read_text())
    assert verdict["policy_version"] == verdict["champion_policy_version"] == acme.version


def test_a_policy_file_still_judges_when_given(tmp_path, store_url, acme_folder, policy):
    settings = _copy(acme_folder, tmp_path)
    (tmp_path / "shipped.yaml").write_text(policy.to_yaml())
    dry = _promote(settings, store_url, "--dry-run", "--policy", tmp_path / "shipped.yaml")
    said = " ".join(dry.output.split())
    assert dry.exit_code == 1, dry.output
    assert f"would be refused (criteria of policy {policy.version}, from {tmp_path / 'shipped.yaml'})" in said
    assert f"(need {policy.promotion.min_outcomes})" in said


@pytest.fixture(scope="module")
def mixed_folder(tmp_path_factory, trained, acme, policy):
    """Champion 1 trained with acme, then challenger 3 trained without --policy (the shipped default) in place
    of challenger 2: the walk's registry; with the Registered of 3."""
    folder = tmp_path_factory.mktemp("mixed")
    registered = logged_models(folder, [(trained, used) for used in (acme, acme, policy)], data="test")
    return folder, registered[-1]


def test_a_challenger_trained_with_another_policy_is_said_so_by_train_and_promote(
    tmp_path, store_url, mixed_folder, acme, policy, capsys
):
    from leadgate.cli.training_registered import say_the_policy

    settings = _copy(mixed_folder[0], tmp_path)
    registered = mixed_folder[1]
    assert (registered.version, registered.aliases) == ("3", ["challenger"])
    say_the_policy(settings, registered, policy, "the shipped default; --policy FILE for your own")
    said = " ".join(capsys.readouterr().out.split())
    assert f"policy: {policy.version} (the shipped default" in said
    assert (
        f"the champion leadgate/1 was trained with policy {acme.version}, leadgate/3 with {policy.version}"
        in said
    )

    dry = _promote(settings, store_url, "--dry-run", "--out", tmp_path / "verdict.json")
    said = " ".join(dry.output.split())
    assert dry.exit_code == 1, dry.output
    assert (
        f"champion leadgate/1 was trained with policy {acme.version}, challenger leadgate/3 with "
        f"{policy.version}: this comparison includes the policy change"
    ) in said
    assert (
        f"would be refused (criteria of policy {acme.version}, leadgate/1's own; challenger trained with "
        f"{policy.version})"
    ) in said
    verdict = json.loads((tmp_path / "verdict.json").read_text())
    assert verdict["challenger_policy_version"] == policy.version


def test_train_and_promote_say_nothing_of_a_policy_both_models_share(
    tmp_path, store_url, acme_folder, acme, capsys
):
    from leadgate.cli.training_registered import say_the_policy
    from leadgate.training.registry import Registered

    settings = _copy(acme_folder, tmp_path)
    registered = Registered(run_id="", name="leadgate", version="2", aliases=["challenger"])
    say_the_policy(settings, registered, acme, "--policy acme.yaml")
    said = " ".join(capsys.readouterr().out.split())
    assert f"policy: {acme.version} (--policy acme.yaml)" in said and "was trained with policy" not in said
    dry = _promote(settings, store_url, "--dry-run")
    assert "policy change" not in dry.output and "challenger trained with" not in dry.output, dry.output
