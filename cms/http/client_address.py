"""The client's address: the socket peer, or X-Forwarded-For behind a trusted proxy."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from functools import lru_cache

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# Hops read from the right of X-Forwarded-For: no proxy chain is longer, and a client
# cannot make the walk cost more by sending a longer header.
MAX_HOPS = 20


@lru_cache(maxsize=8)
def trusted_networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    """CMS_TRUSTED_PROXIES parsed: addresses and CIDR blocks (`10.0.0.0/8`, `2001:db8::/32`).

    Raises ValueError naming the setting for an entry that is neither.
    """
    networks = []
    for entry in proxies:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ValueError(
                f"CMS_TRUSTED_PROXIES: {entry[:100]!r} is not an IP address or CIDR block "
                "(e.g. 10.0.0.1 or 10.0.0.0/8)"
            ) from None
    return tuple(networks)


def _address(value: str) -> IPAddress | None:
    """An address as a hop writes it (`1.2.3.4`, `1.2.3.4:5678`, `[2001:db8::1]:443`)."""
    value = value.strip()
    if value.startswith("[") and "]" in value:
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def _trusted(address: IPAddress, networks: Iterable[Network]) -> bool:
    return any(address in network for network in networks)


def _forwarded_hops(headers: Mapping[str, str]) -> list[str]:
    """The last MAX_HOPS hops of every X-Forwarded-For line, in order.

    A proxy may append its own header line rather than extend the client's, so all
    lines count, joined in the order they came.
    """
    getlist = getattr(headers, "getlist", None)
    lines = list(getlist("x-forwarded-for")) if getlist else [headers.get("x-forwarded-for", "")]
    joined = ",".join(line for line in lines if line)
    return joined.rsplit(",", MAX_HOPS)[-MAX_HOPS:] if joined else []


def client_address(
    peer: str | None, headers: Mapping[str, str], trusted_proxies: Iterable[str]
) -> str:
    """Walk X-Forwarded-For from the right while hops are trusted proxies.

    The header is honoured only when the socket peer itself is a trusted proxy, so a
    client cannot pick its own address (and with it, its rate-limit bucket). The
    first hop that is not a trusted proxy is the client. A hop that is not an address
    (`unknown`, garbage) ends the walk at the last address read, so the answer is
    always the peer or an address some trusted proxy wrote.
    """
    networks = trusted_networks(tuple(trusted_proxies))
    if peer is None:
        return "unknown"
    if not networks:
        return peer  # no proxy is trusted: nothing to parse
    found = _address(peer)
    if found is None or not _trusted(found, networks):
        return peer
    address: IPAddress = found
    for hop in reversed(_forwarded_hops(headers)):
        parsed = _address(hop)
        if parsed is None:
            break
        address = parsed
        if not _trusted(parsed, networks):
            break
    return str(address)
