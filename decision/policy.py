"""The versioned policy file: gates, their parameters, routing thresholds; validated on load."""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
import json
import re
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import (
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from leadgate.decision.history_facts import HistoryRules
from leadgate.decision.lead_rules import ConsistencyRules, RoleRules, TechnologyRules
from leadgate.decision.policy_companies import Domains, Firmographics
from leadgate.decision.policy_gates import GateSpec, stored
from leadgate.decision.policy_intent import Decay, Intent
from leadgate.decision.policy_problems import policy_problems
from leadgate.decision.policy_routing import Promotion, Routing
from leadgate.decision.policy_section import Section
from leadgate.decision.routes import Route
from leadgate.decision.suppression import FROM_EVENTS
from leadgate.features.derived import SignalRules
from leadgate.features.schema import EventType
from leadgate.features.yaml_text import ShippedTextLoader, UniqueKeyLoader, yaml_problem


class BotRules(Section):
    """What a human submission looks like."""

    min_seconds_on_form: float = Field(3.0, ge=0)
    max_links_in_message: int = Field(2, ge=0)


class Lift(Section):
    """A fresh high-intent signal lifts liftable gates to this route."""

    events: list[EventType] = Field(..., min_length=1)
    within_days: float = Field(14, gt=0)
    route: Route = Route.verify

    @field_validator("events")
    @classmethod
    def _no_opt_outs(cls, events: list[EventType], info: ValidationInfo) -> list[EventType]:
        # An opt-out asks for less contact, never more: as a lift event it would lift gates, and lift the
        # person's other suppressions (a do-not-call request ending an unsubscribe).
        asked = [event.value for event in events if event.value in FROM_EVENTS]
        if asked and not stored(info):
            raise ValueError(f"{', '.join(asked)} asks for less contact: no high-intent signal to lift with")
        return events


class Policy(Section):
    """The whole policy file."""

    name: str
    firmographics: Firmographics
    domains: Domains = Domains()
    bots: BotRules = BotRules()
    roles: RoleRules | None = None
    technology: TechnologyRules | None = None
    consistency: ConsistencyRules | None = None
    lift: Lift
    intent: Intent = Intent()
    decay: Decay = Decay()
    routing: Routing = Routing()
    training_gated_leads: Literal["exclude", "include"] = "exclude"
    promotion: Promotion = Promotion()
    # Optional, so a policy file without it keeps its version; its gates then use HistoryRules' defaults.
    history: HistoryRules | None = None
    gates: list[GateSpec] = Field(..., min_length=1)
    # Set by `with_lists` only: the file's own version, and the revision of the store's lists merged in.
    _file_version: str | None = PrivateAttr(None)
    _lists_version: str | None = PrivateAttr(None)

    @field_validator("name", mode="before")
    @classmethod
    def _a_word(cls, name, info: ValidationInfo):
        # The name leads the version ("acme@3f2c…") in every decision and report: a word, no spaces or slashes.
        if isinstance(name, int | float | datetime.date) and not isinstance(name, bool) and not stored(info):
            # 007, 0x1F, 1.10 or 2024-01-01 reach us as a number or a date, already rewritten by YAML.
            raise ValueError(f"YAML read the name as {type(name).__name__} {name!r}: quote it, name: '…'")
        if isinstance(name, int | float | datetime.date):
            name = str(name)
        if (
            isinstance(name, str)
            and not stored(info)
            and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,59}", name)
        ):
            raise ValueError(
                f"{name!r} is not a name for a policy: a word of letters, digits, '_', '.' or '-' (at most 60)"
            )
        return name

    @field_validator("gates")
    @classmethod
    def _unique_codes(cls, gates: list[GateSpec]) -> list[GateSpec]:
        codes = [gate.code for gate in gates]
        duplicates = sorted({code for code in codes if codes.count(code) > 1})
        if duplicates:
            raise ValueError(f"gate codes must be unique, repeated: {', '.join(duplicates)}")
        return gates

    @cached_property
    def version(self) -> str:
        """Content hash of the policy: the same rules give the same version whatever the formatting."""
        if self._file_version is not None:  # the file's lists plus the store's: the file's version
            return self._file_version
        # Unset optional fields (a gate's `recovery`) are left out: a policy that sets none keeps its version.
        dumped = self.model_dump(mode="json", exclude_none=True)
        # Sections added later are left out at their defaults: a policy written before them keeps its version.
        for section, default in (("intent", Intent()), ("decay", Decay())):
            if getattr(self, section) == default:
                dumped.pop(section)
        canonical = json.dumps(dumped, sort_keys=True, separators=(",", ":"))
        return f"{self.name}@{hashlib.sha256(canonical.encode()).hexdigest()[:12]}"

    @cached_property
    def listed(self) -> dict[str, frozenset[str]]:
        """Each domain list as leads' domains are compared (`lists.domain_set`), worked out once per policy: a
        one-lead decision must not normalize thousands of entries."""
        from leadgate.decision.lists import domain_set

        names = ("competitors", "own", "do_not_engage", "previously_rejected")
        return {name: domain_set(getattr(self.domains, name)) for name in names}

    @cached_property
    def signal_rules(self) -> SignalRules:
        """What signal derivation reads of this policy."""
        return SignalRules(
            competitor_domains=self.listed["competitors"],
            own_domains=self.listed["own"],
            max_links_in_message=self.bots.max_links_in_message,
            lift_events=tuple(e.value for e in self.lift.events),
        )

    @property
    def lists_version(self) -> str | None:
        """Revision of the store's lists merged in by `with_lists`; None when only the file's lists apply."""
        return self._lists_version

    @cached_property
    def competitor_networks(self) -> tuple:
        """The competitor networks as ipaddress networks, for the gates."""
        return tuple(ipaddress.ip_network(n) for n in self.domains.competitor_networks or ())

    def with_lists(self, lists: dict[str, tuple[str, ...]], version: str) -> Policy:
        """This policy with the store's list entries added to the file's (`lists` by list kind, see decision.lists).

        The policy version stays the file's; `version` (the store's list revision) is kept as `lists_version`.
        """
        from leadgate.decision.lists import merged_domains

        data = self.model_dump(mode="json")
        data["domains"] = merged_domains(self.domains, lists)
        # Validated afresh, not model_copy'd: a copy would carry cached signal rules of the file's lists.
        merged = Policy.model_validate(data, context={"stored": True})  # checked when it was read
        merged._file_version = self.version
        merged._lists_version = version
        return merged

    def active_gates(self) -> list[GateSpec]:
        """Enabled gates in file order."""
        return [gate for gate in self.gates if gate.enabled]

    def to_yaml(self) -> str:
        """The policy as YAML text, as it would be written to a file."""
        return yaml.safe_dump(self.model_dump(mode="json"), sort_keys=False)


