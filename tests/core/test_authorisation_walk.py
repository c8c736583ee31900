"""Every URL in the resolver and every API operation is either on a short public allow-list
or guarded (issue 18, "Authorisation").

Each address is filled with the objects of one programme (the demo's Framtidens innkreving)
and requested, with GET and with POST, by an anonymous visitor and by a programme
administrator of *another* programme. A guarded page sends the visitor to the login page
(the API answers 401) and answers the outsider 404, never 200 with content and never 403
(which would confirm that the object exists). A new URL that is neither guarded nor listed
here fails this test."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from nytte.api.api import api
from nytte.core.choices import Role
from nytte.core.models import Programme
from tests.core.walk_data import (
    OTHER,
    VICTIM,
    api_path,
    fill,
    objects_of,
    page_values,
    token_for,
    user_with_role,
)

pytestmark = pytest.mark.django_db

# Pages anyone may open: the reason is the allow-list's documentation.
PUBLIC_PAGES = {
    "": "the home page (a login invitation when anonymous)",
    "login/": "the login form",
    "logout/": "logging out",
    "i18n/setlang/": "choosing the language",
    "tilgjengelighet/": "the accessibility statement (required to be public)",
    "p/<slug:slug>/submit/": "the public proposal form (closed programmes answer 404)",
    "p/<slug:slug>/submit/thanks/": "the public form's receipt",
    "p/<slug:slug>/submit/similar/": "the public form's typing box (published initiatives only)",
    "open/": "the overview of published initiatives (only what programmes publish)",
    "open/initiatives.json": "the open-data feed of published initiatives",
    "open/initiatives.csv": "the open-data feed of published initiatives, as CSV",
    "proposal-status/<str:token>/": "a proposer's private status link (the token is the key)",
    "invitations/<str:token>/": "an invitation link (the token is the key)",
    "accounts/otp/verify/": "the second step of a login (needs the first step's session)",
    "oidc/authenticate/": "starting a single sign-on",
    "oidc/callback/": "the identity provider's answer (state, nonce and PKCE checked)",
    "oidc/logout/": "logging out of single sign-on",
    "api/v1/docs": "the API's documentation",
    "api/v1/openapi.json": "the API's schema",
}
# Pages for any logged-in user that show only what that user may see.
PERSONAL_PAGES = {
    "queue/": "my work queue, across my own programmes",
    "accounts/otp/": "my own second factor",
}
# Site administration: not a programme's object, so a 403 there confirms nothing.
SITE_ADMIN_PAGES = {
    "administration/",
    "administration/programmes/new/",
    "administration/organisations/new/",
    "administration/organisations/<int:pk>/",
}
# API operations not scoped to a programme: they answer an outsider, without the victim's rows.
UNSCOPED_API = {
    "/api/v1/me",
    "/api/v1/organisations",
    "/api/v1/organisations/{organisation_id}",
    "/api/v1/programmes",
    "/api/v1/life-events",
    "/api/v1/life-events/{event_slug}",
    "/api/v1/optimise",
}


def _routes(patterns, prefix: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


PAGE_ROUTES = sorted(
    {
        route
        for route in _routes(get_resolver().url_patterns)
        # Django's admin guards itself (staff only); the API is walked by its schema below.
        if not route.startswith(("admin/", "api/v1/")) or route in PUBLIC_PAGES
    }
)
SCHEMA = api.get_openapi_schema(path_prefix="/api/v1/")
API_OPERATIONS = sorted(
    (method.upper(), path) for path, operations in SCHEMA["paths"].items() for method in operations
)


@pytest.fixture(scope="module")
def world(demo_loaded, django_db_blocker):
    """The victim's objects, an outsider (programme admin elsewhere) and their API token."""
    with django_db_blocker.unblock():
        victim = objects_of(Programme.objects.get(slug=VICTIM))
        outsider = user_with_role(
            "walk-outsider", Programme.objects.get(slug=OTHER), Role.PROGRAMME_ADMIN
        )
        return {"victim": victim, "outsider": outsider, "token": token_for(outsider)}


def _leaks(content: bytes, world) -> bool:
    victim = world["victim"]
    markers = [victim.slug, victim.programme.name, victim.initiative.title]
    text = content.decode(errors="replace")
    return any(marker in text for marker in markers)


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_walk_covers_the_whole_resolver_and_schema():
    assert len(PAGE_ROUTES) > 70 and len(API_OPERATIONS) > 120
    stale = (set(PUBLIC_PAGES) | set(PERSONAL_PAGES) | SITE_ADMIN_PAGES) - set(PAGE_ROUTES)
    stale -= {route for route in PUBLIC_PAGES if route.startswith(("oidc/", "api/v1/"))}
    assert not stale, f"allow-listed routes that no longer exist: {stale}"


@pytest.mark.parametrize("route", PAGE_ROUTES)
def test_every_page_is_public_or_guarded(route, world, client_for):
    url = fill(route, page_values(route, world["victim"]))
    anonymous, outsider = Client(), client_for(world["outsider"])
    if route in PUBLIC_PAGES:
        for client in (anonymous, outsider):
            assert client.get(url).status_code < 500, url
        return
    for method in ("get", "post"):
        response = getattr(anonymous, method)(url)
        assert _is_login_redirect(response) or response.status_code in (404, 405), (
            f"{method.upper()} {url} anonymously: {response.status_code}"
        )
        response = getattr(outsider, method)(url)
        status = response.status_code
        if route in PERSONAL_PAGES:
            assert status in (200, 302, 405) and not _leaks(response.content, world), url
        elif route in SITE_ADMIN_PAGES:
            assert status in (403, 405), f"{method.upper()} {url} as outsider: {status}"
        else:
            assert status in (404, 405), f"{method.upper()} {url} as an outsider: {status}"


@pytest.mark.parametrize(("method", "path"), API_OPERATIONS)
def test_every_api_operation_is_guarded(method, path, world):
    url = api_path(path, world["victim"])
    kwargs = {"content_type": "application/json"} if method != "GET" else {}
    data = "{}" if method != "GET" else None
    anonymous = Client().generic(method, url, data or "", **kwargs)
    assert anonymous.status_code in (401, 404), f"{method} {url} anonymously"
    outsider = Client(HTTP_AUTHORIZATION=f"Bearer {world['token']}")
    response = outsider.generic(method, url, data or "", **kwargs)
    status = response.status_code
    if path in UNSCOPED_API:
        assert status < 500 and not _leaks(response.content, world), f"{method} {url}"
    else:
        # 422: the body was refused before the object was looked at; it confirms nothing.
        assert status in (404, 405, 422), f"{method} {url} as an outsider: {status}"
        assert status != 422 or method != "GET"


def test_the_walk_points_at_real_objects(world):
    """A URL filled with an id that does not exist would pass the walk for nothing."""
    victim = world["victim"]
    missing = [name for name, obj in vars(victim).items() if obj is None]
    missing += [name for name, obj in victim.extra.items() if obj is None]
    assert not missing, f"the demo has no {missing} in {VICTIM}"
