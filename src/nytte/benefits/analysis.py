"""The benefits map, who pays and who benefits, and the follow-up dashboard.

Selectors read in a fixed number of queries whatever the register's size. The arithmetic
(present values, splitting a benefit among initiatives and their payers, the follow-up
checks) sits in small pure functions, so each rule can be checked by hand in a test.

A benefit is one object however many initiatives contribute to it: every figure here counts
it once, and an initiative gets the benefit's value times its attributed share.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext

from nytte.core.actors import Actor
from nytte.core.models import Organisation, Programme
from nytte.economics import (
    DEFAULT_PARAMETER_SET,
    ParameterSet,
    discount_factor,
    get_parameter_set,
)
from nytte.portfolio.choices import GoalLevel
from nytte.portfolio.models import CostLine, Goal, Initiative

from . import selectors
from .choices import BeneficiaryGroup, BenefitStatus
from .models import Benefit

# Row key of the benefit value that no cost in the portfolio stands behind.
UNTIED = "untied"
# Column key of benefits whose place of arising is not recorded.
NO_PLACE = "unknown"
# Allowed slack when deciding that shares add up to 100 % (they are stored with 2 decimals).
EPSILON = 1e-9


# ---------------------------------------------------------------------------------------------
# Keys for organisations and groups, shared by matrix rows, columns and filters


def organisation_key(pk: int) -> str:
    return f"org-{pk}"


def group_key(group: str) -> str:
    return f"group-{group}"


def place_key(benefit: Benefit) -> str:
    """Where a benefit arises, as a column key: an organisation, a group, or not recorded."""
    if benefit.arises_in_organisation_id:
        return organisation_key(benefit.arises_in_organisation_id)
    if benefit.arises_in_group:
        return group_key(benefit.arises_in_group)
    return NO_PLACE


# ---------------------------------------------------------------------------------------------
# Present values (pure)


def base_year(programme: Programme, today: dt.date | None = None) -> int:
    """The year values are discounted to: the programme's first year, else the current one."""
    return programme.start_year or (today or timezone.localdate()).year


def year_factor(year: int, base: int, params: ParameterSet) -> float:
    """The discount factor of a year. Years before the base year count at factor 1: they are
    taken as they stand, neither discounted nor compounded forward."""
    return 1.0 if year <= base else discount_factor(year - base, params)


def present_value(
    amounts: Iterable[tuple[int, float]], *, base: int, params: ParameterSet
) -> float:
    """Σ amount × discount factor over (year, amount) pairs."""
    return sum(amount * year_factor(year, base, params) for year, amount in amounts)


# ---------------------------------------------------------------------------------------------
# Who pays, who benefits: the allocation (pure)


@dataclass(frozen=True)
class PricedBenefit:
    """What the allocation needs of one benefit: its column, present value, and attributed
    shares as fractions 0–1 by initiative id (adding up to at most 1)."""

    place: str
    pv: float
    shares: Mapping[int, float]


def allocate(
    pv: float,
    shares: Mapping[int, float],
    payer_costs: Mapping[int, Mapping[str, float]],
    *,
    only: Collection[int] | None = None,
) -> dict[str, float]:
    """Split one benefit's present value among the organisations that pay for it.

    Each initiative's part (``pv × share``) goes to its payers in proportion to each payer's
    share of the initiative's present value of costs (``payer_costs[initiative][payer]``).
    The part of an initiative without costs, and the part attributed to no initiative, go to
    ``UNTIED``. With ``only`` (initiative ids) just those initiatives' parts are counted, and
    the unattributed rest belongs to none of them.
    """
    result: dict[str, float] = defaultdict(float)
    for initiative, share in shares.items():
        if only is not None and initiative not in only:
            continue
        part = pv * share
        costs = payer_costs.get(initiative, {})
        total = sum(costs.values())
        if total > 0:
            for payer, cost in costs.items():
                if cost:
                    result[payer] += part * cost / total
        elif part:
            result[UNTIED] += part
    if only is None:
        rest = pv * (1 - sum(shares.values()))
        if rest > EPSILON * max(abs(pv), 1):
            result[UNTIED] += rest
    return dict(result)


