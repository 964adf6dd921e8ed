"""The service's current decision pipeline, swapped when the champion alias moves, without a restart."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from prometheus_client import Gauge

from leadgate.decision.count_words import plural
from leadgate.decision.pipeline import DecisionPipeline
from leadgate.decision.policy import load_policy
from leadgate.decision.policy_problems import policy_warnings
from leadgate.features.schema import parse_lead
from leadgate.runtime import freeze_long_lived
from leadgate.serving.examples import LEAD_EXAMPLE
from leadgate.serving.kept_policy import KeptPolicy, keep, kept, kept_path
from leadgate.serving.model_loading import LoadedModel, load_by_alias, policy_for
from leadgate.serving.registry_aliases import version_by_alias
from leadgate.serving.registry_reach import check_registry
from leadgate.settings import Settings

log = logging.getLogger(__name__)


LOAD_FAILED = "model load failed"


@dataclass(frozen=True)
class Current:
    """An immutable snapshot: a request takes it once, so a swap never changes a decision in flight."""

    pipeline: DecisionPipeline
    loaded: LoadedModel | None
    problem: str | None = None
    # The champion's own policy as kept when it last loaded, deciding while it does not load (kept_policy.py).
    kept: KeptPolicy | None = None

    @property
    def model_version(self) -> str | None:
        """The loaded model's version, or None when running on gates only."""
        return self.loaded.model.version if self.loaded else None

    @property
    def load_failed(self) -> bool:
        """A model is meant to serve but could not be loaded (not merely none registered)."""
        return self.loaded is None and (self.problem or "").startswith(LOAD_FAILED)


class AliasGone(LookupError):
    """The registry answered: no version carries this alias (as opposed to: the registry did not answer)."""


def _alias_version(settings: Settings, alias: str) -> str | None:
    if settings.embedded_tracking() and not settings.embedded_store_exists():
        # No registry in the folder yet, so no model: asking MLflow would make an empty one (~10 s).
        raise AliasGone(alias)
    # Seconds, not MLflow's minutes of retries, when the registry's database is down: the service opens its
    # port on the gates alone and the poll tries again.
    check_registry(settings)
    # Only the registry saying the alias is not there is "gone": any other error (a locked or frozen registry,
    # RegistryUnreachable within the bound) is a failed refresh, which keeps the champion serving and says why.
    version = version_by_alias(settings, alias)
    if version is None:
        raise AliasGone(alias)
    return str(version.version)


def _warm_up(pipeline: DecisionPipeline) -> None:
    # The first decision of a process fills caches (domain suffix list, LightGBM's predictor, signal
    # lookups) for ~0.5 s while holding the GIL; paid here, before the swap, no live request waits for it.
    try:
        pipeline.decide_one(parse_lead(LEAD_EXAMPLE))
    except Exception as error:  # noqa: BLE001 - a warm-up failure shows up again on a real lead
        log.warning("warm-up decision failed: %s", error)


