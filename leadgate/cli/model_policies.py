"""Which policy judges a promotion (the champion's own, as score, decide and the service decide by), and what
`promote` says when champion and challenger were trained under different policies."""

from __future__ import annotations

from dataclasses import dataclass

from leadgate.cli.common import fail, first_line, policy_in_force


@dataclass(frozen=True)
class PromotionPolicies:
    """The policy whose `promotion` criteria judge, where it comes from, and each model's own policy version."""

    criteria: object  # a Policy
    source: str  # 'from acme.yaml', "leadgate/4's own", 'shipped: no champion'
    champion: str | None  # each version's own policy version; None when there is no such model
    challenger: str | None

    def differ(self) -> bool:
        """True when champion and challenger were trained under different policies."""
        return None not in (self.champion, self.challenger) and self.champion != self.challenger


def own_policy(settings, version: str):
    """The policy a registered version was trained with, read by loading it as score, decide and serve do."""
    from leadgate.serving.model_loading import load_registered_version

    return load_registered_version(settings, version).own_policy


def promotion_policies(settings, champion: str | None, challenger: str) -> PromotionPolicies:
    """The criteria's policy: the --policy file, else the champion's own, else (no champion) the challenger's.

    The shipped file judged before: a champion trained under its own policy was promoted over by criteria
    no model in the registry was trained with, while serve and /readyz named the champion's.
    """
    from leadgate.serving.registry_errors import RegistryUnreachable

    name = settings.model_name
    # A bad --policy file stops the command before any model loads.
    given = policy_in_force(settings) if settings.policy_path else None
    owns: dict[str, object] = {}
    for role, version in (("champion", champion), ("challenger", challenger)):
        if version is None:
            continue
        try:
            owns[role] = own_policy(settings, version)
        except RegistryUnreachable:
            raise
        except Exception as error:  # noqa: BLE001 - whatever stops it loading, said in one line
            if role == "challenger" or given is not None:
                continue  # its policy is then only unknown: the criteria do not depend on it
            raise fail(
                f"the champion {name}/{version} cannot be loaded to read the policy it was trained with, whose "
                f"promotion criteria judge: {first_line(error)} (give --policy FILE to judge by that file's)"
            ) from None
    versions = {role: policy.version for role, policy in owns.items()}
    if given is not None:
        criteria, source = given, f"from {settings.policy_path}"  # --policy or LEADGATE_POLICY_PATH
    elif "champion" in owns:
        criteria, source = owns["champion"], f"{name}/{champion}'s own"
    elif "challenger" in owns:
        criteria, source = owns["challenger"], f"{name}/{challenger}'s own: no champion"
    else:
        criteria, source = policy_in_force(settings), "shipped"
    return PromotionPolicies(criteria, source, versions.get("champion"), versions.get("challenger"))


def policy_change_line(policies: PromotionPolicies, champion: str, challenger: str) -> str:
    """One line: the two models were trained under different policies, so the comparison includes that change."""
    return (
        f"champion {champion} was trained with policy {policies.champion}, challenger {challenger} with "
        f"{policies.challenger}: this comparison includes the policy change (in shadow each model's own gates "
        "decided its routes, unless the service runs with LEADGATE_POLICY_PATH), not the models alone; train "
        "with the champion's policy (--policy) to compare the models"
    )
