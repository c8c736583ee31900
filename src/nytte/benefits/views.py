"""Placeholder until this module's pages are built (routes are fixed in urls.py)."""

from django.http import Http404, HttpRequest, HttpResponse


def not_built(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404
