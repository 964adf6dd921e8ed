"""Values the settings are made of: bounds, one API key, the trusted-proxy list (validated in `Settings`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

DAY_SECONDS = 86_400
MAX_RETENTION_DAYS = 36_500  # a century: more keeps every lead, and past ~2.9 million days dates overflow


class ApiKey(BaseModel):
    """One API key as configured: its SHA-256 hex digest only, never the key itself."""

    name: str = Field(..., min_length=1)
    role: Literal["intake", "sales", "admin"]
    sha256: str = Field(..., pattern=r"^[0-9a-f]{64}$")


def trusted_proxies(value: str) -> str:
    """`*`, or comma-separated IP addresses and CIDR networks (canonical); ValueError naming each bad entry."""
    import ipaddress

    entries = [entry.strip() for entry in value.split(",")]
    if entries == ["*"]:
        return "*"
    if entries == [""]:
        raise ValueError(
            "empty: give the proxy's IP addresses or networks, comma-separated, or * "
            "(to trust no proxy: LEADGATE_PROXY_HEADERS=false)"
        )
    problems, kept = [], []
    for entry in entries:
        if entry == "*":
            problems.append("'*' trusts every address: give it alone, not in a list")
        elif not entry:
            problems.append("an empty entry: give addresses or networks separated by single commas")
        elif "/" in entry:
            try:
                kept.append(str(ipaddress.ip_network(entry)))
            except ValueError:
                problems.append(_bad_network(entry))
        else:
            try:
                kept.append(str(ipaddress.ip_address(entry)))
            except ValueError:
                problems.append(f"{entry!r} is not an IP address (10.0.0.5) or network (10.0.0.0/8)")
    if problems:
        raise ValueError("; ".join(dict.fromkeys(problems)))  # 'a,,,' says its empty entries once
    return ",".join(kept)


def _bad_network(entry: str) -> str:
    """Why a CIDR entry is refused: host bits set (with the network meant) or no network at all."""
    import ipaddress

    try:
        meant = ipaddress.ip_network(entry, strict=False)
    except ValueError:
        return f"{entry!r} is not an IP network (a CIDR such as 10.0.0.0/8)"
    return f"{entry!r} has host bits set: did you mean {meant}?"


# The MLflow registry's bound (LEADGATE_REGISTRY_TIMEOUT_SECONDS): every registry call gives up past it. Ten
# minutes at most: a longer wait is a hang to a person at a terminal and to the service's poll.
REGISTRY_TIMEOUT_SECONDS = 10.0
MAX_REGISTRY_TIMEOUT_SECONDS = 600
