"""Who is asking: the client's real address, read through trusted proxies only.

Behind nginx every request reaches the app from 127.0.0.1; the client is in the
``X-Forwarded-For`` chain nginx appends to. A client can write anything at the left of that
chain, so only the hops added by proxies listed in ``GOVHALL_TRUSTED_PROXIES`` are believed:
the address is the right-most one that is not itself a trusted proxy. A request that does not
come from a trusted proxy is its own client, whatever headers it sends. The login lockout
(django-axes), and every rate limit key on this address.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest
from ipware import get_client_ip

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
FORWARDED_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP")
UNKNOWN = "unknown"


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def address_in(address: str, networks: list[str]) -> bool:
    """`address` is one of `networks` (addresses or CIDR networks)."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in net for net in _networks(tuple(networks)))


def _trusted(address: str) -> bool:
    return address_in(address, settings.GOVHALL_TRUSTED_PROXIES)


def client_address(request: HttpRequest) -> str:
    """The address of the client that sent `request` (`UNKNOWN` if there is none)."""
    remote = request.META.get("REMOTE_ADDR") or ""
    if not _trusted(remote):
        return remote or UNKNOWN
    chain = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    # Trusted proxies in front of the last one appear at the right end of the chain.
    hops = 0
    while hops < len(chain) - 1 and _trusted(chain[-1 - hops]):
        hops += 1
    ip, _routable = get_client_ip(
        request, proxy_count=hops, strict=False, request_header_order=FORWARDED_HEADERS
    )
    return ip or remote
