"""How anchoring states are written on pages: always as text in a tag, the colour only
repeating what the text says (the heat-map must not rely on colour alone)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from ..choices import AnswerStatus

register = template.Library()

STATES = {
    AnswerStatus.YES: ("success", AnswerStatus.YES.label),
    AnswerStatus.PARTLY: ("warning", AnswerStatus.PARTLY.label),
    AnswerStatus.NO: ("danger", AnswerStatus.NO.label),
    AnswerStatus.NOT_RELEVANT: ("neutral", AnswerStatus.NOT_RELEVANT.label),
    "unanswered": ("neutral", _("Not answered")),
    "flagged": ("danger", _("Missing: KS required")),
    "committed": ("success", _("Committed")),
    "not_committed": ("danger", _("Not committed")),
    "not_recorded": ("warning", _("Not recorded")),
}


@register.simple_tag
def state_tag(state: str) -> SafeString:
    """A Designsystemet tag with the state's text; "" (not taking part) is a dash."""
    if not state:
        return format_html(
            '<span aria-hidden="true">–</span><span class="visually-hidden">{}</span>',
            _("Not taking part"),
        )
    colour, label = STATES.get(state, ("neutral", state))
    return format_html(
        '<span class="ds-tag" data-color="{}" data-size="sm">{}</span>', colour, label
    )


@register.filter
def get(mapping: dict, key: object) -> object:
    return mapping.get(key, "") if mapping else ""
