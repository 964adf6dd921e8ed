"""Pure readings of what a lead says about itself: role words, self-description, form answers, source network."""

from __future__ import annotations

import ipaddress
import re
import socket
from functools import lru_cache

_CACHE = 65_536

# A title that names no role: the person may use the product, but says nothing of a part in buying it.
_GENERIC_ROLE = re.compile(
    r"^(?:an? )?(?:user|end[- ]user|employee|staff(?: member)?|team member|member|worker|colleague|individual|"
    r"other|general|none|customer|client|person|associate|professional)s?$"
)
# A title that says the company is one person (or a few): a solo founder, a freelancer, the self-employed.
_SOLO = re.compile(
    r"\b(?:solo(?:preneur)?|sole (?:proprietor|trader|owner|founder|practitioner)|freelanc\w*|self[- ]employed|"
    r"independent (?:consultant|contractor|developer|designer|advisor|professional|agent)|"
    r"one[- ](?:man|woman|person) (?:band|business|company|shop|team)|solo[- ]?founder)\b"
)
# Email domains only a government writes from: .gov, .mil, gov.uk, gouv.fr, gob.mx, govt.nz, gc.ca…
_GOVERNMENT = re.compile(r"(?:^|\.)(?:gov|mil|(?:gov|gouv|gob|govt|go|mil)\.[a-z]{2}|gc\.ca|bund\.de)$")


@lru_cache(maxsize=_CACHE)
def is_generic_role(title: str) -> bool:
    """True for a title such as 'User', 'Employee' or 'Team member' that names no role in a purchase."""
    return bool(_GENERIC_ROLE.match(title.strip().lower().rstrip(".")))


@lru_cache(maxsize=_CACHE)
def is_solo_title(title: str) -> bool:
    """True for a title that says the company is its one person: 'Solo Founder', 'Freelancer', 'Self-employed'."""
    return bool(_SOLO.search(title.lower()))


@lru_cache(maxsize=_CACHE)
def is_government_domain(domain: str) -> bool:
    """True for an email domain of a government or military body (agency.gov, army.mil, dwp.gov.uk)."""
    return bool(domain) and bool(_GOVERNMENT.search(domain.lower()))


_NOT_ALNUM = re.compile(r"[^a-z0-9]")


def normalized(answer: str) -> str:
    """An answer compared as letters and digits only: 'SOC 2' -> 'soc2', 'FedRAMP High' -> 'fedramphigh'."""
    return _NOT_ALNUM.sub("", answer.lower()) if answer else ""


def listed(column_value: str) -> list[str]:
    """The items of a listed form answer as the lead table holds them (joined by newlines)."""
    return column_value.split("\n") if column_value else []


def matches_any(answer: str, names: tuple[str, ...]) -> bool:
    """Whether an answer is, or starts with, one of the (normalized) names: 'FedRAMP High' matches 'fedramp'."""
    value = normalized(answer)
    return bool(value) and any(value.startswith(name) for name in names if name)


def _ipv4_value(text: str) -> int | None:
    """A plain IPv4 address as an integer, or None for any other text (IPv6, mapped, malformed).

    An ipaddress object costs ~3 µs and nearly every lead brings an address of its own. inet_pton's leniency
    differs by platform (leading zeros), so only text equal to its canonical form counts: exactly the dotted
    quads ipaddress accepts.
    """
    try:
        packed = socket.inet_pton(socket.AF_INET, text)
    except (OSError, ValueError):  # not IPv4; ValueError: a NUL or a character UTF-8 cannot encode
        return None
    return int.from_bytes(packed, "big") if socket.inet_ntop(socket.AF_INET, packed) == text else None


@lru_cache(maxsize=16)
def _ipv4_ranges(
    networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...],
) -> tuple[tuple[int, int, str], ...]:
    """(netmask, network address, CIDR text) of the IPv4 networks, as integers, in the order given."""
    return tuple(
        (int(network.netmask), int(network.network_address), str(network))
        for network in networks
        if network.version == 4
    )


@lru_cache(maxsize=_CACHE)
def network_of(address: str, networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]) -> str:
    """The first of the networks holding this IP address, as CIDR text; '' for none or for text that is no IP."""
    if not address:
        return ""
    text = address.strip()
    value = _ipv4_value(text)
    if value is not None:
        return _ipv4_network(value, _ipv4_ranges(networks))
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return ""
    # An IPv4 client seen through an IPv6 socket (::ffff:198.51.100.7) is still that IPv4 client.
    mapped = getattr(ip, "ipv4_mapped", None)
    ip = mapped or ip
    return next((str(network) for network in networks if ip.version == network.version and ip in network), "")


def networks_of(
    addresses: list[str], networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]
) -> list[str]:
    """`network_of` for a batch: the networks are read once, and plain IPv4 addresses skip the cache.

    Nearly every lead brings an address of its own, so a cache would only be filled, never read.
    """
    ranges = _ipv4_ranges(networks)
    found = []
    for address in addresses:
        value = _ipv4_value(address.strip()) if address else None
        found.append(network_of(address, networks) if value is None else _ipv4_network(value, ranges))
    return found


def _ipv4_network(value: int, ranges: tuple[tuple[int, int, str], ...]) -> str:
    for mask, start, cidr in ranges:  # a loop, not next() over a generator: this runs once a lead
        if value & mask == start:
            return cidr
    return ""
