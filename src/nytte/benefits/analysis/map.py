"""The benefits map: initiatives → benefits → impact goals → societal goal.

A national register has tens of thousands of benefits and initiatives: the map is worked out
on plain rows (ids, codes, goals, owners: four queries), and model objects are read only for
the benefits a page shows (one query more), with their contributions built from the rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from nytte.core.actors import Actor
from nytte.core.models import Organisation, Programme
from nytte.core.naturalsort import natural_key
from nytte.core.registercache import Head
from nytte.portfolio.choices import GoalLevel
from nytte.portfolio.models import Goal, Initiative

from ..models import Benefit, Contribution

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


@dataclass(frozen=True)
class MapContribution:
    """An initiative's share of a benefit on the map (``Benefit.map_contributions``)."""

    initiative_id: int
    initiative: Initiative  # with its owner organisation
    share: Decimal


@dataclass
class _BenefitRow:
    pk: int
    code: str
    impact_goal_id: int | None
    arises_in_organisation_id: int | None
    owner_organisation_id: int | None
    contributions: list[tuple[int, Decimal]]  # (initiative id, share), by initiative code


@dataclass
class MapRows:
    """What the map is drawn from, read once per page: plain rows, no model objects but the
    goals and the organisations."""

    programme: Programme
    user: Actor
    goals: list[Goal]
    benefits: list[_BenefitRow]  # by code
    initiatives: dict[int, Initiative]  # by code; each with its owner organisation
    organisations: list[Organisation]  # owners of initiatives and benefits, places, by name


def _organisation(pk: int | None, name: str | None, short: str | None) -> Organisation | None:
    return None if pk is None else Organisation(pk=pk, name=name or "", short_name=short or "")


def map_rows(*, programme: Programme, user: Actor) -> MapRows:
    """Goals, benefits, contributions and initiatives with their owners (four queries)."""
    goals = list(Goal.objects.filter(programme=programme).order_by("code"))
    organisations: dict[int, Organisation] = {}

    def keep(pk: int | None, name: str | None, short: str | None) -> None:
        if pk is not None and pk not in organisations:
            organisations[pk] = _organisation(pk, name, short)

    initiatives: dict[int, Initiative] = {}
    for pk, code, title, org, name, short in sorted(
        Initiative.objects.filter(programme=programme)
        .order_by()
        .values_list(
            "pk",
            "code",
            "title",
            "owner_organisation_id",
            "owner_organisation__name",
            "owner_organisation__short_name",
        ),
        key=lambda row: natural_key(row[1]),
    ):
        keep(org, name, short)
        initiative = Initiative(pk=pk, code=code, title=title, programme=programme)
        initiative.owner_organisation = organisations[org]
        initiatives[pk] = initiative
    order = {pk: k for k, pk in enumerate(initiatives)}
    shares: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for benefit_id, initiative_id, share in (
        Contribution.objects.filter(benefit__programme=programme)
        .order_by()
        .values_list("benefit_id", "initiative_id", "share")
    ):
        shares[benefit_id].append((initiative_id, share))
    rows = []
    for pk, code, goal, place, place_name, place_short, owner, owner_name, owner_short in (
        Benefit.objects.for_user(user)
        .in_programme(programme)
        .order_by()
        .values_list(
            "pk",
            "code",
            "impact_goal_id",
            "arises_in_organisation_id",
            "arises_in_organisation__name",
            "arises_in_organisation__short_name",
            "owner_organisation_id",
            "owner_organisation__name",
            "owner_organisation__short_name",
        )
    ):
        keep(place, place_name, place_short)
        keep(owner, owner_name, owner_short)
        contributions = sorted(
            (c for c in shares.get(pk, ()) if c[0] in order), key=lambda c: order[c[0]]
        )
        rows.append(_BenefitRow(pk, code, goal, place, owner, contributions))
    rows.sort(key=lambda row: natural_key(row.code))
    return MapRows(
        programme=programme,
        user=user,
        goals=goals,
        benefits=rows,
        initiatives=initiatives,
        organisations=sorted(organisations.values(), key=lambda o: o.name.lower()),
    )


