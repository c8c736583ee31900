"""Every request gets an id, answered in ``X-Request-ID`` and stored on the change log rows
and domain events it writes, and on its log lines (``%(request_id)s``): one id ties what a
user saw, what the server logged and what the records say.

An incoming ``X-Request-ID`` is kept only from a trusted proxy (``NYTTE_TRUSTED_PROXIES``,
as for client addresses) and only when it looks like an id; otherwise a new one is made, so a
client cannot put its own words into the records.
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
_VALID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")
_current: contextvars.ContextVar[str] = contextvars.ContextVar("nytte_request_id", default="")


def current() -> str:
    """The id of the request being served here, or "" outside a request (commands, tasks)."""
    return _current.get()


def _incoming(request: HttpRequest) -> str | None:
    from .throttle import is_trusted_proxy  # imports models: not at logging set-up

    given = request.headers.get(HEADER, "")
    if given and _VALID.match(given) and is_trusted_proxy(request.META.get("REMOTE_ADDR", "")):
        return given
    return None


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = _incoming(request) or uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = _current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every log record ("-" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _current.get() or "-"
        return True
