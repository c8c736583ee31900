"""The API answers hostile numbers and text with a 4xx problem, never a 500 (issue 18,
"Found by probing"): paging past 64 bits on every paged list, id lists and path ids past
64 bits (SQLite cannot bind them), and NUL characters in text (PostgreSQL refuses them).
Run this module on PostgreSQL too (DATABASE_URL) for the NUL cases."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from nytte.api.api import api
from nytte.core.actors import SYSTEM
from nytte.core.services import api_token_create

HUGE = 2**64 + 1


def client(user) -> Client:
    _, key = api_token_create(user=user, name="guard", acting_user=SYSTEM)
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def paged_paths() -> list[str]:
    schema = api.get_openapi_schema()
    paths = []
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if get and any(p["name"] == "offset" for p in get.get("parameters", [])):
            paths.append(path)
    return paths


def concrete(path: str, slug: str) -> str:
    path = path.replace("{slug}", slug)
    return re.sub(r"\{[^}]+\}", "1", path)


def is_problem(response, *statuses: int) -> bool:
    return (
        response.status_code in statuses and response["Content-Type"] == "application/problem+json"
    )


def test_every_paged_list_is_found():
    assert len(paged_paths()) >= 10


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        f"offset={HUGE}",
        f"limit={HUGE}",
        f"offset=-{HUGE}",
        "offset=1099511627776",  # fits in 64 bits, past any list
        "limit=0",
        "offset=-1",
    ],
)
def test_paging_beyond_its_bounds_is_a_client_error_on_every_paged_list(query, viewer, programme):
    api_client = client(viewer)
    for path in paged_paths():
        response = api_client.get(concrete(path, programme.slug) + "?" + query)
        assert is_problem(response, 400, 404, 422), (path, query, response.status_code)


@pytest.mark.django_db
def test_paging_within_bounds_still_works(viewer, programme):
    response = client(viewer).get("/api/v1/programmes?limit=1&offset=0")
    assert response.status_code == 200 and response.json()["count"] == 1


@pytest.mark.django_db
def test_an_id_list_past_64_bits_is_refused(facilitator, programme):
    body = {"code": "G-9", "title": "Overflow", "risks": [HUGE]}
    response = client(facilitator).post(
        f"/api/v1/programmes/{programme.slug}/benefits",
        json.dumps(body),
        content_type="application/json",
    )
    assert is_problem(response, 400), response.content
    assert "64 bits" in response.json()["detail"]


@pytest.mark.django_db
def test_a_path_id_past_64_bits_is_not_found(viewer, programme):
    response = client(viewer).get(f"/api/v1/programmes/{programme.slug}/proposals/{HUGE}")
    assert is_problem(response, 404)


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "patch", "put"])
def test_text_with_a_nul_character_is_refused(method, facilitator, programme):
    body = {"code": "G-9", "title": "Bad\u0000title", "nested": [{"x": "\u0000"}]}
    response = getattr(client(facilitator), method)(
        f"/api/v1/programmes/{programme.slug}/benefits",
        json.dumps(body),
        content_type="application/json",
    )
    assert is_problem(response, 400), response.content
    assert "NUL" in response.json()["detail"]


@pytest.mark.django_db
def test_a_nul_character_in_the_query_or_path_is_refused(viewer, programme):
    api_client = client(viewer)
    response = api_client.get(f"/api/v1/programmes/{programme.slug}/proposals?q=a%00b")
    assert is_problem(response, 400)
    response = api_client.get("/api/v1/programmes/a%00b")
    assert is_problem(response, 400)


@pytest.mark.django_db
def test_every_text_field_of_every_write_refuses_nul(facilitator, programme):
    """Each write operation with a body: a NUL in any string is a 400, whatever the field."""
    api_client = client(facilitator)
    schema = api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        for method in ("post", "put", "patch"):
            if method not in operations or "requestBody" not in operations[method]:
                continue
            response = getattr(api_client, method)(
                concrete(path, programme.slug),
                json.dumps({"title": "x\u0000", "name": "\u0000", "text": "\u0000"}),
                content_type="application/json",
            )
            assert is_problem(response, 400), (method, path, response.status_code)
