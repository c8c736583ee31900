"""The public submission form's rate limit: so many hits per client per time window.

Counted in the database (``nytte.core.throttle``), so every worker process shares one
count; the client's address is ``nytte.core.throttle.client_address``, which believes
``X-Forwarded-For`` only from the proxies in ``NYTTE_TRUSTED_PROXIES``.
"""

from __future__ import annotations

from nytte.core.throttle import client_address, exceeded, hit

client_ip = client_address  # the name the form's views use

__all__ = ["client_ip", "exceeded", "hit"]
