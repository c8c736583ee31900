"""The benefits map: initiatives → benefits → impact goals → societal goal."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from nytte.core.actors import Actor
from nytte.core.models import Organisation, Programme
from nytte.core.registercache import Head
from nytte.portfolio.choices import GoalLevel
from nytte.portfolio.models import Goal, Initiative

from .. import selectors
from ..models import Benefit

# ---------------------------------------------------------------------------------------------
# The benefits map


@dataclass
class ImpactBranch:
    goal: Goal | None  # None: benefits that serve no impact goal
    benefits: list[Benefit]


@dataclass
class SocietalBranch:
    goal: Goal | None  # None: impact goals without a societal goal above them
    impacts: list[ImpactBranch]


@dataclass
class BenefitsMap:
    branches: list[SocietalBranch]
    unlinked: list[Benefit]  # benefits without an impact goal
    idle: list[Initiative]  # initiatives that contribute to no benefit shown
    organisations: list[Organisation]  # choices for the filter
    benefit_count: int
    initiative_count: int

    @property
    def impact_branches(self) -> list[ImpactBranch]:
        return [impact for branch in self.branches for impact in branch.impacts]

    def head(self, limit: int) -> BenefitsMap:
        """The first ``limit`` benefits of each goal, unlinked and idle initiatives, each list
        still counting all (what the page's lists show)."""
        branches = [
            SocietalBranch(
                goal=branch.goal,
                impacts=[
                    ImpactBranch(goal=impact.goal, benefits=Head(impact.benefits, limit))
                    for impact in branch.impacts
                ],
            )
            for branch in self.branches
        ]
        return replace(
            self,
            branches=branches,
            unlinked=Head(self.unlinked, limit),
            idle=Head(self.idle, limit),
        )


def benefit_matches(benefit: Benefit, organisation: int) -> bool:
    """A benefit arising in or owned by the organisation, or one that an initiative it owns
    contributes to (contributions with their initiatives prefetched)."""
    return (
        benefit.arises_in_organisation_id == organisation
        or benefit.owner_organisation_id == organisation
        or any(
            c.initiative.owner_organisation_id == organisation for c in benefit.contributions.all()
        )
    )


@dataclass
class MapRows:
    """What the map is drawn from, read once per page."""

    goals: list[Goal]
    benefits: list[Benefit]  # contributions prefetched, their initiatives with owners
    initiatives: list[Initiative]
    organisations: list[Organisation]  # owners of initiatives and benefits, places, by name


def map_rows(*, programme: Programme, user: Actor) -> MapRows:
    """Goals, benefits with contributions, and initiatives with owners (four queries)."""
    goals = list(Goal.objects.filter(programme=programme).order_by("code"))
    benefits = list(selectors.benefit_list(programme=programme, user=user).order_by("code"))
    initiatives = list(
        Initiative.objects.filter(programme=programme)
        .select_related("programme", "owner_organisation")
        .order_by("code")
    )
    organisations: dict[int, Organisation] = {}
    by_id = {initiative.pk: initiative for initiative in initiatives}
    for initiative in initiatives:
        organisations[initiative.owner_organisation_id] = initiative.owner_organisation
    for benefit in benefits:
        for org in (benefit.arises_in_organisation, benefit.owner_organisation):
            if org is not None:
                organisations.setdefault(org.pk, org)
        # The contributions' initiatives come with their owners from the list above.
        for contribution in benefit.contributions.all():
            contribution.initiative = by_id.get(contribution.initiative_id, contribution.initiative)
    return MapRows(
        goals=goals,
        benefits=benefits,
        initiatives=initiatives,
        organisations=sorted(organisations.values(), key=lambda o: o.name.lower()),
    )


def build_map(data: MapRows, *, organisation: int | None = None) -> BenefitsMap:
    """Initiatives → benefits → impact goals → societal goals.

    With ``organisation``, the part of the map that touches it: the benefits it owns or where
    they arise, those its initiatives contribute to, and every initiative on those paths or
    owned by it. Goals without any of those benefits are then left out.
    """
    benefits, initiatives = data.benefits, data.initiatives
    if organisation is not None:
        benefits = [b for b in benefits if benefit_matches(b, organisation)]
    contributing = {c.initiative_id for b in benefits for c in b.contributions.all()}
    if organisation is not None:
        initiatives = [
            i
            for i in initiatives
            if i.pk in contributing or i.owner_organisation_id == organisation
        ]
    idle = [i for i in initiatives if i.pk not in contributing]

    by_goal: dict[int | None, list[Benefit]] = defaultdict(list)
    goal_ids = {g.pk for g in data.goals if g.level == GoalLevel.IMPACT}
    for benefit in benefits:
        goal = benefit.impact_goal_id if benefit.impact_goal_id in goal_ids else None
        by_goal[goal].append(benefit)
    return BenefitsMap(
        branches=_branches(data.goals, by_goal, keep_empty=organisation is None),
        unlinked=by_goal[None],
        idle=idle,
        organisations=data.organisations,
        benefit_count=len(benefits),
        initiative_count=len(initiatives),
    )


def benefits_map(
    *, programme: Programme, user: Actor, organisation: int | None = None
) -> BenefitsMap:
    """The map of a programme, or of the part that touches one organisation (four queries)."""
    return build_map(map_rows(programme=programme, user=user), organisation=organisation)


def _branches(
    goals: Sequence[Goal], by_goal: Mapping[int | None, list[Benefit]], *, keep_empty: bool
) -> list[SocietalBranch]:
    """The goal tree with each impact goal's benefits; an impact goal whose parent is missing
    hangs under a branch without a societal goal."""
    societal = [g for g in goals if g.level == GoalLevel.SOCIETAL]
    societal_ids = {g.pk for g in societal}
    impacts: dict[int | None, list[ImpactBranch]] = defaultdict(list)
    for goal in goals:
        if goal.level != GoalLevel.IMPACT:
            continue
        branch = ImpactBranch(goal=goal, benefits=by_goal.get(goal.pk, []))
        if branch.benefits or keep_empty:
            impacts[goal.parent_id if goal.parent_id in societal_ids else None].append(branch)
    branches = [
        SocietalBranch(goal=g, impacts=impacts[g.pk])
        for g in societal
        if impacts[g.pk] or keep_empty
    ]
    if impacts[None]:
        branches.append(SocietalBranch(goal=None, impacts=impacts[None]))
    return branches
