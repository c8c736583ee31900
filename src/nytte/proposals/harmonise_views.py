"""Placeholder until this module's pages are built."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse

urlpatterns: list[Any] = []


def not_built(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def harmonisation_context(request: HttpRequest, proposal: Any) -> dict[str, Any]:
    return {}
