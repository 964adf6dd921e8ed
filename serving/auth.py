"""Bearer API keys with roles; keys are configured and compared as SHA-256 digests only."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from leadgate.settings import ApiKey

ROLES = ("intake", "sales", "admin")
_bearer = HTTPBearer(auto_error=False, description="API key with role intake, sales or admin")


def hash_key(key: str) -> str:
    """SHA-256 hex digest of a key, the only form the settings hold."""
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> str:
    """A fresh random API key."""
    return "lg_" + secrets.token_urlsafe(32)


def identify(keys: list[ApiKey], presented: str) -> ApiKey | None:
    """The configured key matching a presented key, compared in constant time."""
    digest = hash_key(presented)
    match = None
    for key in keys:
        if hmac.compare_digest(key.sha256, digest):
            match = key
    return match


def require(*roles: str) -> Callable:
    """Dependency: a valid key (401 otherwise) whose role is one of `roles` or admin (403 otherwise)."""

    # async: a hash and a compare, not worth a hop to the thread pool that a sync dependency costs.
    async def check(
        request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
    ) -> ApiKey:
        unauthorized = HTTPException(
            status.HTTP_401_UNAUTHORIZED, "missing or unknown API key", headers={"WWW-Authenticate": "Bearer"}
        )
        if credentials is None or credentials.scheme.lower() != "bearer":
            raise unauthorized
        key = identify(request.app.state.settings.api_keys, credentials.credentials)
        if key is None:
            raise unauthorized
        if key.role != "admin" and key.role not in roles:
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"role '{key.role}' may not do this")
        return key

    return check
