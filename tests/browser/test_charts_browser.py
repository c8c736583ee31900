"""The charts as pictures, in real Chromium on the demo: on a laptop and on a phone every chart
is drawn at a readable size inside its box, in the page's font, no two of its texts overlap
and none is cut at the chart's edge; numbers are written the Norwegian way."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What every drawn chart looks like, measured on its SVG.
MEASURE = """(chart) => {
  const svg = chart.querySelector('svg');
  if (!svg) return null;
  const box = svg.getBoundingClientRect();
  // Labels an axis hides so they do not collide (labelOverlap) stay in the SVG, transparent.
  const visible = (el, stop) => {
    for (let e = el; e && e !== stop; e = e.parentElement) {
      const hidden = e.getAttribute('opacity') === '0';
      if (hidden || parseFloat(getComputedStyle(e).opacity) === 0) return false;
    }
    return true;
  };
  const texts = [...svg.querySelectorAll('text')]
    .filter(t => t.textContent.trim() && t.getBBox().width > 0 && visible(t, svg))
    .map(t => {
      const r = t.getBoundingClientRect();
      const style = getComputedStyle(t);
      return {text: t.textContent.trim(), left: r.left, right: r.right, top: r.top,
              bottom: r.bottom, font: style.fontFamily, size: parseFloat(style.fontSize)};
    });
  return {width: box.width, height: box.height, container: chart.clientWidth,
          left: box.left, right: box.right, top: box.top, bottom: box.bottom, texts};
}"""


def _overlaps(a: dict, b: dict, slack: float = 1.0) -> bool:
    return (
        a["left"] + slack < b["right"]
        and b["left"] + slack < a["right"]
        and a["top"] + slack < b["bottom"]
        and b["top"] + slack < a["bottom"]
    )


def chart_problems(found: dict) -> list[str]:
    problems = []
    if found["width"] < 240 or found["height"] < 120:
        problems.append(f"too small: {found['width']:.0f}×{found['height']:.0f} px")
    if found["width"] > found["container"] + 1:
        problems.append(f"wider ({found['width']:.0f} px) than its box ({found['container']})")
    texts = found["texts"]
    for i, a in enumerate(texts):
        if "Inter" not in a["font"]:
            problems.append(f"{a['text']!r} is in {a['font']}")
        if a["size"] < 11.5:
            problems.append(f"{a['text']!r} is {a['size']} px")
        if (
            a["left"] < found["left"] - 1
            or a["right"] > found["right"] + 1
            or a["top"] < found["top"] - 1
            or a["bottom"] > found["bottom"] + 1
        ):
            problems.append(f"{a['text']!r} is cut at the chart's edge")
        problems.extend(
            f"{a['text']!r} overlaps {b['text']!r}" for b in texts[i + 1 :] if _overlaps(a, b)
        )
    return problems


def _pages() -> list[str]:
    from nytte.costbenefit.demo import TITLE
    from nytte.proposals.models import Proposal

    proposal = Proposal.objects.select_related("programme").get(title=TITLE)
    slug = proposal.programme.slug
    return [
        f"/p/{slug}/initiatives/FI-11/cost-benefit/",  # histogram, S-curve, tornado
        f"/p/{slug}/proposals/{proposal.number}/cost-benefit/",  # two alternatives
        f"/p/{slug}/portfolio/",  # costs per year, roadmap
        f"/p/{slug}/proposals/matrix/",
        f"/p/{slug}/benefits/G-01/?tab=realisation",
    ]


def test_charts_are_readable_on_a_laptop_and_a_phone(page, demo):
    pages = _pages()
    page.goto("/login/")
    page.locator("#id_username").fill("fasilitator")
    page.locator("#id_password").fill("nytte-demo")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()

    problems, drawn, tick_texts = [], 0, []
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for path in pages:
            page.goto(path)
            charts = page.locator("[data-chart]")
            for index in range(charts.count()):
                chart = charts.nth(index)
                chart.scroll_into_view_if_needed()
                chart.locator("svg").wait_for()
                found = chart.evaluate(MEASURE)
                drawn += 1
                tick_texts += [t["text"] for t in found["texts"]]
                problems += [
                    f"{width} px {path} chart {index + 1}: {p}" for p in chart_problems(found)
                ]
    assert drawn >= 12, "the demo's charts were not drawn"
    assert problems == [], "\n".join(problems)
    # Norwegian numbers: a true minus, a decimal comma, never a decimal point or a ",0" tail.
    numbers = [t for t in tick_texts if t.replace("\u2212", "").replace(",", "").isdigit()]
    assert numbers, "no numeric tick labels found"
    assert not [t for t in numbers if t.endswith(",0")], "whole numbers are written without ,0"
    assert not [t for t in tick_texts if t.startswith("-") and t[1:2].isdigit()]


def test_overlap_check_sees_overlapping_boxes():
    a = {"text": "P10", "left": 0, "right": 20, "top": 0, "bottom": 10}
    b = {"text": "P50", "left": 10, "right": 30, "top": 5, "bottom": 15}
    c = {"text": "P90", "left": 40, "right": 60, "top": 5, "bottom": 15}
    assert _overlaps(a, b) and not _overlaps(a, c)
