"""HTTP routes of the account roll-up: an account's contacts, route and score; its status, set by sales."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field

from leadgate.features.schema import NO_NUL
from leadgate.serving.accounts import AccountStatus, NotAnAccount, account_of, account_view, write_status
from leadgate.serving.auth import require
from leadgate.serving.schemas import READ_ERRORS, WRITE_ERRORS, Problem

router = APIRouter()
Domain = Annotated[
    str, Path(min_length=1, max_length=253, description="registered company domain, e.g. acme.com")
]
NO_ACCOUNT = {404: {"model": Problem, "description": "no contact and no status stored for this account"}}


class AccountStatusIn(BaseModel):
    """What is known of the account beyond its leads; sending it again replaces it."""

    model_config = ConfigDict(extra="forbid")

    do_not_engage: bool = Field(False, description="every contact of the account is silently rejected")
    churned_non_payment: bool = Field(False, description="its contacts are capped at verify")
    open_escalation: bool = Field(False, description="its contacts are capped at verify")
    note: str | None = Field(None, max_length=500, pattern=NO_NUL, description="why, for the next person")


class AccountStatusOut(AccountStatusIn):
    """The stored status."""

    domain: str
    updated_at: datetime


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


class StatusView(BaseModel):
    """The account's status as stored."""

    do_not_engage: bool
    churned_non_payment: bool
    open_escalation: bool
    note: str | None
    updated_at: datetime | None


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
    on_do_not_engage_list: bool = Field(description="the policy's do_not_engage list names the domain")
    status: StatusView | None
    contacts_total: int
    contacts: list[ContactView]


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
    policy = request.app.state.holder.current().pipeline.policy
    return account_view(
        engine=request.app.state.store.engine, policy=policy, domain=_domain(domain), limit=limit
    )


@router.put(
    "/v1/accounts/{domain}/status",
    response_model=AccountStatusOut,
    responses=WRITE_ERRORS,
    dependencies=[Depends(require("sales"))],
    summary="Set what is known of an account (do-not-engage, churned for non-payment, open escalation)",
)
def put_account_status(request: Request, domain: Domain, body: AccountStatusIn) -> dict:
    """Store or replace the account's status; its next contacts' gates read it."""
    domain = _domain(domain)
    stored = write_status(request.app.state.store.engine, domain, AccountStatus(**body.model_dump()))
    return {"domain": domain, **stored.to_json()}
