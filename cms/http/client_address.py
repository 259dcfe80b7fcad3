"""The client's address: the socket peer, or X-Forwarded-For behind a trusted proxy."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping


def _in_any(address: str, networks: Iterable[str]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(net, strict=False) for net in networks)


def client_address(
    peer: str | None, headers: Mapping[str, str], trusted_proxies: Iterable[str]
) -> str:
    """Walk X-Forwarded-For from the right while hops are trusted proxies.

    The header is honoured only when the socket peer itself is a trusted proxy, so a
    client cannot pick its own address (and with it, its rate-limit bucket).
    """
    proxies = tuple(trusted_proxies)
    address = peer or "unknown"
    if not proxies or not _in_any(address, proxies):
        return address
    hops = [hop.strip() for hop in headers.get("x-forwarded-for", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        address = hop
        if not _in_any(hop, proxies):
            break
    return address
