"""HTTP routes of the account roll-up: an account's contacts, route and score; its status, set by sales."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, StrictBool, field_validator

from leadgate.features.schema import NO_NUL
from leadgate.serving.account_status import CHANGES_SHOWN, FIELDS, FLAGS, change_status, status_changes
from leadgate.serving.accounts import NotAnAccount, account_of, account_view
from leadgate.serving.auth import require
from leadgate.serving.schemas import READ_ERRORS, REDECIDING_ERRORS, NextStep, Problem
from leadgate.settings import ApiKey

router = APIRouter()
Domain = Annotated[
    str, Path(min_length=1, max_length=253, description="registered company domain, e.g. acme.com")
]
NO_ACCOUNT = {404: {"model": Problem, "description": "no contact and no status stored for this account"}}


KEPT = "; left out: kept as it is"


class AccountStatusIn(BaseModel):
    """What changes in the account's status: the fields given (true or false), the others kept as they are."""

    model_config = ConfigDict(extra="forbid")

    # Strict, as lead fields are: "yes", 1 or "off" is a 422, never a legal hold set or cleared by a guess.
    do_not_engage: StrictBool | None = Field(
        None, description="every contact of the account is silently rejected" + KEPT
    )
    churned_non_payment: StrictBool | None = Field(
        None, description="its contacts are capped at verify" + KEPT
    )
    open_escalation: StrictBool | None = Field(None, description="its contacts are capped at verify" + KEPT)
    note: str | None = Field(
        None, max_length=500, pattern=NO_NUL, description="why, for the next person; null clears it" + KEPT
    )

    @field_validator(*FLAGS)
    @classmethod
    def _true_or_false(cls, value: bool | None) -> bool:
        if value is None:  # only a null sent: one left out never reaches here
            raise ValueError("must be true or false; leave the field out to keep it as it is")
        return value


class AccountStatusOut(BaseModel):
    """The status as stored after the change, and how many of the account's stored leads were decided again."""

    domain: str
    do_not_engage: bool
    churned_non_payment: bool
    open_escalation: bool
    note: str | None
    updated_at: datetime
    updated_by: str | None = Field(description="the API key that made the change")
    decided: int = Field(description="stored leads of the account decided again (trigger account_status)")


class ContactView(BaseModel):
    """One contact of the account with its latest decision."""

    lead_id: str
    email: str | None
    job_title: str | None
    seniority: str
    route: str
    p_sql: float | None
    band: str | None
    gates: list[str] = Field(description="codes of the unlifted gates of its latest decision")
    decided_at: datetime
    next_step: NextStep = Field(
        description="its latest decision's next step (sales_email, not sales_call, while no one may phone it)"
    )
    suppressed: list[str] = Field(
        default_factory=list,
        description="kinds of contact its latest decision found stopped: marketing_email, phone, all_contact",
    )


class StatusView(BaseModel):
    """The account's status as stored."""

    do_not_engage: bool
    churned_non_payment: bool
    open_escalation: bool
    note: str | None
    updated_at: datetime | None
    updated_by: str | None = Field(description="the API key of the newest change; null if set before 0009")


class StatusChange(BaseModel):
    """One change to the account's status: who, when, the status before (null: none yet) and after."""

    changed_by: str
    changed_at: datetime
    before: dict | None
    after: dict
    changed: list[str] = Field(description="the fields whose value changed")
    decided: int = Field(description="stored leads of the account decided again")


class AccountView(BaseModel):
    """An account: its route (its best contact's, or an account-level signal's), score and contacts."""

    domain: str
    route: str
    route_basis: str = Field(
        description="best_contact, do_not_engage, churned_non_payment, open_escalation or no_contacts"
    )
    best_contact: str | None
    score: float | None = Field(
        description="1 - prod(1 - P(SQL)) over contacts not rejected; None without one"
    )
    on_do_not_engage_list: bool = Field(
        description="the do_not_engage list (the policy file's or the store's) names the domain"
    )
    status: StatusView | None
    contacts_total: int
    contacts: list[ContactView]
    status_changes: list[StatusChange] = Field(
        description=f"every change to the status, newest first (the newest {CHANGES_SHOWN})"
    )


def _domain(domain: str) -> str:
    try:
        return account_of(domain)
    except NotAnAccount as error:
        problem = {"type": "value_error", "loc": ("path", "domain"), "msg": str(error), "input": domain}
        raise RequestValidationError([problem]) from None


@router.get(
    "/v1/accounts/{domain}",
    response_model=AccountView,
    responses={**READ_ERRORS, **NO_ACCOUNT},
    dependencies=[Depends(require("sales"))],
    summary="An account: its contacts' latest decisions, its route and score, its status",
)
def get_account(request: Request, domain: Domain, limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> dict:
    """The account roll-up; `limit` bounds the contacts listed, not those the route and score count."""
    state = request.app.state
    policy = state.screening.pipeline(
        state.holder.current().pipeline
    ).policy  # the file's lists and the store's
    engine, domain = request.app.state.store.engine, _domain(domain)
    view = account_view(engine=engine, policy=policy, domain=domain, limit=limit)
    return {**view, "status_changes": status_changes(engine, domain)}


@router.put(
    "/v1/accounts/{domain}/status",
    response_model=AccountStatusOut,
    responses=REDECIDING_ERRORS,
    summary="Change what is known of an account (do-not-engage, churned for non-payment, open escalation)",
)
def put_account_status(
    request: Request, domain: Domain, body: AccountStatusIn, key: Annotated[ApiKey, Depends(require("sales"))]
) -> dict:
    """Change the fields given (the others kept), audited; the account's stored leads are decided again in
    the same transaction when a flag changed, and its next contacts' gates read it."""
    domain = _domain(domain)
    changes = body.model_dump(include=body.model_fields_set)
    if not changes:
        problem = {
            "type": "value_error",
            "loc": ("body",),
            "msg": f"nothing to change: give any of {', '.join(FIELDS)}",
        }
        raise RequestValidationError([{**problem, "input": {}}])
    state = request.app.state
    changed = change_status(
        domain=domain,
        changes=changes,
        who=key.name,
        holder=state.holder,
        store=state.store,
        screening=state.screening,
        metrics=state.metrics,
    )
    return {"domain": domain, **changed.status.to_json(), "decided": changed.decided}
