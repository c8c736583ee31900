"""A small rate limit on Django's cache: so many hits per client per time window.

Used by the public submission form, which anyone can reach without an account. The cache is
per process (Django's default), so with several workers the limit is per worker: a brake on
floods, not an exact quota.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address; behind the reverse proxy (when the app trusts its headers) the
    address the proxy appended last to X-Forwarded-For, which the client cannot forge."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.rsplit(",", 1)[-1].strip()
        if last:
            return last
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _key(scope: str, ident: str, window: int) -> str:
    # Addresses are personal data: only a hash goes into the cache.
    digest = hashlib.sha256(f"{scope}:{ident}".encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}:{int(time.time() // window)}"


def exceeded(scope: str, ident: str, *, limit: int, window: int) -> bool:
    """Whether ``ident`` has used up its ``limit`` hits in the current window."""
    return int(cache.get(_key(scope, ident, window), 0)) >= limit


def hit(scope: str, ident: str, *, window: int) -> int:
    """Count one hit in the current window; returns the count so far."""
    key = _key(scope, ident, window)
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1