def flow_cells(
    benefits: Iterable[PricedBenefit],
    payer_costs: Mapping[int, Mapping[str, float]],
    *,
    only: Collection[int] | None = None,
) -> dict[tuple[str, str], float]:
    """The matrix: (payer, place) → present value of benefits, each benefit counted once."""
    cells: dict[tuple[str, str], float] = defaultdict(float)
    for benefit in benefits:
        for payer, value in allocate(benefit.pv, benefit.shares, payer_costs, only=only).items():
            cells[(payer, benefit.place)] += value
    return dict(cells)


# ---------------------------------------------------------------------------------------------
# Who pays, who benefits: the selector


@dataclass
class Party:
    """A row (payer) or column (place of arising) of the matrix."""

    key: str
    label: str
    name: str
    total: float = 0.0
    cost_pv: float | None = None  # payers only: present value of what they pay
    cells: list[float] = field(default_factory=list)  # rows only, in column order


@dataclass
class Flows:
    base_year: int
    parameter_set: str
    rows: list[Party]
    columns: list[Party]
    cells: dict[tuple[str, str], float]
    total: float  # Σ cells = present value of the priced benefits in view
    cost_total: float  # present value of the costs of the payers shown
    priced: list[Benefit]  # each with .pv, .in_view and .attributed_percent
    unpriced: list[Benefit]
    initiatives: list[Initiative]  # choices for the filter
    organisations: list[Organisation]  # choices for the filter


def _payer_costs(
    programme: Programme, *, base: int, params: ParameterSet
) -> tuple[dict[int, dict[str, float]], dict[str, Organisation], dict[int, set[str]]]:
    """Present value of the most likely costs per initiative and paying organisation (one
    query), the paying organisations by key, and each initiative's payers."""
    rows = (
        CostLine.objects.filter(initiative__programme=programme)
        .values_list(
            "initiative_id",
            "organisation_id",
            "organisation__name",
            "organisation__short_name",
            "year",
        )
        .annotate(year_total=Sum("likely"))
        .order_by()
    )
    costs: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    payers: dict[str, Organisation] = {}
    for initiative_id, org_id, name, short, year, amount in rows:
        key = organisation_key(org_id)
        costs[initiative_id][key] += (amount or 0) * year_factor(year, base, params)
        payers.setdefault(key, Organisation(pk=org_id, name=name, short_name=short or ""))
    by_initiative = {i: {k for k, v in c.items() if v} for i, c in costs.items()}
    return {i: dict(c) for i, c in costs.items()}, payers, by_initiative


def _place_label(benefit: Benefit) -> tuple[str, str]:
    if benefit.arises_in_organisation_id:
        org = benefit.arises_in_organisation
        return org.label, org.name
    if benefit.arises_in_group:
        label = str(BeneficiaryGroup(benefit.arises_in_group).label)
        return label, label
    label = gettext("Place not recorded")
    return label, label


@dataclass
class FlowRows:
    """What the flow matrix is computed from, read once per page."""

    base_year: int
    params: ParameterSet
    payer_costs: dict[int, dict[str, float]]  # initiative → payer key → PV of costs
    payers: dict[str, Organisation]  # payer key → organisation
    payers_of: dict[int, set[str]]  # initiative → payer keys
    benefits: list[Benefit]  # each with .shares, .place and, when priced, .pv
    initiatives: list[Initiative]
    organisations: list[Organisation]  # payers and places of arising, by name


def flow_rows(*, programme: Programme, user: Actor, today: dt.date | None = None) -> FlowRows:
    """Costs and benefits in present value NOK (five queries)."""
    params = get_parameter_set(DEFAULT_PARAMETER_SET)
    base = base_year(programme, today)
    payer_costs, payers, payers_of = _payer_costs(programme, base=base, params=params)
    benefits = list(
        Benefit.objects.for_user(user)
        .in_programme(programme)
        .select_related("programme", "arises_in_organisation")
        .prefetch_related("amounts", "contributions")
        .order_by("code")
    )
    initiatives = list(
        Initiative.objects.filter(programme=programme).only("pk", "code", "title").order_by("code")
    )
    organisations = {org.pk: org for org in payers.values()}
    for benefit in benefits:
        benefit.shares = {
            c.initiative_id: float(c.share) / 100 for c in benefit.contributions.all()
        }
        benefit.place = place_key(benefit)
        if benefit.priced:
            benefit.pv = present_value(
                ((a.year, a.likely) for a in benefit.amounts.all()), base=base, params=params
            )
        if benefit.arises_in_organisation_id:
            organisations.setdefault(
                benefit.arises_in_organisation_id, benefit.arises_in_organisation
            )
    return FlowRows(
        base_year=base,
        params=params,
        payer_costs=payer_costs,
        payers=payers,
        payers_of=payers_of,
        benefits=benefits,
        initiatives=initiatives,
        organisations=sorted(organisations.values(), key=lambda o: o.name.lower()),
    )


