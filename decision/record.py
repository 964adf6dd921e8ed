"""One lead's decision as people and the store read it: typed, built by the pipeline, JSON by `to_json`."""

from __future__ import annotations

from dataclasses import dataclass

from leadgate.decision.routes import Route, rejection_reasons

# Slotted, not frozen: a frozen dataclass assigns each field through object.__setattr__, ~7x slower to
# build, and batch scoring builds one record per lead. Treat every instance as read-only.


@dataclass(slots=True)
class FiredGate:
    """A gate that fired on the lead, with the lead's own value in its reason."""

    code: str
    category: str
    control: str
    route: str
    reason: str
    public_message: str
    lifted: bool
    recovery: str | None = None  # what would lift it, for sales; None: nothing does, or it is lifted

    def to_json(self) -> dict:
        """JSON-safe dict."""
        return {
            "code": self.code,
            "category": self.category,
            "control": self.control,
            "route": self.route,
            "reason": self.reason,
            "public_message": self.public_message,
            "lifted": self.lifted,
            "recovery": self.recovery,
        }


@dataclass(slots=True)
class Reason:
    """One model reason: a reason family, its words with the lead's values, its strength, what would change it.

    `contribution` is the family's log-odds (for machines); `points` the percentage points of P(SQL) it
    accounts for, calibrate(raw) − calibrate(raw − contribution) (for people). Records stored before
    `points` and `recovery` existed read them as None.
    """

    family: str
    text: str
    contribution: float
    points: float | None = None
    recovery: str | None = None  # negative reasons: what would change it ("a company email address")

    def to_json(self) -> dict:
        """JSON-safe dict."""
        return {
            "family": self.family,
            "text": self.text,
            "contribution": self.contribution,
            "points": self.points,
            "recovery": self.recovery,
        }


@dataclass(slots=True)
class DecisionRecord:
    """Everything about one decision: route and why, the public answer, the versions, the time."""

    lead_id: str
    route: str
    route_source: str  # gate | lift | model | no_model
    p_sql: float | None
    band: str | None
    gates: list[FiredGate]
    next_step: str
    public_message: str
    negative_reasons: list[Reason]
    positive_reasons: list[Reason]
    model_version: str | None
    policy_version: str
    decided_at: str  # ISO 8601
    model_missing: bool  # decided on gates alone: no model was loaded

    @property
    def rejecting(self) -> bool:
        """The lead is kept from sales altogether."""
        return Route(self.route).rejecting

    def rejection_reasons(self) -> list[str]:
        """Why the lead was kept from sales (empty when it was not)."""
        return rejection_reasons(self.route, self.gates)

    def to_json(self) -> dict:
        """JSON-safe dict: what the store keeps and the APIs return."""
        return {
            "lead_id": self.lead_id,
            "route": self.route,
            "route_source": self.route_source,
            "p_sql": self.p_sql,
            "band": self.band,
            "gates": [gate.to_json() for gate in self.gates],
            "next_step": self.next_step,
            "public_message": self.public_message,
            "negative_reasons": [reason.to_json() for reason in self.negative_reasons],
            "positive_reasons": [reason.to_json() for reason in self.positive_reasons],
            "model_version": self.model_version,
            "policy_version": self.policy_version,
            "decided_at": self.decided_at,
            "model_missing": self.model_missing,
        }

    @classmethod
    def from_json(cls, data: dict) -> DecisionRecord:
        """Rebuild from `to_json`; older stored records lack later fields and read them as absent."""
        return cls(
            lead_id=data["lead_id"],
            route=data["route"],
            route_source=data["route_source"],
            p_sql=data["p_sql"],
            band=data["band"],
            gates=[FiredGate(**gate) for gate in data["gates"]],
            next_step=data["next_step"],
            public_message=data["public_message"],
            negative_reasons=[Reason(**reason) for reason in data["negative_reasons"]],
            positive_reasons=[Reason(**reason) for reason in data["positive_reasons"]],
            model_version=data["model_version"],
            policy_version=data["policy_version"],
            decided_at=data["decided_at"],
            model_missing=data.get("model_missing", data["model_version"] is None),
        )
