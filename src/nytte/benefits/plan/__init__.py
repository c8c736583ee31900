"""The benefits realisation plan (gevinstrealiseringsplan) of an initiative or a programme,
as plain data in the structure of domain.md §5.

``build_plan`` reads the register in a fixed number of queries and returns a dict of plain
JSON values (str, int, float, bool, None, list, dict; dates as ISO strings). A saved version
is that dict frozen in ``RealisationPlan.content``, and the page, the DOCX and the Excel
workbook all render from the dict alone, so an old version renders as it was even after the
register has changed. Labels of choices are looked up when rendering (``display``), so a
version saved in one language reads in the other.

The rules that decide where a krone lands are small functions below, each tested on its own:

- the plan counts each benefit at ``plan_fraction``: the initiative's share for an initiative
  plan (never the whole benefit when it is shared), the whole benefit once for the programme;
- the "own agency" (``own_agency_ids``) is the initiative's owner organisation for an
  initiative plan, and for a programme plan the owner organisations of the initiatives that
  contribute to the benefit in question;
- ``split_amount`` puts a priced amount into the overview's parts: an efficiency gain arising
  in the own agency is budget effect (the share to be cut from budgets) and freed capacity
  (the rest); priced benefits in other public bodies (municipalities included) are "elsewhere
  in the public sector"; priced gains for citizens, businesses and the private sector are
  shown in a part of their own, since they are outside the public sector; non-priced benefits
  are "non-priced effects" wherever they arise. A priced benefit the rules cannot place (it
  arises nowhere, or a gain for others is said to arise in the own agency) is listed as such
  rather than guessed.
"""

from __future__ import annotations

from .build import build_pieces, build_plan, plan_benefit_data, plan_summary
from .data import plan_initiatives
from .display import arises_in, display, label, number_text
from .rules import (
    BUDGET,
    CAPACITY,
    ELSEWHERE_PUBLIC,
    NON_PRICED,
    OUTSIDE,
    OUTSIDE_PUBLIC,
    OWN,
    PART_ORDER,
    PLAN_FORMAT,
    PUBLIC,
    UNKNOWN,
    UNPLACED,
    attributed_amount,
    budget_effect,
    own_agency_ids,
    parts_of,
    plan_fraction,
    sector_of,
    split_amount,
    unplaced_reason,
    whole_kroner,
)

__all__ = [
    "BUDGET",
    "CAPACITY",
    "ELSEWHERE_PUBLIC",
    "NON_PRICED",
    "OUTSIDE",
    "OUTSIDE_PUBLIC",
    "OWN",
    "PART_ORDER",
    "PLAN_FORMAT",
    "PUBLIC",
    "UNKNOWN",
    "UNPLACED",
    "arises_in",
    "attributed_amount",
    "budget_effect",
    "build_pieces",
    "build_plan",
    "display",
    "label",
    "number_text",
    "own_agency_ids",
    "parts_of",
    "plan_benefit_data",
    "plan_fraction",
    "plan_initiatives",
    "plan_summary",
    "sector_of",
    "split_amount",
    "unplaced_reason",
    "whole_kroner",
]
