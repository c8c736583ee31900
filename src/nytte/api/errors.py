"""Errors as ``application/problem+json`` (RFC 9457)."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer

from nytte.core.concurrency import VersionConflict

logger = logging.getLogger(__name__)
security_log = logging.getLogger("nytte.security")
PROBLEM = "application/problem+json"
# The API's renderer (NinjaAPI's default), for answers built outside a handler's return.
RENDERER = JSONRenderer()


def problem(
    request: HttpRequest, status: int, title: str, detail: str = "", **extra: Any
) -> HttpResponse:
    """A problem+json answer, rendered as the API renders every body (so a router needs no
    handle on the API that serves it)."""
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    content = RENDERER.render(request, body, response_status=status)
    return HttpResponse(content, status=status, content_type=PROBLEM)


def django_errors(exc: DjangoValidationError) -> list[dict[str, Any]]:
    """A Django ValidationError as the problem's ``errors``: one ``loc``/``msg`` per message."""
    if hasattr(exc, "error_dict"):
        return [
            {"loc": [field], "msg": message}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    return [{"loc": [], "msg": message} for message in exc.messages]


def install(api: NinjaAPI) -> None:
    @api.exception_handler(NinjaValidationError)
    def validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = [{"loc": list(e.get("loc", [])), "msg": e.get("msg", "")} for e in exc.errors]
        return problem(request, 422, "Invalid input", "See errors.", errors=errors)

    @api.exception_handler(DjangoValidationError)
    def model_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        return problem(request, 422, "Invalid input", "See errors.", errors=django_errors(exc))

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return problem(request, 401, "Not authenticated", "Log in or send a valid token.")

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        user_id = getattr(getattr(request, "user", None), "pk", None)
        security_log.warning(
            "API permission denied: %s %s by %s",
            request.method,
            request.path,
            f"user:{user_id}" if user_id else "anonymous",
        )
        return problem(request, 403, "Forbidden", "You may not do this here.")

    @api.exception_handler(VersionConflict)
    def stale(request: HttpRequest, exc: VersionConflict) -> HttpResponse:
        """If-Match named a version that is no longer the stored one: nothing was changed."""
        response = problem(
            request,
            412,
            "Precondition failed",
            "The object was changed after you read it; GET it again and reapply your change.",
        )
        if exc.current is not None:
            response["ETag"] = f'"v{exc.current}"'
        return response

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return problem(request, 404, "Not found")

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return problem(request, exc.status_code, str(exc))

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        from nytte.core.outage import is_database_down, unavailable

        if is_database_down(exc):
            logger.error("Database unavailable: answered 503")
            return unavailable(request)
        logger.exception("Unhandled API error", exc_info=exc)
        return problem(request, 500, "Internal server error")
