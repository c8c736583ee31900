"""A database outage is a 503 with a clear message, not a 500: pages get the "unavailable"
page, the API a problem+json, both with ``Retry-After``. Nothing else is needed to recover:
Django drops a broken connection at the end of the request (``CONN_HEALTH_CHECKS`` checks a
kept one before reuse), so the next request after the database is back succeeds."""

from __future__ import annotations

import json
import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger("nytte.outage")
DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY_AFTER = "30"


def is_database_down(exc: BaseException | None) -> bool:
    return isinstance(exc, DATABASE_DOWN)


def unavailable(request: HttpRequest) -> HttpResponse:
    """The 503 answer, for a page or for the API."""
    if request.path.startswith("/api/"):
        body = {
            "type": "about:blank",
            "title": "Service unavailable",
            "status": 503,
            "detail": "The database cannot be reached; try again.",
        }
        response = HttpResponse(
            json.dumps(body), status=503, content_type="application/problem+json"
        )
    else:
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = RETRY_AFTER
    response["Cache-Control"] = "no-store"
    return response


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: a 503 when the error is the database being unreachable."""
    if is_database_down(sys.exc_info()[1]):
        logger.error("Database unavailable: answered 503")
        return unavailable(request)
    return HttpResponseServerError(loader.get_template("500.html").render())
