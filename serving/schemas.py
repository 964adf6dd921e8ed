"""Request and response bodies of the API: public answers apart from the internal views."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from leadgate.decision.record import CONTROLS
from leadgate.features.schema import Events
from leadgate.serving.review_schemas import FeedbackView, ReviewItem

# sales_email: sales takes the lead by email, not by phone (a do-not-call request is in force).
NextStep = Literal["sales_call", "sales_email", "verify", "nurture", "self_service", "thank_you"]
# The kinds of contact a suppression stops (decision.suppression.CONTACTS, in its order).
ContactKind = Literal["marketing_email", "phone", "all_contact"]


ANSWER_EXAMPLE = {
    "lead_id": "crm-00042",
    "next_step": "sales_call",
    "message": "Thank you! A specialist will contact you within one business day to set up a call.",
    "review_token": "9f1c2a7be04d4c1f8a3e5b6d7c8e9f01",
}


class PublicAnswer(BaseModel):
    """All the form's sender may learn: no gate, reason or score."""

    lead_id: str
    next_step: NextStep
    message: str
    review_token: str | None = Field(
        None,
        description="opaque token with which the person may ask for a human review: POST /v1/review/{token}",
    )

    model_config = ConfigDict(json_schema_extra={"examples": [ANSWER_EXAMPLE]})


class EventsIn(BaseModel):
    """New activity for a stored lead."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"events": [{"type": "demo_request", "at": "2026-11-24T10:00:00Z"}]}]
        },
    )

    events: Events = Field(..., min_length=1, max_length=1000)


class EventsAnswer(PublicAnswer):
    """The public answer after re-scoring, with the new decision's number in the lead's history."""

    # Its own example: the inherited one lacks decision_seq, so it did not validate against this schema.
    model_config = ConfigDict(json_schema_extra={"examples": [{**ANSWER_EXAMPLE, "decision_seq": 2}]})

    decision_seq: int = Field(
        description="this answer's decision in the lead's history: name it to dispute this answer (POST /v1/review)"
    )


class GateView(BaseModel):
    """A gate that fired, for sales."""

    code: str
    category: str
    control: str
    route: str
    reason: str
    public_message: str
    lifted: bool
    recovery: str | None = Field(
        None, description="what would lift it; None when nothing does or it is lifted"
    )


class ReasonView(BaseModel):
    """A model reason with the lead's own values, its strength and (against) what would change it."""

    family: str
    text: str
    contribution: float = Field(description="log-odds")
    points: float | None = Field(None, description="percentage points of P(SQL) the reason accounts for")
    recovery: str | None = Field(None, description="reasons against: what would change it")


class SuppressionView(BaseModel):
    """A suppression record: which contact is stopped for whom, why, since when, and whether it still acts."""

    id: int | None = Field(description="the store's id; None: from the lead's own events, not stored yet")
    subject_kind: Literal["email", "domain"]
    subject: str
    contact: ContactKind
    reason: str
    source: str = Field(description="event:unsubscribe, event:do_not_call, event:spam_complaint, api or cli")
    created_by: str | None = Field(
        None,
        description="who recorded it: the API key's name, the CLI's --who, or event (the lead's own); "
        "none in decisions stored before it was kept",
    )
    created_at: datetime
    expires_at: datetime | None = None
    status: Literal["active", "lifted", "expired"]
    lifted_at: datetime | None = None
    lifted_by: str | None = None
    lift_reason: str | None = None


class HistoryItem(BaseModel):
    """One past decision of a lead."""

    seq: int
    trigger: str
    route: str
    p_sql: float | None
    model_version: str | None
    policy_version: str
    decided_at: datetime
    control: str | None = None
    lists_version: str | None = Field(None, description="revision of the store's lists in force")
    suppressed: list[str] = Field(
        default_factory=list, description="kinds of contact active suppressions stopped at this decision"
    )


class OverrideView(BaseModel):
    """A route set by hand by sales: who, when, why, and when it was lifted (None: in force)."""

    id: int
    route: str
    reason_code: str
    note: str | None
    created_by: str
    created_at: datetime
    lifted_at: datetime | None
    lifted_by: str | None
    lift_note: str | None


