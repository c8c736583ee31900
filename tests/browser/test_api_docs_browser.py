"""The API docs page renders Swagger UI from our own static files under our CSP."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.xfail(
    strict=True,
    reason="Known defect: with 120+ operations Swagger UI stops drawing after the ninth "
    "operation (the schema is valid and complete: test_api_core, test_api_schemathesis).",
)
def test_api_docs_render_operations_without_outside_requests(page):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    response = page.goto("/api/v1/docs")
    assert response.status == 200
    csp = response.headers.get("content-security-policy", "")
    assert "script-src" in csp and "unsafe-inline" not in csp

    # Swagger UI rendered the document: the title and operations of our routers.
    page.locator(".opblock").first.wait_for(timeout=20_000)
    # Swagger UI draws a large document in steps: wait until the operations are there.
    page.locator(".opblock").nth(10).wait_for(state="attached", timeout=20_000)
    assert page.locator(".info .title").inner_text().startswith("Nytte API")
    assert page.locator(".opblock-summary-path", has_text="/api/v1/").count() > 10

    # Everything came from this server: the bundle, the init script and the schema.
    assert any(url.endswith("/static/vendor/swagger-ui/swagger-ui-bundle.js") for url in requested)
    assert any(url.endswith("/api/v1/openapi.json") for url in requested)
    # The page fixture fails the test on any foreign request, failed response or console
    # error (a CSP violation is one).
    assert page.watch.foreign_requests == []
