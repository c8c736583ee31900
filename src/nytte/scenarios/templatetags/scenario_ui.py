"""Number formats for scenario pages: NOK million and percentages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def mnok(value: Any, digits: int = 1) -> str:
    """An amount in NOK as NOK million, formatted for the language; "–" for none."""
    if value is None or value == "":
        return "–"
    return number_format(float(value) / 1e6, digits, use_l10n=True, force_grouping=True)


@register.filter
def pct(value: Any, digits: int = 1) -> str:
    if value is None:
        return "–"
    return number_format(float(value) * 100, digits, use_l10n=True) + " %"


@register.filter
def per_krone(value: Any) -> str:
    """A marginal value (value per krone), three decimals."""
    if value is None:
        return "–"
    return number_format(float(value), 3, use_l10n=True)
