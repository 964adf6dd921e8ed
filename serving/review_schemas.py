"""Bodies of the review, override and feedback endpoints: what a person, and sales, may send and read."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, model_validator

from leadgate.decision.routes import Route
from leadgate.features.feedback import REJECTION_REASONS, feedback_problem
from leadgate.features.schema import NO_NUL
from leadgate.features.schema_types import field_error
from leadgate.serving.overrides import OVERRIDE_REASONS
from leadgate.serving.reviews import REVIEW_OUTCOMES

Text = Annotated[str | None, Field(None, max_length=2000, pattern=NO_NUL)]


class ReviewIn(BaseModel):
    """What the person would like a human to know; optional."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    message: Text = None
    decision_seq: StrictInt | None = Field(  # strict: JSON true is not decision 1
        None,
        ge=1,
        le=2**31 - 1,
        description="the answer disputed: the decision_seq of an events answer; none: the answer at arrival",
    )


class ReviewReceipt(BaseModel):
    """What the person is told: the request is with a human; nothing of the decision itself."""

    status: Literal["open", "resolved"]
    opened_at: datetime
    message: str
    already_received: bool = Field(
        False,
        description="true: this decision was already under review; nothing was written, "
        "and a message sent with this request was not added",
    )


class ReviewItem(BaseModel):
    """A review in the queue, for sales."""

    id: int
    lead_id: str
    decision_seq: int = Field(description="the disputed decision in the lead's history")
    route: str
    control: str
    p_sql: float | None
    message: str | None
    status: Literal["open", "resolved"]
    opened_at: datetime
    outcome: Literal["misclassified", "correct"] | None
    note: str | None
    resolved_by: str | None
    resolved_at: datetime | None


class ReviewPage(BaseModel):
    """One page of the review queue, oldest first."""

    items: list[ReviewItem]
    total: int
    limit: int
    offset: int
    next_offset: int | None


class ResolutionIn(BaseModel):
    """Sales' finding on a disputed decision."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    outcome: Literal["misclassified", "correct"] = Field(
        description="; ".join(f"{code}: {words}" for code, words in REVIEW_OUTCOMES.items())
    )
    note: Text = None


class OverrideIn(BaseModel):
    """A route set by hand; it holds through every re-decision until it is lifted."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    route: Route
    reason_code: Literal["vip", "strategic", "other"] = Field(
        description="; ".join(f"{code}: {words}" for code, words in OVERRIDE_REASONS.items())
    )
    note: Text = None

    @model_validator(mode="after")
    def _other_needs_words(self) -> OverrideIn:
        if self.reason_code == "other" and not self.note:
            raise field_error(("note",), "reason_code 'other' needs a note saying why", self.note)
        return self


class OverrideAnswer(BaseModel):
    """The decision appended by setting or lifting an override."""

    lead_id: str
    decision_seq: int
    route: str
    control: str
    automatic_route: str = Field(description="what the pipeline decided; the override replaces it")


class FeedbackIn(BaseModel):
    """Sales' verdict on a lead: accepted, or rejected with a standardized reason; plus free text."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    verdict: Literal["accepted", "rejected"]
    reason: Literal[tuple(REJECTION_REASONS)] | None = Field(  # type: ignore[valid-type]
        None,
        description="required when rejected: "
        + "; ".join(f"{code} ({words})" for code, (words, _) in REJECTION_REASONS.items()),
    )
    note: Text = None

    @model_validator(mode="after")
    def _reason_fits_verdict(self) -> FeedbackIn:
        problem = feedback_problem(self.verdict, self.reason)
        if problem:  # the verdict is a Literal already: what remains is about the reason
            raise field_error(("reason",), problem, self.reason)
        return self


Label = Literal["sql", "not_sql", "none"]
LABEL_WORDS = "none: the verdict says nothing about conversion (timing, duplicate); an outcome wins"


class FeedbackAnswer(BaseModel):
    """The stored verdict, and the label `leadgate train --from-store` takes from it."""

    lead_id: str
    feedback_id: int
    label: Label = Field(description=LABEL_WORDS)


class FeedbackView(BaseModel):
    """A verdict sales gave on a lead: who, when, what, and the label it gives training."""

    id: int
    verdict: Literal["accepted", "rejected"]
    reason: str | None
    note: str | None
    label: Label = Field(description=LABEL_WORDS)
    recorded_by: str = Field(description="the API key's name")
    recorded_at: datetime
