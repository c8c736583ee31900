"""Template filters of the realisation plan page."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

register = template.Library()

MEASUREMENT_ROW = (
    "<tr>\n"
    '<th scope="row"><time datetime="{}">{}</time></th>\n'
    '<td class="numeric">{}</td>\n'
    "<td>{}</td>\n"
    "<td>{}</td>\n"
    "</tr>"
)


@register.filter
def measurement_rows(measurements: Iterable[dict[str, Any]]) -> SafeString:
    """An indicator's measurements (from ``plan.display``; a saved version's may lack a
    key, shown empty as the template would) as the rows of its table, each value escaped:
    a plan lists hundreds, and joined here they cost a fraction of a template loop over
    their cells."""
    return format_html_join(
        "\n",
        MEASUREMENT_ROW,
        (
            (
                m.get("date_iso", ""),
                m.get("date_text", ""),
                m.get("value_text", ""),
                m.get("source") or "–",
                m.get("comment") or "–",
            )
            for m in measurements
        ),
    )
