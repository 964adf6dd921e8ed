"""The lead as it arrives: contact, company, form, source and timestamped activity (pydantic v2)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    WrapValidator,
    field_validator,
    model_validator,
)

from leadgate.features.lead_times import LeadMoment, events_in_time
from leadgate.features.schema_bounds import AnnualRevenue, LeadCost, SecondsOnForm
from leadgate.features.schema_errors import (  # noqa: F401  (the lead schema's errors, re-exported)
    LEAD_ID_PATTERN,
    NO_NUL,
    PATTERN_WORDS,
    LeadValidationError,
    describe_validation_error,
)
from leadgate.features.schema_types import (
    CELLS,
    STORED,
    CustomKey,
    CustomValue,
    Employees,
    IpAddress,
    JsonNumber,
    ListedAnswers,
    Moment,  # noqa: F401  (the API's other times, re-exported)
    field_error,
    from_store,
    unseen_problem,
)


class CompanyType(StrEnum):
    """What kind of organisation the company is."""

    b2b = "b2b"
    b2c = "b2c"
    government = "government"
    education = "education"
    nonprofit = "nonprofit"


class InquiryType(StrEnum):
    """What the form asked for."""

    demo = "demo"
    pricing = "pricing"
    contact = "contact"
    content = "content"
    rfp = "rfp"


class EventType(StrEnum):
    """Activity the CRM records against a lead."""

    page_view = "page_view"
    pricing_page = "pricing_page"
    careers_page = "careers_page"
    content_download = "content_download"
    webinar_registered = "webinar_registered"
    webinar_attended = "webinar_attended"
    webinar_no_show = "webinar_no_show"
    email_open = "email_open"
    email_click = "email_click"
    email_reply = "email_reply"
    meeting_booked = "meeting_booked"
    meeting_cancelled = "meeting_cancelled"
    demo_request = "demo_request"
    unsubscribe = "unsubscribe"
    hard_bounce = "hard_bounce"
    spam_complaint = "spam_complaint"
    form_submit = "form_submit"
    # A do-not-call request (an export's "Do Not Call" flag): it stops phone calls (decision.suppression) and is
    # no evidence of fit, so no feature counts it; last, so the other types keep their codes.
    do_not_call = "do_not_call"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Contact(_Strict):
    """The person who filled the form."""

    first_name: str | None = Field(None, pattern=NO_NUL, max_length=200)
    last_name: str | None = Field(None, pattern=NO_NUL, max_length=200)
    email: str | None = Field(None, pattern=NO_NUL, max_length=320, examples=["dana.ruiz@acme-robotics.com"])
    job_title: str | None = Field(None, pattern=NO_NUL, max_length=300)


class Company(_Strict):
    """The organisation the person says they work for."""

    name: str | None = Field(None, pattern=NO_NUL, max_length=300)
    website: str | None = Field(None, pattern=NO_NUL, max_length=500, description="URL or bare domain")
    employees: Employees = Field(
        None, description="head count, or a size band: '51-200', '10001+' (also '1,001-5,000 employees')"
    )
    annual_revenue: Annotated[float | None, JsonNumber, AnnualRevenue] = Field(
        None,
        ge=0,
        allow_inf_nan=False,
        description="USD a year, at most 10,000,000,000,000 (a mapped export in another currency converts by its "
        "column's usd_per_unit)",
    )
    industry: str | None = Field(None, pattern=NO_NUL, max_length=100)
    country: str | None = Field(
        None, pattern=NO_NUL, max_length=60, description="ISO 3166 alpha-2 or alpha-3 code, or name"
    )
    company_type: CompanyType | None = None
    crm: str | None = Field(None, pattern=NO_NUL, max_length=100, description="CRM in use, part of the stack")


class Deployment(StrEnum):
    """How the lead needs the product run."""

    cloud = "cloud"
    on_prem = "on_prem"
    hybrid = "hybrid"
    any = "any"


class FormAnswers(_Strict):
    """Answers to the form's qualification questions; the policy's role and technology gates read them."""

    product: str | None = Field(
        None,
        pattern=NO_NUL,
        max_length=100,
        description="product or plan asked about; the policy's roles.high_value_products names the high-value ones",
        examples=["enterprise"],
    )
    stack: ListedAnswers = Field(
        default_factory=list,
        max_length=50,
        description="systems the company uses (CRM, marketing automation, warehouse…); a list or comma-separated text",
        examples=[["Salesforce", "Marketo", "Snowflake"]],
    )
    deployment: Deployment | None = Field(None, description="how the product must be deployed")
    compliance: ListedAnswers = Field(
        default_factory=list,
        max_length=20,
        description="certifications or regimes the lead requires (FedRAMP, HIPAA, SOC 2…); a list or comma-separated text",
        examples=[["SOC 2", "HIPAA"]],
    )


class Form(_Strict):
    """What was submitted and how."""

    inquiry_type: InquiryType | None = None
    message: str | None = Field(None, pattern=NO_NUL, max_length=20_000)
    seconds_on_form: Annotated[float | None, JsonNumber, SecondsOnForm] = Field(
        None, ge=0, allow_inf_nan=False, description="at most a year (31,536,000)"
    )
    honeypot: str | None = Field(
        None, pattern=NO_NUL, max_length=2_000, description="hidden field; humans leave it empty"
    )
    answers: FormAnswers = Field(default_factory=FormAnswers)


class Source(_Strict):
    """Where the lead came from."""

    channel: str | None = Field(None, pattern=NO_NUL, max_length=100)
    campaign: str | None = Field(None, pattern=NO_NUL, max_length=200)
    cost: Annotated[float | None, JsonNumber, LeadCost] = Field(
        None,
        ge=0,
        allow_inf_nan=False,
        description="acquisition cost in USD, when known (converted as annual_revenue is), at most 1,000,000,000",
    )
    ip: Annotated[str | None, IpAddress] = Field(
        None, pattern=NO_NUL, max_length=64, description="IPv4 or IPv6 address"
    )


class Event(_Strict):
    """One timestamped activity."""

    type: EventType
    at: datetime = Field(..., description="naive timestamps are taken as UTC")


Events = Annotated[list[Event], WrapValidator(events_in_time)]


class Lead(_Strict):
    """One inbound lead as leadgate scores it."""

    lead_id: str = Field(
        ...,
        min_length=1,
        max_length=200,
        # Checked by _id_rule below, where a lead read back from the store can be let through; shown here.
        json_schema_extra={"pattern": LEAD_ID_PATTERN},
        description="no '/', control or invisible characters (zero-width, bidi, line separators, fillers, "
        "private use, spaces other than U+0020)",
    )
    # A lead is decided at the latest now: created or scored later, it cannot be (scored_at would count activity
    # still to come). A scored_at before created_at is refused below, so it is never too early.
    created_at: LeadMoment
    scored_at: LeadMoment | None = Field(
        None, description="decision time; activity after it is ignored (defaults to now)"
    )
    contact: Contact = Field(default_factory=Contact)
    company: Company = Field(default_factory=Company)
    form: Form = Field(default_factory=Form)
    source: Source = Field(default_factory=Source)
    events: Events = Field(default_factory=list, max_length=10_000)
    custom: dict[CustomKey, CustomValue] = Field(
        default_factory=dict,
        max_length=500,
        description="the CRM's own fields, by the names the serving model declares",
        examples=[{"budget_allocated": True, "segment": "mid-market"}],
    )

    @field_validator("lead_id")
    @classmethod
    def _id_rule(cls, lead_id: str, info: ValidationInfo) -> str:
        # A lead stored before the rule grew (a no-break space in its id) must still be re-decided when a
        # suppression or an account status bears on it: the rule judges what arrives, as the time rules do.
        problem = None if from_store(info) else unseen_problem(lead_id, "/")
        if problem:
            raise ValueError(f"{PATTERN_WORDS[LEAD_ID_PATTERN]} ({problem})")
        return lead_id

    def as_of(self, moment: datetime) -> Lead:
        """This lead decided as of `moment` (say its arrival): activity after it is ignored, whatever the sender said."""
        return self.model_copy(update={"scored_at": moment})

    @model_validator(mode="after")
    def _scored_after_created(self) -> Lead:
        if self.scored_at is not None and self.scored_at < self.created_at:
            raise field_error(("scored_at",), "scored_at is earlier than created_at", self.scored_at)
        return self


def parse_lead(data: dict, *, cells: bool = False, stored: bool = False) -> Lead:
    """Validate one lead dict, raising LeadValidationError that names the fields.

    `cells`: the values come from table cells (CSV, Parquet, a DataFrame, a mapped export), whose text is read
    as its field's type ('50' employees); without it they are JSON's, taken as typed ('50' is refused).
    `stored`: the lead is read back from the decision store, where it was accepted: the time rules (nothing
    after now plus a day, nothing before 1990) are not applied again.
    """
    if not isinstance(data, dict):
        raise LeadValidationError([f"lead: expected a JSON object, got {type(data).__name__}"])
    context = CELLS if cells else STORED if stored else None
    try:
        return Lead.model_validate(data, context=context)
    except ValidationError as error:
        raise LeadValidationError(describe_validation_error(error)) from None
