"""What sales reports back about a lead: the label the next model learns from."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from leadgate.features.lead_times import LeadMoment
from leadgate.features.schema import NO_NUL, LeadValidationError, describe_validation_error


class Outcome(BaseModel):
    """One lead's outcome; `won` implies `sql`, and a rejection reason only fits a lead that is not an SQL."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    lead_id: str = Field(..., min_length=1, max_length=200)
    sql: bool
    won: bool | None = Field(None, description="a deal was won; left out: unknown (never read as not won)")
    rejection_reason: str | None = Field(
        None,
        max_length=100,
        pattern=NO_NUL,
        description="standardized reason sales gave when rejecting the lead",
    )
    feedback: str | None = Field(None, max_length=2000, pattern=NO_NUL, description="free text a rep left")
    # As a lead's own times: a typo dated 2099 would keep the lead from retention for good.
    at: LeadMoment | None = Field(
        None, description="when it became known; now when missing; at most a day after now, not before 1990"
    )

    @model_validator(mode="after")
    def _consistent(self) -> Outcome:
        if self.won and not self.sql:
            raise ValueError("won is true but sql is false: a won deal was a sales-qualified lead")
        if self.sql and self.rejection_reason:
            raise ValueError("rejection_reason is set but sql is true: only rejected leads have one")
        return self


def parse_outcome(data: dict) -> Outcome:
    """Validate one outcome; errors name the field."""
    if not isinstance(data, dict):
        raise LeadValidationError([f"outcome: expected a JSON object, got {type(data).__name__}"])
    try:
        return Outcome.model_validate(data)
    except ValidationError as error:
        raise LeadValidationError(describe_validation_error(error, "outcome")) from None