class ModelHolder:
    """Loads the aliased model at start and polls the alias; with no model, gates still run."""

    def __init__(
        self,
        settings: Settings,
        alias: str = "champion",
        loader: Callable[[Settings, str], LoadedModel] = load_by_alias,
        version_of: Callable[[Settings, str], str | None] = _alias_version,
        unload_when_alias_gone: bool = False,
        loaded_gauge: Gauge | None = None,
    ):
        self.settings = settings
        self.alias = alias
        self._loader = loader
        self._version_of = version_of
        # The champion keeps serving its last model if the alias vanishes; a challenger stops being scored.
        self._unload_when_alias_gone = unload_when_alias_gone
        # Set after every refresh, so /metrics follows the alias even when nothing is scored meanwhile.
        self._loaded_gauge = loaded_gauge
        self._announced: tuple[str | None, str] | None = None
        self._policy_announced: str | None = None
        # Refreshes failed in a row, and since when: said once when one works again.
        self._failures = 0
        self._failing_since: datetime | None = None
        self._last_error: Exception | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._current = Current(DecisionPipeline(policy_for(settings), None), None, "not loaded yet")

    def current(self) -> Current:
        """The snapshot to use for one request."""
        return self._current

    def refresh(self) -> bool:
        """Load the aliased version if it moved; True when the pipeline changed. Never raises."""
        self._last_error = None
        changed = self._refresh()
        if self._last_error is None and self._current.problem and self._current.loaded is not None:
            self._current = replace(self._current, problem=None)  # the registry answers again
        current = self._current
        if self._loaded_gauge is not None:
            self._loaded_gauge.set(0 if current.loaded is None else 1)
        self._say_recovered(current, changed)
        self._announce(current)
        return changed

    def _refresh(self) -> bool:
        try:
            try:
                version = self._version_of(self.settings, self.alias)
            except AliasGone:
                if self._unload_when_alias_gone and self._current.loaded is not None:
                    self._current = Current(self._current.pipeline, None, f"alias '{self.alias}' removed")
                    return True
                version = None
            loaded = self._current.loaded
            if version is not None and loaded is not None and loaded.version == version:
                return False
            if version is None:
                if loaded is None:
                    before = self._current.pipeline
                    self._current = self._without_model(f"no model with alias '{self.alias}'", None)
                    return self._current.pipeline is not before
                return False
            fresh = self._loader(self.settings, self.alias)
        except Exception as error:  # noqa: BLE001 - a bad load must never take the service down
            log.warning("model refresh failed, keeping the current pipeline: %s", error)
            return self._failed(error)
        pipeline = fresh.pipeline()
        _warm_up(pipeline)
        freeze_long_lived(collect=False)  # the new model lives as long as it serves
        self._current = Current(pipeline, fresh)
        if self.alias == "champion" and fresh.own_policy is not None:
            keep(self.settings, fresh.model.version, fresh.own_policy)  # refreshed at every load
        return True

    def _failed(self, error: Exception) -> bool:
        """Note a failed refresh; the pipeline is kept unless no model serves yet. True when it changed."""
        self._last_error = error
        self._failures += 1
        self._failing_since = self._failing_since or datetime.now(UTC)
        current = self._current
        if current.loaded is not None:
            since = f"{self._failing_since:%Y-%m-%d %H:%M} UTC"
            self._current = replace(current, problem=f"model refresh failing since {since}: {error}")
            return False
        self._current = self._without_model(f"{LOAD_FAILED}: {error}", error)
        return self._current.pipeline is not current.pipeline

    def _without_model(self, problem: str, error: Exception | None) -> Current:
        """No model serves: the gates of the policy in force, which is the champion's kept one while it fails to
        load (`error`), unless a policy file is set; never when the registry says no model is registered."""
        current = self._current
        if error is None or self.alias != "champion" or self.settings.policy_path:
            if current.kept is None:
                return Current(current.pipeline, None, problem)
            return Current(DecisionPipeline(policy_for(self.settings), None), None, problem)
        copy = current.kept or kept(self.settings)  # read once per outage: the copy in use stays in use
        if copy is current.kept:
            return Current(current.pipeline, None, problem, copy)
        return Current(DecisionPipeline(copy.policy, None), None, problem, copy)

    def _say_recovered(self, current: Current, changed: bool) -> None:
        # The failures were one warning each; the end of them is one line, or an outage would never end in the log.
        if self._last_error is not None or not self._failures:
            return
        still = f": still {current.model_version}" if current.loaded is not None and not changed else ""
        log.info(
            "%s refresh works again (%s since %s UTC)%s",
            self.alias,
            plural(self._failures, "failure"),
            f"{self._failing_since:%Y-%m-%d %H:%M}",
            still,
        )
        self._failures, self._failing_since = 0, None

    def _announce(self, current: Current) -> None:
        # One line per change of model or policy, never one per poll: what an operator reads is what changed.
        policy = current.pipeline.policy.version
        state = (current.model_version, policy)
        if state == self._announced:
            return
        if current.model_version is not None and self.alias == "champion":
            log.info("now serving %s (champion)", current.model_version)
        elif current.model_version is not None:
            log.info("%s %s in shadow", self.alias, current.model_version)
        elif self.alias == "champion":
            route = current.pipeline.policy.routing.no_model_route
            gates = f"gates of {current.kept.describe()}" if current.kept else "gates only"
            log.warning("no champion (%s): %s, ungated leads go to %s", current.problem, gates, route)
        else:
            log.info("no %s (%s)", self.alias, current.problem)
        # No challenger has no policy of its own to announce: the line read as if one were configured.
        shadowless = self.alias != "champion" and current.model_version is None
        if not shadowless and self._policy_announced != policy:
            self._policy_announced = policy
            level, source = logging.INFO, self.policy_source(current)
            if current.load_failed and not current.kept and not self.settings.policy_path:
                level = logging.WARNING  # leads the model's own policy would serve may be gated now
            log.log(level, "policy %s for the %s (%s)", policy, self.alias, source)
            # What check-policy would warn of, once per policy like the line above.
            if self.settings.policy_path:
                for warning in policy_warnings(current.pipeline.policy, load_policy()):
                    log.warning("policy warning: %s", warning)
        self._announced = state

    def policy_source(self, current: Current) -> str:
        """Where the policy a holder's current state decides by comes from, in the words its log and the CLI use."""
        if self.settings.policy_path:
            return f"from {self.settings.policy_path}"
        if current.loaded is not None:
            return "the model's own"
        if current.kept is not None:
            at = f"{current.kept.kept_at:%Y-%m-%d %H:%M} UTC"
            return f"{current.kept.model_version}'s own, kept {at} in {current.kept.path}"
        if current.load_failed:
            return (
                "the shipped default: the champion's own policy is unknown while it does not load, and none was "
                f"kept in {kept_path(self.settings)}"
            )
        return "the shipped default"

    def start(self, poll: bool = True) -> None:
        """Load now, then (unless `poll` is False) poll in a daemon thread every `model_poll_seconds`."""
        self.refresh()
        if not poll:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._poll, name="model-poll", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop polling."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _poll(self) -> None:
        while not self._stop.wait(self.settings.model_poll_seconds):
            self.refresh()
