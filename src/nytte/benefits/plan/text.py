"""Formatting a plan's values as text, shared by the Word document and the workbook."""

from __future__ import annotations

from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from nytte.core.docx import clean

from .display import number_text

__all__ = ["clean"]  # re-exported: the workbook and the document clean text alike

# ---------------------------------------------------------------------------------------------
# Formatting (also used by the workbook for its text cells)


def nok(value: int | float | None) -> str:
    """Whole kroner with the language's thousands separator."""
    if value is None:
        return ""
    return formats.number_format(round(value), 0, use_l10n=True, force_grouping=True)


def number(value: int | float | None) -> str:
    """A measured value: no decimals when whole, otherwise up to four."""
    return number_text(value)


def percent(value: int | float | None) -> str:
    if value is None:
        return ""
    places = 0 if float(value).is_integer() else 1
    return f"{formats.number_format(value, places, use_l10n=True)} %"


def day(value: Any) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else ""


def yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def goal_text(goal: dict[str, Any] | None) -> str:
    return f"{goal['code']} {goal['title']}" if goal else ""


def owner_text(organisation: str, person: str) -> str:
    return ", ".join(p for p in (organisation, person) if p)


def plan_title(plan: dict[str, Any]) -> str:
    """ "Benefits realisation plan: FI-1 Title" or "…: Programme name"."""
    if plan.get("initiative"):
        scope = f"{plan['initiative']['code']} {plan['initiative']['title']}"
    else:
        scope = plan["programme"]["name"]
    return _("Benefits realisation plan: %(scope)s") % {"scope": scope}


def version_text(version: dict[str, Any] | None, plan: dict[str, Any]) -> str:
    """What this document is: the current plan as built today, or a saved version."""
    if version is None:
        return _("Current plan, built %(date)s from the benefits register.") % {
            "date": day(plan["built_on"])
        }
    text = _("Version %(version)s, saved %(date)s by %(who)s.") % {
        "version": version["version"],
        "date": day(version["saved_at"]),
        "who": version.get("saved_by") or _("the system"),
    }
    if version.get("note"):
        text += " " + _("What changed: %(note)s") % {"note": version["note"]}
    return text


def own_agency_rule(plan: dict[str, Any]) -> str:
    if plan["scope"] == "initiative":
        return _(
            "Own agency means the initiative's owning organisation (%(organisation)s). "
            "Amounts are the initiative's attributed share of each benefit."
        ) % {"organisation": plan["initiative"]["owner_organisation"]}
    return _(
        "Own agency means, for each benefit, the owning organisations of the initiatives that "
        "contribute to it. Each benefit is counted once, at its full amount."
    )
