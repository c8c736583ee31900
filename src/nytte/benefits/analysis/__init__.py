"""The benefits map, who pays and who benefits, and the follow-up dashboard, with the
pages' cached data (``pages``, ``cached_follow_up``) that views, the API and the warm task share.

Selectors read in a fixed number of queries whatever the register's size. The arithmetic
(present values, splitting a benefit among initiatives and their payers, the follow-up
checks) sits in small pure functions, so each rule can be checked by hand in a test.

A benefit is one object however many initiatives contribute to it: every figure here counts
it once, and an initiative gets the benefit's value times its attributed share.
"""

from __future__ import annotations

from .common import (
    NO_PLACE,
    UNTIED,
    base_year,
    group_key,
    organisation_key,
    place_key,
    present_value,
    year_factor,
)
from .flows import (
    FlowBenefit,
    FlowRows,
    Flows,
    Party,
    PricedBenefit,
    allocate,
    build_flows,
    flow_cells,
    flow_rows,
    flows,
)
from .follow_up import (
    Followed,
    FollowUp,
    IndicatorState,
    Summary,
    cached_follow_up,
    follow_up,
    summarise,
)
from .map import BenefitsMap, MapRows, benefits_map, build_map, map_rows
from .pages import LIST_LIMIT, MAP_DIAGRAM_LIMIT, MAP_LIST_LIMIT, FlowPages, MapPages

__all__ = [
    "LIST_LIMIT",
    "MAP_DIAGRAM_LIMIT",
    "MAP_LIST_LIMIT",
    "NO_PLACE",
    "UNTIED",
    "BenefitsMap",
    "FlowBenefit",
    "FlowPages",
    "FlowRows",
    "Flows",
    "FollowUp",
    "Followed",
    "IndicatorState",
    "MapPages",
    "MapRows",
    "Party",
    "PricedBenefit",
    "Summary",
    "allocate",
    "base_year",
    "benefits_map",
    "build_flows",
    "build_map",
    "cached_follow_up",
    "flow_cells",
    "flow_rows",
    "flows",
    "follow_up",
    "group_key",
    "map_rows",
    "organisation_key",
    "place_key",
    "present_value",
    "summarise",
    "year_factor",
]