def build_flows(
    data: FlowRows, *, initiative: int | None = None, organisation: int | None = None
) -> Flows:
    """The matrix. ``initiative`` keeps that initiative's attributed parts of the benefits;
    ``organisation`` keeps the flows the organisation pays for or receives."""
    only = {initiative} if initiative is not None else None
    org_key = organisation_key(organisation) if organisation is not None else None
    places: dict[str, tuple[str, str]] = {}
    cells: dict[tuple[str, str], float] = defaultdict(float)
    priced, unpriced = [], []
    for benefit in data.benefits:
        place, shares = benefit.place, benefit.shares
        if not _touches(benefit, place, shares, data.payers_of, only=only, org_key=org_key):
            continue
        if not benefit.priced:
            unpriced.append(benefit)
            continue
        benefit.attributed_percent = sum(shares.values()) * 100
        allocated = allocate(benefit.pv, shares, data.payer_costs, only=only)
        if org_key is not None and place != org_key:
            allocated = {payer: v for payer, v in allocated.items() if payer == org_key}
        benefit.in_view = sum(allocated.values())
        priced.append(benefit)
        places.setdefault(place, _place_label(benefit))
        for payer, value in allocated.items():
            cells[(payer, place)] += value

    columns = _columns(places)
    rows = _rows(cells, columns, data.payers, data.payer_costs, only=only, org_key=org_key)
    return Flows(
        base_year=data.base_year,
        parameter_set=data.params.name,
        rows=rows,
        columns=columns,
        cells=dict(cells),
        total=sum(cells.values()),
        cost_total=sum(row.cost_pv or 0 for row in rows),
        priced=priced,
        unpriced=unpriced,
        initiatives=data.initiatives,
        organisations=data.organisations,
    )


def flows(
    *,
    programme: Programme,
    user: Actor,
    initiative: int | None = None,
    organisation: int | None = None,
    today: dt.date | None = None,
) -> Flows:
    """Who pays and who benefits, in present value NOK (five queries)."""
    return build_flows(
        flow_rows(programme=programme, user=user, today=today),
        initiative=initiative,
        organisation=organisation,
    )


def _touches(
    benefit: Benefit,
    place: str,
    shares: Mapping[int, float],
    payers_of: Mapping[int, set[str]],
    *,
    only: Collection[int] | None,
    org_key: str | None,
) -> bool:
    """Whether a benefit belongs in the filtered view: contributed to by the chosen initiative,
    arising in the chosen organisation or paid for (in part) by it."""
    if only is not None and not any(i in only for i in shares):
        return False
    if org_key is None or place == org_key:
        return True
    return any(org_key in payers_of.get(i, ()) for i in shares if only is None or i in only)


def _columns(places: Mapping[str, tuple[str, str]]) -> list[Party]:
    """Organisations by name, then groups in their usual order, then "not recorded"."""
    groups = [group_key(g) for g in BeneficiaryGroup.values]

    def order(key: str) -> tuple[int, Any]:
        if key.startswith("org-"):
            return (0, places[key][1].lower())
        if key in groups:
            return (1, groups.index(key))
        return (2, key)

    return [Party(key=k, label=places[k][0], name=places[k][1]) for k in sorted(places, key=order)]