class OutcomeView(BaseModel):
    """What became of the lead, as sales last recorded it (PUT /v1/leads/{id}/outcome or an import)."""

    sql: bool
    won: bool | None = Field(description="None: unknown, never 'not won'")
    rejection_reason: str | None
    feedback: str | None = Field(description="free text a rep left")
    source: str = Field(description="api, or the name of the imported file")
    recorded_at: datetime = Field(description="when it became known")
    at_given: bool | None = Field(
        description="recorded_at is the time sent with the outcome (`at`); false: none was sent, so it is when "
        "leadgate recorded it; None: recorded before leadgate noted which"
    )


class DecisionView(BaseModel):
    """Everything sales needs about a lead's current decision, and how it got there."""

    lead_id: str
    route: str
    route_source: str
    control: str = Field(description="which control set the route: " + ", ".join(CONTROLS))
    automatic_route: str = Field(
        description="the route the pipeline chose; differs from `route` under an override"
    )
    p_sql: float | None
    p_sql_change_7d: float | None = Field(
        description="urgency: P(SQL) now minus P(SQL) of the latest decision at or before 7 days ago; "
        "None when there is none or either has no score"
    )
    band: str | None
    next_step: NextStep
    gates: list[GateView]
    negative_reasons: list[ReasonView]
    positive_reasons: list[ReasonView]
    model_version: str | None
    model_missing: bool
    policy_version: str
    lists_version: str | None = Field(None, description="revision of the store's lists in force")
    decided_at: datetime
    suppressed: list[str] = Field(
        default_factory=list, description="kinds of contact stopped now: marketing_email, phone, all_contact"
    )
    suppressions: list[SuppressionView] = Field(
        default_factory=list, description="every suppression of the person or account, active and past"
    )
    history: list[HistoryItem]
    overrides: list[OverrideView] = Field(description="every override of the lead, lifted ones included")
    override_held_back: bool = Field(
        False,
        description="an override is in force but an all_contact suppression holds it back: the lead is not "
        "contacted; the override acts again once the suppression is lifted or expires",
    )
    outcome: OutcomeView | None = Field(None, description="the recorded outcome; None: none recorded yet")
    feedback: list[FeedbackView] = Field(
        default_factory=list,
        description="every sales verdict, newest first: the newest labels the lead when no outcome is recorded",
    )
    reviews: list[ReviewItem] = Field(
        default_factory=list,
        description="every review the person asked for (POST /v1/review/{token}), open and resolved",
    )


class LeadSummary(BaseModel):
    """A lead's latest decision in a list."""

    lead_id: str
    route: str
    p_sql: float | None
    band: str | None
    gates: list[str]
    decided_at: datetime


class LeadPage(BaseModel):
    """One page of leads, newest decision first."""

    items: list[LeadSummary]
    total: int
    limit: int
    offset: int
    next_offset: int | None


class Problem(BaseModel):
    """An error body."""

    detail: str | list[dict]


def _problem(description: str) -> dict:
    return {"model": Problem, "description": description}


_ANY_REQUEST = {
    401: _problem("missing or unknown API key"),
    403: _problem("the key's role may not do this"),
    422: _problem(
        "invalid input; `detail` lists each field path and its problem (a query parameter the operation does "
        "not list, or one given twice, is one: `query.<name>`)"
    ),
    429: _problem("an abuse limit was reached (intake rate, failed authentications, events per lead)"),
}
# The statuses the API answers besides success, as each route declares them in the OpenAPI schema.
READ_ERRORS = {
    **_ANY_REQUEST,
    503: _problem(
        "decision store unavailable, retry after `Retry-After` seconds; or, with no `Retry-After`, "
        "the query took too long for the store's time bound: narrow the filter"
    ),
}
WRITE_ERRORS = {
    400: _problem("the body is not JSON text (not UTF-8, or nested too deeply)"),
    **_ANY_REQUEST,
    413: _problem("body too large"),
    415: _problem("the body is sent as another media type than JSON (Content-Type)"),
    503: _problem("decision store unavailable; nothing was stored, retry after `Retry-After` seconds"),
}
# A change that decides stored leads again: refused too while the champion fails to load.
REDECIDING_ERRORS = {
    **WRITE_ERRORS,
    503: _problem(
        "decision store unavailable, or the champion model does not load and the change would decide stored "
        "leads again without it; nothing was stored, retry after `Retry-After` seconds"
    ),
}
NOT_FOUND = {404: _problem("no lead with this id")}
