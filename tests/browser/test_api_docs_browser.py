"""The API docs page renders Swagger UI from our own static files under our CSP."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AT_END = "() => window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 1"


def test_api_docs_render_operations_without_outside_requests(page):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    response = page.goto("/api/v1/docs")
    assert response.status == 200
    csp = response.headers.get("content-security-policy", "")
    assert "script-src" in csp and "unsafe-inline" not in csp

    # Swagger UI rendered the document: the title and operations of our routers.
    page.locator(".opblock").first.wait_for(timeout=20_000)
    assert page.locator(".info .title").inner_text().startswith("Nytte API")
    # Swagger UI draws a long document as it scrolls into view: scroll through it and
    # collect every router's section and the operations' paths.
    tags: set[str] = set()
    paths: set[str] = set()
    quiet = 0
    for _ in range(60):
        found = len(tags) + len(paths)
        tags |= {t.split()[0] for t in page.locator(".opblock-tag").all_inner_texts() if t.strip()}
        paths |= set(page.locator(".opblock-summary-path").all_inner_texts())
        # Done once the page is at its end and the last three looks found nothing new.
        quiet = quiet + 1 if len(tags) + len(paths) == found and page.evaluate(AT_END) else 0
        if quiet == 3:
            break
        page.mouse.wheel(0, 800)
        page.wait_for_timeout(100)
    assert {"core", "portfolio", "benefits", "proposals", "governance", "anchoring"} <= tags
    assert len(paths) > 100 and all(p.startswith("/api/v1/") for p in paths)

    # Everything came from this server: the bundle, the init script and the schema.
    assert any(url.endswith("/static/vendor/swagger-ui/swagger-ui-bundle.js") for url in requested)
    assert any(url.endswith("/api/v1/openapi.json") for url in requested)
    # The page fixture fails the test on any foreign request, failed response or console
    # error (a CSP violation is one).
    assert page.watch.foreign_requests == []
