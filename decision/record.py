"""One lead's decision as people and the store read it: typed, built by the pipeline, JSON by `to_json`."""

from __future__ import annotations

from dataclasses import dataclass, field

from leadgate.decision.routes import Route, rejection_reasons

# Which control set a decision's route; each acts differently and is undone differently (README "Controls").
CONTROLS = {
    "none": "nothing held the lead back: the model sent it to sales",
    "penalty": "the model's probability put it below sales (more evidence raises it)",
    "disqualification": "an eligibility gate kept it from sales (self_service or silent_reject; its recovery "
    "says what changes it)",
    "cap": "an eligibility gate capped it at verify or nurture: not disqualified (its recovery, or a fresh "
    "high-intent signal for a liftable gate, lifts it)",
    "data_quality": "a data-quality gate held it (better contact data changes it)",
    "decay": "a formerly active lead gone quiet was capped at nurture (new high-intent activity lifts it)",
    "lift": "a fresh high-intent signal lifted a gate or a low band to a sales-assisted check",
    "no_model": "no model was loaded: gates alone decided",
    "override": "sales set the route by hand (VIP, strategic, ...) until the override is lifted",
    "suppression": "a suppression stopped all contact with the person or account (the person's own demo "
    "request, reply or meeting, the suppression's expiry, or someone lifting it ends it)",
}
# Read once: an enum's .value runs Python code, and acting_control runs for every record.
_SALES_READY = Route.sales_ready.value
_REJECTING = frozenset(route.value for route in Route if route.rejecting)


def gate_control(policy_control: str, route: str) -> str:
    """A holding gate's control as a decision records it: the policy's `eligibility` is a disqualification
    when the gate keeps the lead from sales and a cap when it sends it to verify or nurture; `data_quality`
    and `decay` are recorded as the policy names them."""
    if policy_control == "eligibility":
        return "disqualification" if route in _REJECTING else "cap"
    return policy_control


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
    route_source: str  # gate | lift | model | no_model | suppression
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
    control: str = "none"  # which control set the route (CONTROLS)
    # Set when sales overrode the route: who, why, when, and the automatic decision it replaced.
    override: dict | None = None
    # Every suppression bearing on the lead as this decision saw it (active, lifted, expired): an active
    # marketing_email one stops marketing email to the person whatever the route (decision.suppression).
    suppressions: list[dict] = field(default_factory=list)
    lists_version: str | None = None  # revision of the store's lists in force, beside policy_version

    @property
    def rejecting(self) -> bool:
        """The lead is kept from sales altogether."""
        return Route(self.route).rejecting

    @property
    def contact_stopped(self) -> bool:
        """An active all_contact suppression set the route: nobody may call or write, whatever else holds."""
        return self.route_source == "suppression"

    def rejection_reasons(self) -> list[str]:
        """Why the lead was kept from sales (empty when it was not)."""
        if self.contact_stopped:  # no one may contact the lead: not the model's doing
            return ["suppression_all_contact"]
        return rejection_reasons(self.route, self.gates)

    def to_json(self) -> dict:
        """JSON-safe dict: what the store keeps and the APIs return."""
        data = {
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
            "control": self.control,
            "suppressions": self.suppressions,
            "lists_version": self.lists_version,
        }
        if self.override is not None:  # only overridden decisions carry it: others keep their stored shape
            data["override"] = self.override
        return data

    @classmethod
    def from_json(cls, data: dict) -> DecisionRecord:
        """Rebuild from `to_json`; older stored records lack later fields and read them as absent."""
        gates = [FiredGate(**gate) for gate in data["gates"]]
        return cls(
            lead_id=data["lead_id"],
            route=data["route"],
            route_source=data["route_source"],
            p_sql=data["p_sql"],
            band=data["band"],
            gates=gates,
            next_step=data["next_step"],
            public_message=data["public_message"],
            negative_reasons=[Reason(**reason) for reason in data["negative_reasons"]],
            positive_reasons=[Reason(**reason) for reason in data["positive_reasons"]],
            model_version=data["model_version"],
            policy_version=data["policy_version"],
            decided_at=data["decided_at"],
            model_missing=data.get("model_missing", data["model_version"] is None),
            control=data.get("control") or acting_control(data["route"], data["route_source"], gates),
            override=data.get("override"),
            suppressions=data.get("suppressions", []),
            lists_version=data.get("lists_version"),
        )


def acting_control(route: str, route_source: str, gates: list[FiredGate]) -> str:
    """The control that set the route, from where the route came from and the gates that held it."""
    if route_source == "gate":
        held = next((g for g in gates if not g.lifted), None)
        return gate_control(held.control, held.route) if held else "disqualification"
    if route_source == "model":
        return "none" if route == _SALES_READY else "penalty"
    return route_source  # lift | no_model | suppression


# Slotted, not frozen: a frozen dataclass assigns each field through object.__setattr__, ~7x slower to
# build, and batch scoring builds one record per lead. Treat every instance as read-only.
