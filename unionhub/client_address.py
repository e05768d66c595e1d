"""The client's address, for per-address limits: the socket's peer, or the address the trusted
gateway saw when the peer is one of `UNIONHUB_TRUSTED_PROXIES`.

`X-Forwarded-For` is read only from a trusted peer, and from the right: each trusted proxy
appends the address it received the request from, so the first address from the right that is
not a trusted proxy is the client as our own gateway saw it. Anything left of it was written
by the client and proves nothing.

Per-address limits key an IPv6 client on its /64 (`limit_subject`): a home line or a cloud
host is given a whole /64, so each of its addresses is the same client; keyed on the full
address, 40 attempts from one /64 were 40 fresh subjects."""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Any

from unionhub.settings import get_settings

_Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=4)
def _networks(proxies: tuple[str, ...]) -> tuple[_Network, ...]:
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies)


def _trusted(address: str, networks: tuple[_Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(request: Any) -> str | None:
    """The caller's address for a Starlette request (None outside HTTP, as in direct calls)."""
    if request is None or request.client is None:
        return None
    peer = request.client.host
    networks = _networks(tuple(get_settings().trusted_proxies))
    if not networks or not _trusted(peer, networks):
        return peer
    forwarded = [a.strip() for h in request.headers.getlist("x-forwarded-for")
                 for a in h.split(",")]
    for address in reversed(forwarded):
        try:
            ipaddress.ip_address(address)
        except ValueError:
            return peer  # a malformed hop: trust nothing past the peer
        if not _trusted(address, networks):
            return address
    return peer


def limit_subject(address: str) -> str:
    """What per-address limits count `address` as: an IPv6 address's /64, an IPv4-mapped one's
    IPv4 address; an IPv4 address (or anything not an address) unchanged."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv4Address):
        return address
    if ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ipaddress.IPv6Network((ip.packed, 64), strict=False))
