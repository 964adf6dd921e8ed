"""HTTP routes for maintained lists: admin keys change them, sales keys read them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from leadgate.decision.lists import MAX_WHY, ListValueError
from leadgate.features.schema import NO_NUL
from leadgate.serving import lists_service, lists_store
from leadgate.serving.auth import require
from leadgate.serving.problems import problem
from leadgate.serving.schemas import READ_ERRORS, REDECIDING_ERRORS, Problem
from leadgate.settings import ApiKey

router = APIRouter()
ListKind = Literal[
    "competitor_domains", "competitor_networks", "employee_domains", "do_not_engage", "previously_rejected"
]
Why = Annotated[
    str, Field(min_length=1, max_length=MAX_WHY, pattern=NO_NUL, description="why the change is made")
]
CHANGE_ERRORS = {
    **REDECIDING_ERRORS,
    404: {"model": Problem, "description": "the value is not on the list"},
    409: {"model": Problem, "description": "already on the list, or only in the policy file"},
}


class ListChange(BaseModel):
    """A value to add to a list, and why."""

    value: str = Field(
        ..., min_length=1, max_length=300, pattern=NO_NUL, description="a bare domain, or a CIDR network"
    )
    why: Why


class ListEntryView(BaseModel):
    """One entry of a list: from the policy file, or from the store with who added it, when and why."""

    value: str
    source: Literal["policy", "store"]
    added_at: datetime | None = None
    added_by: str | None = None
    why: str | None = None


class AuditView(BaseModel):
    """One change to a list."""

    revision: int
    action: Literal["add", "remove"]
    value: str
    who: str
    why: str
    at: datetime


class ListView(BaseModel):
    """A list as the gates read it now, and its newest changes."""

    kind: str
    lists_version: str
    entries: list[ListEntryView]
    audit: list[AuditView]


class ListChanged(BaseModel):
    """What a change did, the lists' new version, and how many stored leads it decided again."""

    kind: str
    value: str
    action: Literal["add", "remove"]
    lists_version: str
    decided: int = Field(
        description="stored leads of the domain, decided again in the same transaction "
        "(0 for a network: it applies from the next decision)"
    )


def _file_policy(request: Request):
    return request.app.state.holder.current().pipeline.policy


def _deps(request: Request) -> dict:
    state = request.app.state
    return {
        "policy": _file_policy(request),
        "holder": state.holder,
        "store": state.store,
        "screening": state.screening,
        "metrics": state.metrics,
    }


def _changed(kind: str, action: str, changed: lists_service.Changed) -> dict:
    return {
        "kind": kind,
        "value": changed.value,
        "action": action,
        "lists_version": lists_store.lists_version(changed.revision),
        "decided": changed.decided,
    }


def _version(request: Request) -> str:
    with request.app.state.store.engine.connect() as connection:
        return lists_store.lists_version(lists_store.revision(connection))


@router.get(
    "/v1/lists/{kind}",
    response_model=ListView,
    responses=READ_ERRORS,
    dependencies=[Depends(require("sales"))],
    summary="A list's entries (the policy file's and the store's) and its newest changes",
)
def show_list(request: Request, kind: ListKind) -> dict:
    """The entries the gates read now, and the audit of the last 100 changes."""
    engine = request.app.state.store.engine
    entries = lists_store.entries(engine, kind, policy=_file_policy(request))
    return {
        "kind": kind,
        "lists_version": _version(request),
        "entries": [
            {
                "value": e.value,
                "source": e.source,
                "added_at": e.added_at,
                "added_by": e.added_by,
                "why": e.why,
            }
            for e in entries
        ],
        "audit": lists_store.audit(engine, kind),
    }


@router.post(
    "/v1/lists/{kind}",
    response_model=ListChanged,
    status_code=status.HTTP_201_CREATED,
    responses=CHANGE_ERRORS,
    summary="Add a value to a list; the next decision reads it, and its domain's stored leads are decided again",
)
def add_to_list(
    request: Request, kind: ListKind, change: ListChange, key: Annotated[ApiKey, Depends(require("admin"))]
):
    """Add a domain or network, with why; audited with the key's name; the domain's stored leads are decided
    again."""
    try:
        changed = lists_service.add(
            kind=kind, value=change.value, why=change.why, who=key.name, **_deps(request)
        )
    except ListValueError as error:
        return problem(422, f"{error}; nothing was stored")
    except lists_store.ListConflict as error:
        return problem(409, f"{error}; nothing was stored")
    return JSONResponse(_changed(kind, "add", changed), status_code=201)


@router.delete(
    "/v1/lists/{kind}",
    response_model=ListChanged,
    responses=CHANGE_ERRORS,
    summary="Take a value off a list; its domain's stored leads are decided again without it",
)
def remove_from_list(
    request: Request,
    kind: ListKind,
    key: Annotated[ApiKey, Depends(require("admin"))],
    value: Annotated[str, Query(min_length=1, max_length=300, pattern=NO_NUL)],
    why: Annotated[str, Query(min_length=1, max_length=MAX_WHY, pattern=NO_NUL)],
):
    """Remove a store entry, with why; a value in the policy file is changed in the file. The domain's stored
    leads are decided again."""
    try:
        changed = lists_service.remove(kind=kind, value=value, why=why, who=key.name, **_deps(request))
    except ListValueError as error:
        return problem(422, f"{error}; nothing was changed")
    except lists_store.ListConflict as error:
        return problem(409, f"{error}; nothing was changed")
    except lists_store.NotListed as error:
        return problem(404, str(error))
    return _changed(kind, "remove", changed)
