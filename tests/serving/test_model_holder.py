"""The model holder: what it tells /metrics and the log when an alias appears, moves or goes away."""

from __future__ import annotations

import logging

import pytest
from prometheus_client import CollectorRegistry

HOLDER_LOG = "leadgate.serving.model_holder"


class Registry:
    """A stand-in alias table: version_of and loader for a holder, changed by the test."""

    def __init__(self, model, policy):
        self.model, self.policy = model, policy
        self.versions: dict[str, str] = {}

    def version_of(self, settings, alias):
        from leadgate.serving.model_holder import AliasGone

        if alias not in self.versions:
            raise AliasGone(alias)
        return self.versions[alias]

    def loader(self, settings, alias):
        import copy

        from leadgate.serving.model_loading import LoadedModel

        model = copy.copy(self.model)  # each load its own version label, as mlflow's loads are
        model.version = f"leadgate/{self.versions[alias]}"
        return LoadedModel(model, self.policy, "leadgate", self.versions[alias], "run")


@pytest.fixture
def world(service_settings, trained, policy):
    return service_settings, Registry(trained.model, policy)


def _holder(world, alias, **options):
    from leadgate.serving.model_holder import ModelHolder

    settings, registry = world
    return ModelHolder(
        settings, alias=alias, loader=registry.loader, version_of=registry.version_of, **options
    )


def _said(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == HOLDER_LOG]


def test_the_challenger_gauge_drops_to_0_when_the_alias_is_removed(world):
    from leadgate.serving.shadow import ShadowMetrics, ShadowScorer

    settings, registry = world
    prometheus = CollectorRegistry()
    metrics = ShadowMetrics(prometheus)

    def loaded():
        return prometheus.get_sample_value("leadgate_challenger_loaded")

    registry.versions["challenger"] = "2"
    holder = _holder(world, "challenger", unload_when_alias_gone=True, loaded_gauge=metrics.loaded)
    scorer = ShadowScorer(settings, engine=None, metrics=metrics, holder=holder)
    scorer.start(poll=False)
    try:
        assert loaded() == 1
        del registry.versions["challenger"]  # promotion deletes the challenger alias
        assert holder.refresh() is True
        # Nothing was scored since: only the reload can have said so.
        assert loaded() == 0 and not scorer.active
        registry.versions["challenger"] = "3"
        holder.refresh()
        assert loaded() == 1
    finally:
        scorer.stop()


def test_every_load_and_change_is_logged_once_in_one_line(world, caplog):
    settings, registry = world
    caplog.set_level(logging.INFO, logger="leadgate")
    registry.versions["champion"] = "1"
    champion = _holder(world, "champion")
    challenger = _holder(world, "challenger", unload_when_alias_gone=True)
    champion.refresh()
    challenger.refresh()
    policy = registry.policy.version
    assert _said(caplog) == [
        "now serving leadgate/1 (champion)",
        f"policy {policy} for the champion (the model's own)",
        "no challenger (no model with alias 'challenger')",
    ]
    caplog.clear()
    champion.refresh()  # a poll that finds nothing new says nothing
    challenger.refresh()
    assert _said(caplog) == []
    registry.versions.update(champion="2", challenger="3")
    champion.refresh()
    challenger.refresh()
    del registry.versions["challenger"]
    challenger.refresh()
    assert _said(caplog) == [
        "now serving leadgate/2 (champion)",
        "challenger leadgate/3 in shadow",
        f"policy {policy} for the challenger (the model's own)",
        "no challenger (alias 'challenger' removed)",
    ]
    assert all("\n" not in message for message in _said(caplog))


def test_a_champion_missing_at_start_is_a_warning_naming_the_fallback(world, caplog):
    caplog.set_level(logging.INFO, logger="leadgate")
    _holder(world, "champion").refresh()
    [missing] = [r for r in caplog.records if r.name == HOLDER_LOG and r.levelno == logging.WARNING]
    assert missing.getMessage() == (
        "no champion (no model with alias 'champion'): gates only, ungated leads go to verify"
    )


def test_a_policy_file_with_likely_mistakes_is_warned_of_once_when_it_comes_into_force(
    world, caplog, tmp_path
):
    from leadgate.decision.policy import default_policy_text, load_policy
    from leadgate.serving.model_holder import ModelHolder

    settings, registry = world
    policy = tmp_path / "floor.yaml"
    policy.write_text(default_policy_text().replace("employees_floor: 10", "employees_floor: 50", 1))
    registry.policy = load_policy(policy)  # what the real loader returns under settings.policy_path
    caplog.set_level(logging.INFO, logger="leadgate")
    registry.versions["champion"] = "1"
    holder = ModelHolder(
        settings.model_copy(update={"policy_path": policy}),
        alias="champion",
        loader=registry.loader,
        version_of=registry.version_of,
    )
    holder.refresh()
    holder.refresh()
    warned = [r for r in caplog.records if r.name == HOLDER_LOG and r.levelno == logging.WARNING]
    assert [r.getMessage()[:60] for r in warned] == [
        "policy warning: employees_floor 50 is not below employees_ta",
        "policy warning: named 'default' like the shipped policy but ",
    ]