def benefit_matches(benefit: _BenefitRow, organisation: int, owners: Mapping[int, int]) -> bool:
    """A benefit arising in or owned by the organisation, or one that an initiative it owns
    contributes to (``owners``: initiative id → owner organisation id)."""
    return (
        benefit.arises_in_organisation_id == organisation
        or benefit.owner_organisation_id == organisation
        or any(owners.get(i) == organisation for i, _share in benefit.contributions)
    )


def build_map(
    data: MapRows,
    *,
    organisation: int | None = None,
    limit: int | None = None,
    whole_up_to: int = 0,
) -> BenefitsMap:
    """Initiatives → benefits → impact goals → societal goals.

    With ``organisation``, the part of the map that touches it: the benefits it owns or where
    they arise, those its initiatives contribute to, and every initiative on those paths or
    owned by it. Goals without any of those benefits are then left out.

    With ``limit``, each list holds its first ``limit`` benefits (or idle initiatives) and
    still counts all, unless the whole map has at most ``whole_up_to`` benefits and idle
    initiatives (a diagram draws them all); only what is held is read as objects (a query).
    """
    owners = {pk: i.owner_organisation_id for pk, i in data.initiatives.items()}
    benefits = data.benefits
    if organisation is not None:
        benefits = [b for b in benefits if benefit_matches(b, organisation, owners)]
    contributing = {i for b in benefits for i, _share in b.contributions}
    initiatives = list(data.initiatives)
    if organisation is not None:
        initiatives = [i for i in initiatives if i in contributing or owners[i] == organisation]
    idle = [i for i in initiatives if i not in contributing]
    goal_ids = {g.pk for g in data.goals if g.level == GoalLevel.IMPACT}
    by_goal: dict[int | None, list[_BenefitRow]] = defaultdict(list)
    for benefit in benefits:
        goal = benefit.impact_goal_id if benefit.impact_goal_id in goal_ids else None
        by_goal[goal].append(benefit)

    if limit is not None and len(benefits) + len(idle) <= whole_up_to:
        limit = None
    shown = {b.pk for rows in by_goal.values() for b in (rows if limit is None else rows[:limit])}
    objects = _benefit_objects(data, shown)

    def head(rows: Sequence[_BenefitRow]) -> list[Benefit]:
        kept = [objects[b.pk] for b in (rows if limit is None else rows[:limit])]
        return kept if limit is None else Head.of(kept, len(rows))

    idle_initiatives = [data.initiatives[i] for i in idle]
    return BenefitsMap(
        branches=_branches(
            data.goals, {goal: head(rows) for goal, rows in by_goal.items()}, organisation
        ),
        unlinked=head(by_goal.get(None, [])),
        idle=idle_initiatives if limit is None else Head(idle_initiatives, limit),
        organisations=data.organisations,
        benefit_count=len(benefits),
        initiative_count=len(initiatives),
    )


def _benefit_objects(data: MapRows, shown: set[int]) -> dict[int, Benefit]:
    """The shown benefits with their place, and their contributions from the rows."""
    if not shown:
        return {}
    rows = {b.pk: b for b in data.benefits if b.pk in shown}
    objects = {}
    for benefit in (
        Benefit.objects.for_user(data.user)
        .filter(pk__in=shown)
        .select_related("programme", "arises_in_organisation")
        .order_by()
    ):
        contributions = rows[benefit.pk].contributions
        benefit.map_contributions = [
            MapContribution(i, data.initiatives[i], share) for i, share in contributions
        ]
        objects[benefit.pk] = benefit
    return objects


def benefits_map(
    *, programme: Programme, user: Actor, organisation: int | None = None
) -> BenefitsMap:
    """The map of a programme, or of the part that touches one organisation (five queries)."""
    return build_map(map_rows(programme=programme, user=user), organisation=organisation)


def _branches(
    goals: Sequence[Goal],
    by_goal: Mapping[int | None, list[Benefit]],
    organisation: int | None,
) -> list[SocietalBranch]:
    """The goal tree with each impact goal's benefits; an impact goal whose parent is missing
    hangs under a branch without a societal goal. Filtered by an organisation, goals without
    any of its benefits are left out."""
    keep_empty = organisation is None
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
