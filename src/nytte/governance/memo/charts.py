"""Charts for the memo: Vega-Lite specifications built from an option's figures, and any
spec drawn to a PNG image with vl-convert (a wheel with its own JavaScript engine — no
browser, no system libraries).

Rendering never leaves the process: a spec whose data or images name a URL is refused before
vl-convert sees it (vl-convert would read ``file:`` URLs even with no base URL allowed), and
external requests are disallowed as well. Axis numbers follow the active language.
"""

from __future__ import annotations

import functools
import json
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import vl_convert
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from nytte.core.charts import VEGA_LITE

from .content import Chart, Option
from .text import DASH, share

SCALE = 2  # pixels per point: sharp in print, small enough to mail
FONT = "Liberation Sans, Arial, sans-serif"
# d3-format's locale for bokmål (d3 ships none): no-break space groups, decimal comma.
NB_FORMAT = {"decimal": ",", "thousands": "\u00a0", "grouping": [3], "currency": ["", "\u00a0kr"]}


class ChartError(ValueError):
    """The spec cannot be drawn into a document (it names a URL, or Vega-Lite refused it)."""


@dataclass(frozen=True)
class Picture:
    """A drawn chart: PNG bytes and its size in points (pixels divided by ``SCALE``)."""

    png: bytes
    width: float
    height: float


def render_png(spec: Mapping[str, Any]) -> Picture:
    """``spec`` drawn as a PNG in the active language's number format. The last few drawings
    are kept, so a memo exported as Word and then as PDF draws its charts once."""
    if _names_url(spec):
        raise ChartError(
            pgettext("memo", "A chart in a memo must carry its data; it may not name a URL.")
        )
    language = translation.get_language() or "nb"
    text = json.dumps(spec, sort_keys=True, default=_plain)
    return _draw(text, "nb" if language.startswith("nb") else "en")


def _plain(value: Any) -> Any:
    """JSON for what ``json`` does not know: amounts as numbers, dates as ISO text."""
    return float(value) if isinstance(value, Decimal) else str(value)


@functools.lru_cache(maxsize=32)
def _draw(spec: str, language: str) -> Picture:
    locale: Any = NB_FORMAT if language == "nb" else "en-GB"
    try:
        png = vl_convert.vegalite_to_png(
            spec,
            scale=SCALE,
            config={"font": FONT},
            allowed_base_urls=[],
            format_locale=locale,
        )
    except ValueError as error:
        raise ChartError(str(error)) from error
    width, height = struct.unpack(">II", png[16:24])  # the PNG header's IHDR chunk
    return Picture(png, width / SCALE, height / SCALE)


def _names_url(value: Any) -> bool:
    if isinstance(value, Mapping):
        return any(
            key in ("url", "href") or _names_url(item) for key, item in value.items()
        ) or "image" in (value.get("type"), value.get("mark"))
    if isinstance(value, list | tuple):
        return any(_names_url(item) for item in value)
    return False


# ---------------------------------------------------------------------------------------------
# Specs built from an option


def funding_split_chart(option: Option) -> Chart | None:
    """Who pays beside who gains: each organisation's share of the cost and of the benefits,
    side by side. ``None`` without a funding split."""
    if not option.funding:
        return None
    cost, benefit = pgettext("memo", "Share of the cost"), pgettext("memo", "Share of the benefits")
    values = []
    for row in option.funding:
        values.append(
            {"organisation": row.organisation, "measure": cost, "share": float(row.share)}
        )
        if row.benefit_share is not None:
            values.append(
                {
                    "organisation": row.organisation,
                    "measure": benefit,
                    "share": float(row.benefit_share),
                }
            )
    spec = {
        "$schema": VEGA_LITE,
        "data": {"values": values},
        "mark": "bar",
        "width": 360,
        "encoding": {
            "y": {"field": "organisation", "type": "nominal", "title": None},
            "yOffset": {"field": "measure", "sort": [cost, benefit]},
            "x": {
                "field": "share",
                "type": "quantitative",
                "axis": {"format": ".0%"},
                "title": None,
            },
            "color": {
                "field": "measure",
                "type": "nominal",
                "sort": [cost, benefit],
                "title": None,
                "legend": {"orient": "bottom"},
            },
        },
    }
    lines = [
        pgettext("memo", "%(organisation)s pays %(cost)s and gains %(benefit)s")
        % {
            "organisation": row.organisation,
            "cost": share(row.share),
            "benefit": share(row.benefit_share) if row.benefit_share is not None else DASH,
        }
        for row in option.funding
    ]
    return Chart(
        title=pgettext("memo", "Who pays and who gains: %(option)s") % {"option": option.name},
        spec=spec,
        description="; ".join(lines) + ".",
    )


def costs_chart(option: Option) -> Chart | None:
    """The option's costs per year, stacked by paying organisation. ``None`` without costs."""
    if not option.costs:
        return None
    nok = _("NOK")
    spec = {
        "$schema": VEGA_LITE,
        "data": {
            "values": [
                {"organisation": c.organisation, "year": str(c.year), "amount": float(c.amount)}
                for c in option.costs
            ]
        },
        "mark": "bar",
        "width": 360,
        "encoding": {
            "x": {"field": "year", "type": "ordinal", "title": None, "axis": {"labelAngle": 0}},
            "y": {"field": "amount", "type": "quantitative", "aggregate": "sum", "title": nok},
            "color": {
                "field": "organisation",
                "type": "nominal",
                "title": None,
                "legend": {"orient": "bottom"},
            },
        },
    }
    years = sorted({c.year for c in option.costs})
    return Chart(
        title=pgettext("memo", "Costs per year: %(option)s") % {"option": option.name},
        spec=spec,
        description=pgettext(
            "memo", "Costs by paying organisation for %(first)s–%(last)s; see the table."
        )
        % {"first": years[0], "last": years[-1]},
    )
