"""Real-Chromium tests: Debian's Chromium driven by Playwright, never a downloaded browser.

Without Chromium the tests are skipped, unless NYTTE_REQUIRE_BROWSER=1 (as in CI), where a
missing browser is a failure.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest

import nytte
from tests.demo_snapshot import restore

# Playwright's sync API runs an event loop in this thread; the ORM calls in these tests are
# made outside it, but Django cannot tell, so allow them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")

CHROMIUM = os.environ.get("NYTTE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(nytte.__file__).parent / "static" / "vendor" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Every rule of the tags runs and every violating node is reported; ``resultTypes`` only spares
# axe from building selectors for each node that passes (most of a page's time in axe).
AXE_RUN = """async (tags) => await axe.run(document, {
  runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'],
})"""
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("NYTTE_REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(f"Chromium not found at {CHROMIUM} (NYTTE_REQUIRE_BROWSER=1)")
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}")
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def demo(transactional_db, demo_snapshot) -> None:
    """The whole demo (logins: the demo's users, password ``nytte-demo``), copied in and
    committed so the live server sees it: a fraction of a second, where loading it takes
    seconds (``tests/demo_snapshot.py``)."""
    restore(demo_snapshot)


class PageWatch:
    """What a page asked for outside its own host, and what it complained about."""

    def __init__(self) -> None:
        self.foreign_requests: list[str] = []
        self.console_errors: list[str] = []
        self.failed_responses: list[str] = []


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="nb-NO", base_url=live_server.url)
    page = context.new_page()
    watch = PageWatch()

    def on_request(request) -> None:
        host = urlparse(request.url).hostname or ""
        if request.url.startswith(("http://", "https://")) and host not in LOCAL_HOSTS:
            watch.foreign_requests.append(request.url)

    page.on("request", on_request)
    page.on(
        "response",
        lambda r: watch.failed_responses.append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )

    def on_console(msg) -> None:
        # The page's address (and the resource's, where the browser names one) say where.
        if msg.type == "error":
            where = (msg.location or {}).get("url") or page.url
            watch.console_errors.append(f"{msg.text} [{where}]")

    page.on("console", on_console)
    page.watch = watch
    yield page
    context.close()
    assert watch.foreign_requests == [], "pages must make no third-party requests"
    assert watch.failed_responses == [], "every resource a page loads must exist"
    assert watch.console_errors == [], "the page logged errors (CSP violations show up here)"


@functools.cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def assert_accessible(page) -> None:
    """Run axe-core on the page and fail on any WCAG 2.1 A/AA violation."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    result = page.evaluate(AXE_RUN, WCAG_TAGS)
    violations = [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "targets": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
    ]
    assert violations == [], json.dumps(violations, indent=2, ensure_ascii=False)
