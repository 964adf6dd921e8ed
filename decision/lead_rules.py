"""Policy sections of the gates that read what a lead says about itself: roles, technology, consistency."""

from __future__ import annotations

from pydantic import Field

from leadgate.decision.policy_section import Section
from leadgate.features.schema import Deployment, InquiryType


class RoleRules(Section):
    """What makes an inquiry high-value, where a junior contributor's interest alone is not enough."""

    high_value_products: list[str] = Field([], description="form.answers.product values (any case)")
    high_value_inquiries: list[InquiryType] = []


class TechnologyRules(Section):
    """What the product needs of the lead's stack and what it cannot offer, read from the form's answers."""

    required_integrations: dict[str, list[str]] = Field(
        {},
        description="per need (e.g. CRM), the systems we integrate with; a stated stack holding none of one fires",
    )
    unsupported_deployments: list[Deployment] = []
    unmet_compliance: list[str] = Field(
        [],
        description="requirements we do not meet; an answer matches one it equals or starts with (FedRAMP High)",
    )


class ConsistencyRules(Section):
    """Where a lead's description of itself stops adding up."""

    solo_max_employees: int = Field(
        10, ge=1, description="most employees a solo founder or freelancer can have"
    )
    min_revenue_per_employee: float = Field(
        1_000,
        gt=0,
        description="USD of annual revenue per employee below which stated revenue and headcount contradict",
    )
