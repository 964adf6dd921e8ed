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


def require(*roles: str, rate_limited: bool = False) -> Callable:
    """Dependency: a valid key (401 otherwise) whose role is one of `roles` or admin (403 otherwise).

    Every 401 counts against the client address; past the failed-authentication limit, requests from it
    without a valid key get 429 instead (a valid key still passes). With `rate_limited`, the intake limits
    per client address (checked before the key) and per key apply too.
    """

    # async: a hash and a compare, not worth a hop to the thread pool that a sync dependency costs.
    async def check(
        request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
    ) -> ApiKey:
        limiter = request.app.state.limiter
        if rate_limited:
            limiter.intake_by_address(request)
        key = None
        if credentials is not None and credentials.scheme.lower() == "bearer":
            key = identify(request.app.state.settings.api_keys, credentials.credentials)
        if key is None:
            limiter.failed_authentication(request)
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                "missing or unknown API key",
                headers={"WWW-Authenticate": "Bearer"},
            )
        if key.role != "admin" and key.role not in roles:
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"role '{key.role}' may not do this")
        if rate_limited:
            limiter.intake_by_key(key.sha256, key.name)
        return key

    return check