SHIPPED = "default_policy.yaml"  # the shipped policy's source name in messages


class PolicyError(ValueError):
    """The policy file is missing, unreadable or invalid; the message says where."""


def _loader(source: str, stored: bool):
    """A safe loader: libyaml's (fast) for the shipped policy and a model's stored one, which leadgate wrote and
    every model load reads; PyYAML's own, wording its errors, for a file a person wrote."""
    if stored:
        return getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return ShippedTextLoader if source == SHIPPED else UniqueKeyLoader


def parse_policy(text: str, source: str = "policy", stored: bool = False) -> Policy:
    """Parse and validate policy YAML text.

    `stored`: the policy a model was trained with, read back from its bundle. It was valid then, and rules
    added since (names, domains, company types, reason placeholders) must not stop that model from loading.
    """
    try:
        data = yaml.load(text, Loader=_loader(source, stored))  # noqa: S506 - safe loaders only
    except yaml.YAMLError as error:
        raise PolicyError(f"{source}: not valid YAML: {yaml_problem(error)}") from None
    if not isinstance(data, dict):
        raise PolicyError(f"{source}: expected a mapping at the top level")
    try:
        return Policy.model_validate(data, context={"stored": stored})
    except ValidationError as error:
        problems = "\n  ".join(policy_problems(error, data))
        raise PolicyError(f"{source}: invalid policy:\n  {problems}") from None


def default_policy_text() -> str:
    """The policy shipped with the package."""
    return resources.files("leadgate.decision").joinpath("default_policy.yaml").read_text()


def load_policy(path: str | Path | None = None) -> Policy:
    """Load a policy file, or the shipped default when no path is given."""
    if path is None:
        return parse_policy(default_policy_text(), SHIPPED)
    try:
        text = Path(path).read_text()
    except OSError as error:
        raise PolicyError(f"{path}: cannot read policy file: {error.strerror}") from None
    except UnicodeDecodeError as error:
        raise PolicyError(
            f"{path}: not a policy file: not UTF-8 text ({error.reason} at byte {error.start})"
        ) from None
    return parse_policy(text, str(path))
