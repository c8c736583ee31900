"""Template helpers: Designsystemet markup for form fields, safe Markdown, status colours."""

from __future__ import annotations

import re

import markdown
import nh3
from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

register = template.Library()

WIDGET_CLASS = {
    forms.Select: "ds-input",
    forms.SelectMultiple: "ds-input",
    forms.Textarea: "ds-input",
    forms.CheckboxInput: "ds-input",
    forms.RadioSelect: "",
    forms.CheckboxSelectMultiple: "",
}


@register.filter
def ds_widget(field: BoundField) -> SafeString:
    """The field's widget with the design-system class and its description/error links."""
    widget = field.field.widget
    css = next((c for t, c in WIDGET_CLASS.items() if isinstance(widget, t)), "ds-input")
    attrs: dict[str, str] = {}
    if css:
        attrs["class"] = " ".join(filter(None, [widget.attrs.get("class", ""), css]))
    described = []
    if field.help_text:
        described.append(f"{field.id_for_label}-help")
    if field.errors:
        described.append(f"{field.id_for_label}-error")
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


# Markdown written by programme staff is shown to everyone in the programme, so the HTML it
# produces passes an allow-list: no scripts, styles, images or event handlers get through.
MARKDOWN_TAGS = {
    "p", "br", "hr", "strong", "em", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
MARKDOWN_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}
HEADING = re.compile(r"<(/?)h([1-6])>")


def _shift_heading(match: re.Match[str]) -> str:
    # Markdown headings sit under the page's h1 and the section's h2.
    return f"<{match.group(1)}h{min(int(match.group(2)) + 2, 6)}>"


@register.filter(name="markdown")
def markdown_filter(text: str | None) -> SafeString:
    """Markdown to sanitised HTML, with headings pushed below the section heading."""
    if not text:
        return mark_safe("")
    html = HEADING.sub(_shift_heading, markdown.markdown(text, extensions=["tables"]))
    cleaned = nh3.clean(
        html,
        tags=MARKDOWN_TAGS,
        attributes=MARKDOWN_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
    )
    # A table scrolls in its own named box, like every table in the pages (added after nh3,
    # which allows no attributes on tables).
    box = (
        '<div class="table-scroll" tabindex="0" role="region" aria-label="{}">'
        '<table class="ds-table" data-border data-size="sm">'
    ).format(escape(gettext("Table")))
    cleaned = cleaned.replace("<table>", box).replace("</table>", "</table></div>")
    return mark_safe(cleaned)  # sanitised by nh3 just above; the box is our own markup


# Status colours map onto Designsystemet's semantic colours; the text is always shown too.
STATUS_DS_COLOUR = {"green": "success", "yellow": "warning", "red": "danger"}


@register.filter
def ds_status_colour(status: str) -> str:
    """The Designsystemet ``data-color`` for a green/yellow/red status."""
    return STATUS_DS_COLOUR.get(status, "neutral")
