"""Placeholder until this module's pages are built."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path


def not_built(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


urlpatterns: list[Any] = [
    path("p/<slug:slug>/proposals/", not_built, name="proposal_list"),
]
