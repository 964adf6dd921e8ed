"""A policy's gates: which check, its seed category, what it means, where it sends a lead, what it tells them."""

from __future__ import annotations

import difflib
import string
from enum import StrEnum
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from leadgate.decision.policy_section import Section
from leadgate.decision.routes import Route


def stored(info: ValidationInfo) -> bool:
    """Whether the policy being validated is one stored with a model (validated as it was then, not anew)."""
    return bool(info.context and info.context.get("stored"))


class GateCategory(StrEnum):
    """The seed category a gate belongs to."""

    hard_exclusion = "hard_exclusion"
    role_authority = "role_authority"
    technology = "technology"
    behavioral_red_flag = "behavioral_red_flag"
    prior_history = "prior_history"
    bad_faith = "bad_faith"


class PublicMessage(StrEnum):
    """What the submitter may be told, by category; never the criterion itself."""

    smaller_team_alternatives = "smaller_team_alternatives"
    check_back_later = "check_back_later"
    team_guide = "team_guide"
    careers = "careers"
    thank_you = "thank_you"


class GateSpec(Section):
    """One gate: which check, what it means, where it sends the lead."""

    code: str = Field(..., pattern=r"^[a-z][a-z0-9_]*$")
    check: str
    category: GateCategory
    control: Literal["eligibility", "data_quality", "decay"]
    route: Route
    reason: str = Field(..., min_length=3, description="internal reason; {value} is the lead's own value")
    public_message: PublicMessage
    liftable: bool = Field(False, description="a fresh high-intent signal lifts this gate")
    recovery: str | None = Field(
        None,
        min_length=3,
        description="for sales: what would change the decision (liftable gates add the lift)",
    )
    enabled: bool = True

    @field_validator("check")
    @classmethod
    def _known_check(cls, check: str) -> str:
        from leadgate.decision.gates import CHECKS

        if check not in CHECKS:
            close = difflib.get_close_matches(check, CHECKS, n=1)
            hint = f"did you mean {close[0]}?" if close else f"known checks: {', '.join(sorted(CHECKS))}"
            raise ValueError(f"unknown check {check!r}; {hint}")
        return check

    @field_validator("reason")
    @classmethod
    def _only_value_placeholder(cls, reason: str, info: ValidationInfo) -> str:
        # Checked here, not when the gate first fires: a typo would fail every batch with that lead in it.
        # A policy stored with a model was accepted when it was trained: it loads as it is.
        if stored(info):
            return reason
        try:
            parts = [
                (name, spec, conversion) for _, name, spec, conversion in string.Formatter().parse(reason)
            ]
        except ValueError as error:
            raise ValueError(f"{error} in {reason!r} (write {{{{ and }}}} for a literal brace)") from None
        names = {name for name, _, _ in parts if name is not None}
        if names - {"value"}:
            unknown = ", ".join(f"{{{name}}}" for name in sorted(names - {"value"}))
            raise ValueError(f"unknown placeholder {unknown} in {reason!r}: a reason may use only {{value}}")
        if any(spec or conversion for name, spec, conversion in parts if name is not None):
            raise ValueError(f"{reason!r}: write {{value}} plainly, without a format or conversion")
        return reason

    @field_validator("route")
    @classmethod
    def _not_sales(cls, route: Route) -> Route:
        if route == Route.sales_ready:
            raise ValueError("a gate cannot route to sales_ready")
        return route

    @model_validator(mode="after")
    def _decay_is_a_cap(self) -> GateSpec:
        # Decay is its own control (not a disqualification): the decay check and only it, and only as a cap.
        if (self.check == "decay") != (self.control == "decay"):
            raise ValueError("the decay check takes control: decay, and only it does")
        if self.control == "decay" and self.route not in (Route.verify, Route.nurture):
            raise ValueError("a decay gate caps a lead at verify or nurture, never rejects it")
        return self
