"""The benefits map and who pays / who benefits as their pages show them, cached under the
programme's portfolio version (``core.registercache``).

The pages, the API and the warm task (``benefits.warm``) all ask here, so they compute the
same data under the same keys: what the worker warms after a change is what the next page
view finds. The follow-up's counterpart is ``follow_up.cached_follow_up``.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from nytte.core import registercache
from nytte.core.actors import Actor
from nytte.core.models import Organisation, Programme
from nytte.core.registercache import cached_for_register

from . import charts
from .flows import FlowRows, build_flows, flow_rows
from .map import MapRows, build_map, map_rows

# Lists of benefits on the analysis pages (who pays, the follow-up) show this many.
LIST_LIMIT = 100
# The benefits map draws its diagram up to this many boxes, and lists this many benefits
# under each goal.
MAP_DIAGRAM_LIMIT = 300
MAP_LIST_LIMIT = 25


class MapPages:
    """The map's diagram and the head of its lists, whole or for one organisation, cached
    under the portfolio version: reading and arranging every benefit and initiative is the
    page's whole cost. On a miss the rows are read once for both."""

    def __init__(self, programme: Programme, user: Actor) -> None:
        self.programme, self.user = programme, user
        self._rows: MapRows | None = None

    def rows(self) -> MapRows:
        if self._rows is None:
            self._rows = map_rows(programme=self.programme, user=self.user)
        return self._rows

    def organisations(self) -> list[Organisation]:
        """The filter's choices: owners of initiatives and benefits, and places."""
        return cached_for_register(
            self.programme,
            "benefits-map-organisations",
            compute=lambda: self.rows().organisations,
            reads=registercache.PORTFOLIO,
        )

    def get(self, organisation: int | None) -> dict[str, Any]:
        """``{"map": BenefitsMap, "layout": the diagram, or None past the limit}``."""

        def compute() -> dict[str, Any]:
            data = build_map(
                self.rows(),
                organisation=organisation,
                limit=MAP_LIST_LIMIT,
                whole_up_to=MAP_DIAGRAM_LIMIT,
            )
            # A diagram of thousands of boxes is megabytes that nobody can read: past the
            # limit the page asks for a filter, and the lists show the first benefits of
            # each goal.
            drawn = data.benefit_count + len(data.idle) <= MAP_DIAGRAM_LIMIT
            slug = self.programme.slug
            return {"map": data, "layout": charts.map_layout(data, slug=slug) if drawn else None}

        return cached_for_register(
            self.programme,
            "benefits-map",
            organisation,
            compute=compute,
            reads=registercache.PORTFOLIO,
        )


class FlowPages:
    """The matrix, its chart and the head of its lists, whole or filtered, cached under the
    portfolio version: walking every cost line and benefit is the page's whole cost. On a
    miss the rows are read once for both."""

    def __init__(self, programme: Programme, user: Actor) -> None:
        self.programme, self.user = programme, user
        self._rows: FlowRows | None = None

    def rows(self) -> FlowRows:
        if self._rows is None:
            self._rows = flow_rows(programme=self.programme, user=self.user)
        return self._rows

    def get(self, initiative: int | None, organisation: int | None) -> dict[str, Any]:
        """``{"organisations": the filter's choices, "flows": Flows, "chart": the sankey}``."""

        def compute() -> dict[str, Any]:
            rows = self.rows()
            data = build_flows(
                rows, initiative=initiative, organisation=organisation, limit=LIST_LIMIT
            )
            return {
                "organisations": rows.organisations,
                "flows": data,
                "chart": charts.sankey(data),
            }

        # Present values are discounted to the programme's first year, else to this year.
        year = timezone.localdate().year
        return cached_for_register(
            self.programme,
            "flows",
            year,
            initiative,
            organisation,
            compute=compute,
            reads=registercache.PORTFOLIO,
        )
