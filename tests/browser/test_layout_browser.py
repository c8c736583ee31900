"""Every page fits the screen, in real Chromium, on the demo as its facilitator sees it.

The test walks the demo from the home page, following links, and keeps one page of each kind
(portfolio, an initiative and each of its tabs, benefits pages, cost-benefit, co-funding,
proposals list/board/matrix/queue and a proposal's tabs, criteria, plans, home). At 1366 px
(a laptop) and at 390 px (a phone) the page itself must never scroll sideways: wide tables
scroll inside their own box, which is keyboard-reachable and named. axe-core checks each page
once, at the laptop width.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1366, 390)
SKIP = re.compile(
    r"(\.xlsx|\.docx|\.csv|\.json|/docx/|/xlsx/|/export|/download|/logout/|/admin|/api/|/new/|/edit|/import)"
)
# Families every walk must have found, so a broken link cannot make the test pass by omission.
REQUIRED = (
    "/",
    "/p/P/",
    "/p/P/portfolio/",
    "/p/P/initiatives/",
    "/p/P/initiatives/X/",
    "/p/P/initiatives/X/?tab=costs",
    "/p/P/initiatives/X/cost-benefit/",
    "/p/P/initiatives/X/co-funding/",
    "/p/P/benefits/",
    "/p/P/benefits/X/",
    "/p/P/realisation-plan/",
    "/p/P/proposals/",
    "/p/P/proposals/board/",
    "/p/P/proposals/matrix/",
    "/p/P/proposals/criteria/",
    "/p/P/proposals/N/",
    "/queue/",
)


def family(path: str) -> str:
    """One key per kind of page: codes, numbers and programme slugs made alike."""
    path = re.sub(r"^/p/[^/]+/", "/p/P/", path)
    path = re.sub(r"/[A-Z]{1,3}-\d+/", "/X/", path)
    path = re.sub(r"/v\d+/", "/vN/", path)
    return re.sub(r"/\d+/", "/N/", path)


def _links(page) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    found = []
    for href in hrefs:
        if not href or not href.startswith("/") or SKIP.search(href):
            continue
        href = href.split("#")[0]
        if "?" in href:  # keep a tab, drop filters, sorting and paging
            base, query = href.split("?", 1)
            first = query.split("&")[0]
            href = f"{base}?{first}" if first.startswith("tab=") else base
        found.append(href)
    return found


def _walk(page, check, limit: int = 120) -> dict[str, str]:
    """Follow links from the home page, keeping one page of each family; ``check`` looks
    at each page kept while it is loaded, so the walk is also the first width's pass."""
    pages: dict[str, str] = {}
    queue, seen = ["/"], set()
    while queue and len(pages) < limit:
        path = queue.pop(0)
        if path in seen or family(path) in pages:
            continue
        seen.add(path)
        try:
            response = page.goto(path)
        except PlaywrightError:  # a link that downloads a file
            continue
        if response is None or response.status != 200:
            continue
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        pages[family(path)] = path
        check(path)
        queue.extend(link for link in _links(page) if link not in seen)
    return pages


OVERFLOW = """() => ({
  scroll: document.documentElement.scrollWidth,
  view: window.innerWidth,
  unboxed: [...document.querySelectorAll('main table')]
    .filter(t => !t.closest('.table-scroll[tabindex="0"][role="region"]'))
    .map(t => (t.caption ? t.caption.textContent : t.outerHTML).trim().slice(0, 80)),
  unnamed: [...document.querySelectorAll('.table-scroll')]
    .filter(b => !(b.getAttribute('aria-label') || '').trim() && !b.getAttribute('aria-labelledby'))
    .map(b => b.outerHTML.slice(0, 80)),
})"""


def test_no_page_scrolls_sideways_on_a_laptop_or_a_phone(page, demo):
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    page.goto("/login/")
    page.locator("#id_username").fill("fasilitator")
    page.locator("#id_password").fill("nytte-demo")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()

    problems: list[str] = []

    def check(path: str, width: int) -> None:
        page.wait_for_load_state("load")
        found = page.evaluate(OVERFLOW)
        if found["scroll"] > width:
            problems.append(f"{width} px: {path} is {found['scroll'] - width} px too wide")
        if found["unboxed"]:
            problems.append(f"{path}: tables outside a scroll region: {found['unboxed']}")
        if found["unnamed"]:
            problems.append(f"{path}: unnamed table regions: {found['unnamed']}")
        if width == WIDTHS[0]:
            assert_accessible(page)

    # The walk is the laptop pass (each page is checked as it is found); each page is then
    # loaded afresh at the phone's width, so charts and layout are drawn for that width.
    pages = _walk(page, lambda path: check(path, WIDTHS[0]))
    missing = [f for f in REQUIRED if f not in pages]
    assert missing == [], f"the walk did not reach {missing}"

    for width in WIDTHS[1:]:
        page.set_viewport_size({"width": width, "height": 900})
        for path in pages.values():
            page.goto(path)
            check(path, width)
    assert problems == [], "\n".join(problems)
