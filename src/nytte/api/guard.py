"""One input check for the whole API, before any router sees a request: numbers beyond
64 bits (in the path, the query or a JSON body) and text holding a NUL character are
refused as a client error (problem+json), never passed on to a database that would fail
with a 500 (SQLite cannot bind an integer past 64 bits; PostgreSQL refuses NUL in text).

Paging bounds are the ``Pagination`` class's (``nytte.api.common``); this check covers
everything else: id lists, path ids, filters and free text in every operation.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, unquote

from django.http import HttpRequest, HttpResponse

from .errors import problem

API_PREFIX = "/api/"
INT64 = 2**63 - 1
LONG_NUMBER = re.compile(r"(?<![\w.])-?\d{19,}(?![\w.])")


def _problem(request: HttpRequest, status: int, title: str, detail: str) -> HttpResponse:
    return problem(request, status, title, detail)


def number_out_of_range(text: str) -> bool:
    """Whether ``text`` holds a whole number that does not fit in 64 bits."""
    return any(abs(int(match)) > INT64 for match in LONG_NUMBER.findall(text))


def _walk(value: Any) -> str | None:
    """The first problem in a parsed JSON body: a NUL in text (keys too) or an integer
    past 64 bits; None when there is none."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return "nul"
        elif isinstance(item, bool):
            continue
        elif isinstance(item, int):
            if abs(item) > INT64:
                return "range"
        elif isinstance(item, dict):
            for key, inner in item.items():
                if "\x00" in key:
                    return "nul"
                stack.append(inner)
        elif isinstance(item, list):
            stack.extend(item)
    return None


NUL_DETAIL = "Text must not contain the NUL character (U+0000)."
RANGE_DETAIL = "A number is out of range: whole numbers must fit in 64 bits."


class ApiInputGuardMiddleware:
    """Refuses, for requests to the API only, input no database can take (see module)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API_PREFIX):
            refusal = self.check(request)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    def check(self, request: HttpRequest) -> HttpResponse | None:
        path = unquote(request.path)
        if "\x00" in path:
            return _problem(request, 400, "Invalid input", NUL_DETAIL)
        if number_out_of_range(path):
            return _problem(request, 404, "Not found", RANGE_DETAIL)
        for key, value in parse_qsl(request.META.get("QUERY_STRING", ""), keep_blank_values=True):
            if "\x00" in key or "\x00" in value:
                return _problem(request, 400, "Invalid input", NUL_DETAIL)
            if number_out_of_range(value):
                return _problem(request, 400, "Invalid input", RANGE_DETAIL)
        if request.method in ("POST", "PUT", "PATCH") and "json" in request.content_type:
            try:
                body = json.loads(request.body or b"null")
            except (ValueError, RecursionError):
                return None  # the router answers a malformed body with its own 4xx
            found = _walk(body)
            if found == "nul":
                return _problem(request, 400, "Invalid input", NUL_DETAIL)
            if found == "range":
                return _problem(request, 400, "Invalid input", RANGE_DETAIL)
        return None
