"""The policy's intent sections: how long intent lasts (`intent:`) and when a quiet lead decays (`decay:`)."""

from __future__ import annotations

from pydantic import Field, model_validator

from leadgate.decision.policy_section import Section
from leadgate.features.schema import EventType


class Intent(Section):
    """How long an intent event counts as current intent; each type's window is chosen from history in training."""

    default_days: float = Field(
        90, gt=0, description="a type's window when the history has too few leads to tell"
    )
    candidate_days: list[float] = Field(
        [14, 30, 60, 90, 180, 365], min_length=1, description="windows training may choose, shortest first"
    )
    min_leads: int = Field(100, ge=1, description="leads needed on each side of a comparison")
    confidence: float = Field(0.95, gt=0.5, lt=1, description="one-sided level of 'converts better'")

    @model_validator(mode="after")
    def _candidates(self) -> Intent:
        days = self.candidate_days
        if any(d <= 0 for d in days) or days != sorted(set(days)):
            raise ValueError("intent.candidate_days must be positive, increasing and without repeats")
        if not days[0] <= self.default_days <= days[-1]:
            raise ValueError("intent.default_days must lie between the shortest and the longest candidate")
        return self


class Decay(Section):
    """A formerly active lead gone quiet is capped (the `decay` gate): what active and quiet mean."""

    events: list[EventType] = Field(
        [EventType.demo_request, EventType.meeting_booked, EventType.email_reply],
        min_length=1,
        description="high-intent events that make a lead formerly active",
    )
    stale_after_days: float = Field(
        90, gt=0, description="quiet: no meaningful activity nor new form this long"
    )
