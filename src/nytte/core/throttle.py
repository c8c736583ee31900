"""Counting hits per client per time window in the database, shared by every worker
process: the public form's rate limit and the login throttle count here, not in a
process's memory (a per-process count lets N workers take N times the limit).

Also the one place that decides a request's client address (``client_address``):
``X-Forwarded-For`` is believed only when the request comes from a proxy listed in
``NYTTE_TRUSTED_PROXIES`` (addresses or networks; none by default), and then the address
is the rightmost one in the header that is not itself a trusted proxy.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import time
from functools import lru_cache

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from .models import ThrottleCounter


@lru_cache(maxsize=8)
def _networks(
    proxies: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _trusted(address: str) -> bool:
    proxies = tuple(getattr(settings, "TRUSTED_PROXIES", ()))
    if not proxies:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _networks(proxies))


def is_trusted_proxy(address: str) -> bool:
    """Whether ``address`` is one of ``NYTTE_TRUSTED_PROXIES`` (other modules ask this)."""
    return _trusted(address)


def client_address(request: HttpRequest) -> str:
    """The client's address: ``REMOTE_ADDR``, unless that is a trusted proxy, in which case
    the rightmost address of ``X-Forwarded-For`` that is not a trusted proxy (addresses
    left of it could be written by the client). Every rate limit and log uses this."""
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    if not _trusted(remote):
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for address in reversed([a for a in forwarded if a]):
        if not _trusted(address):
            try:
                return str(ipaddress.ip_address(address))
            except ValueError:
                return remote  # garbage from the proxy's client: count it as the proxy
    return remote


def _key(scope: str, ident: str, window: int) -> str:
    # Addresses and user names are personal data: only a hash is stored.
    digest = hashlib.sha256(f"{scope}:{ident}".encode()).hexdigest()[:40]
    return f"{scope[:40]}:{digest}:{int(time.time() // window)}"


def count(scope: str, ident: str, *, window: int) -> int:
    """Hits of ``ident`` in the current window of ``window`` seconds."""
    return (
        ThrottleCounter.objects.filter(key=_key(scope, ident, window))
        .values_list("count", flat=True)
        .first()
        or 0
    )


def exceeded(scope: str, ident: str, *, limit: int, window: int) -> bool:
    """Whether ``ident`` has used up its ``limit`` hits in the current window."""
    return count(scope, ident, window=window) >= limit


def hit(scope: str, ident: str, *, window: int) -> int:
    """Count one hit in the current window, atomically across processes; the count so far."""
    key = _key(scope, ident, window)
    now = timezone.now()
    with transaction.atomic():
        if not ThrottleCounter.objects.filter(key=key).update(count=F("count") + 1):
            try:
                with transaction.atomic():
                    ThrottleCounter.objects.create(
                        key=key, count=1, expires_at=now + dt.timedelta(seconds=window)
                    )
            except IntegrityError:  # another process created it first
                ThrottleCounter.objects.filter(key=key).update(count=F("count") + 1)
        ThrottleCounter.objects.filter(expires_at__lt=now).delete()
    return count(scope, ident, window=window)


def reset(scope: str, ident: str, *, window: int) -> None:
    """Forget ``ident``'s hits in the current window (a successful login)."""
    ThrottleCounter.objects.filter(key=_key(scope, ident, window)).delete()
