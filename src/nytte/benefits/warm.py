"""What the first views of the benefits pages after a change compute, computed by
``nytte worker`` instead (registered with ``core.registercache.register_warmer`` in
``BenefitsConfig.ready``): the benefits map and who pays as they open (no filter), the
follow-up with the programme's tolerance, the register's totals, and the summary of the
programme's realisation plan. Each goes through the
same cached function as its page, so the keys are the page's."""

from __future__ import annotations

from nytte.core import registercache
from nytte.core.actors import SYSTEM
from nytte.core.models import Programme

from . import analysis, selectors
from .plan.paging import current_summary
from .totals import register_totals


def warm_portfolio(programme: Programme) -> None:
    """The data kept under the portfolio version: the map, who pays, the register's totals,
    in each language from rows read once (they hold no text). As the system, which sees
    what every reader of the programme sees."""
    maps = analysis.MapPages(programme, SYSTEM)
    flows = analysis.FlowPages(programme, SYSTEM)
    benefits = selectors.benefit_list(programme=programme, user=SYSTEM)
    for _language in registercache.in_each_language():
        maps.organisations()
        maps.get(None)
        flows.get(None, None)
        register_totals(programme, benefits)


def warm_follow_up(programme: Programme) -> None:
    """The follow-up dashboard as it opens, kept under the portfolio and realisation
    versions: after a recorded measurement it is brought up to date from the last summary."""
    analysis.cached_follow_up(programme=programme, user=SYSTEM, limit=analysis.LIST_LIMIT)


def warm_plan(programme: Programme) -> None:
    """The summary of the programme's realisation plan (a few seconds at national size),
    kept under the portfolio version; it holds no text, so once serves every language."""
    current_summary(programme, SYSTEM)