def _rows(
    cells: Mapping[tuple[str, str], float],
    columns: Sequence[Party],
    payers: Mapping[str, Organisation],
    payer_costs: Mapping[int, Mapping[str, float]],
    *,
    only: Collection[int] | None,
    org_key: str | None,
) -> list[Party]:
    """Paying organisations by name (each with its present value of costs, for the chosen
    initiative when there is one), then the untied row; totals both ways."""
    cost_pv: dict[str, float] = defaultdict(float)
    for initiative, costs in payer_costs.items():
        if only is None or initiative in only:
            for payer, value in costs.items():
                cost_pv[payer] += value
    # Payers with flows in view, and those that pay without any benefit traced to them.
    paying = {k for k, v in cost_pv.items() if v and (org_key is None or k == org_key)}
    keys = {payer for payer, _place in cells} | paying
    ordered = sorted((k for k in keys if k != UNTIED), key=lambda k: payers[k].name.lower())
    if UNTIED in keys:
        ordered.append(UNTIED)
    rows = []
    for key in ordered:
        org = payers.get(key)
        row = Party(
            key=key,
            label=org.label if org else "",
            name=org.name if org else "",
            cost_pv=cost_pv.get(key, 0.0) if org else None,
            cells=[cells.get((key, column.key), 0.0) for column in columns],
        )
        row.total = sum(row.cells)
        rows.append(row)
    for index, column in enumerate(columns):
        column.total = sum(row.cells[index] for row in rows)
    return rows


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


# ---------------------------------------------------------------------------------------------
# The follow-up dashboard


@dataclass
class FollowUp:
    tolerance: Decimal
    behind: list[Benefit]  # each with .behind_indicators and .worst_gap
    overdue: list[Benefit]  # each with .overdue_indicators and .first_due
    unconfirmed: list[Benefit]
    no_baseline: list[Benefit]  # each with .missing_baseline (indicators), empty = no indicator
    no_owner: list[Benefit]
    count: int  # benefits followed up (all but the lost ones)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "behind": len(self.behind),
            "overdue": len(self.overdue),
            "unconfirmed": len(self.unconfirmed),
            "no_baseline": len(self.no_baseline),
            "no_owner": len(self.no_owner),
        }


def followed_benefits(*, programme: Programme, user: Actor) -> QuerySet[Benefit]:
    """Benefits with owners and indicators, targets and measurements (four queries); lost
    benefits are no longer followed up."""
    return selectors.with_indicators(
        Benefit.objects.for_user(user)
        .in_programme(programme)
        .exclude(status=BenefitStatus.LOST)
        .select_related("programme", "owner", "owner_organisation")
        .order_by("code")
    )


def follow_up_lists(benefits: Iterable[Benefit], *, tolerance: Decimal) -> FollowUp:
    """Sort benefits that went through ``selectors.attach_progress`` into what needs doing."""
    result = FollowUp(tolerance, [], [], [], [], [], 0)
    for benefit in benefits:
        result.count += 1
        indicators = list(benefit.indicators.all())
        if benefit.behind:
            benefit.behind_indicators = [i for i in indicators if i.progress.behind]
            for indicator in benefit.behind_indicators:
                indicator.planned_percent = indicator.progress.planned_share * 100
            benefit.worst_gap = max(i.progress.gap for i in benefit.behind_indicators)
            result.behind.append(benefit)
        if benefit.overdue:
            benefit.overdue_indicators = [i for i in indicators if i.progress.overdue]
            benefit.first_due = min(i.progress.next_due for i in benefit.overdue_indicators)
            result.overdue.append(benefit)
        if not benefit.confirmed:
            result.unconfirmed.append(benefit)
        if not benefit.has_baseline:
            benefit.missing_baseline = [i for i in indicators if not i.has_baseline]
            result.no_baseline.append(benefit)
        if benefit.owner_id is None:
            result.no_owner.append(benefit)
    result.behind.sort(key=lambda b: -b.worst_gap)
    result.overdue.sort(key=lambda b: b.first_due)
    return result


def follow_up(
    *,
    programme: Programme,
    user: Actor,
    tolerance: Decimal | None = None,
    today: dt.date | None = None,
) -> FollowUp:
    """The dashboard's lists, with the programme's tolerance unless another is given."""
    limit = programme.behind_plan_tolerance if tolerance is None else tolerance
    benefits = selectors.attach_progress(
        followed_benefits(programme=programme, user=user), today=today, tolerance=float(limit)
    )
    return follow_up_lists(benefits, tolerance=Decimal(limit))
