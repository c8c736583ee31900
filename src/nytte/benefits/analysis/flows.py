"""Who pays, who benefits: the allocation of each benefit's present value to initiatives
and their payers (pure), and the selector that reads it in four queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Sum
from django.utils.translation import gettext

from nytte.core.actors import Actor
from nytte.core.models import Organisation, Programme
from nytte.core.naturalsort import natural_key
from nytte.core.registercache import Head
from nytte.economics import (
    DEFAULT_PARAMETER_SET,
    ParameterSet,
    get_parameter_set,
)
from nytte.portfolio.models import CostLine

from ..choices import BeneficiaryGroup
from ..models import Benefit, BenefitAmount, Contribution
from .common import (
    EPSILON,
    UNTIED,
    base_year,
    group_key,
    organisation_key,
    place_key,
    present_value,
    year_factor,
)

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
        if key not in payers:  # one object per organisation, not per row
            payers[key] = Organisation(pk=org_id, name=name, short_name=short or "")
    by_initiative = {i: {k for k, v in c.items() if v} for i, c in costs.items()}
    return {i: dict(c) for i, c in costs.items()}, payers, by_initiative


def _place_label(benefit: FlowBenefit) -> tuple[str, str]:
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

    programme: Programme
    base_year: int
    params: ParameterSet
    payer_costs: dict[int, dict[str, float]]  # initiative → payer key → PV of costs
    payers: dict[str, Organisation]  # payer key → organisation
    payers_of: dict[int, set[str]]  # initiative → payer keys
    benefits: list[FlowBenefit]  # by code
    organisations: list[Organisation]  # payers and places of arising, by name


@dataclass
class FlowBenefit:
    """A benefit as the matrix reads it, from a plain row (there may be tens of thousands;
    ``as_benefit`` makes the model object a page shows)."""

    pk: int
    code: str
    title: str
    priced: bool
    arises_in_organisation: Organisation | None
    arises_in_group: str
    shares: dict[int, float]  # initiative id → attributed share 0–1
    place: str = ""
    pv: float = 0.0
    in_view: float = 0.0
    attributed_percent: float = 0.0

    @property
    def arises_in_organisation_id(self) -> int | None:
        org = self.arises_in_organisation
        return org.pk if org is not None else None

    def as_benefit(self, programme: Programme) -> Benefit:
        """The model object for a page: what it links to and shows, with the figures."""
        benefit = Benefit(
            pk=self.pk,
            code=self.code,
            title=self.title,
            priced=self.priced,
            programme=programme,
            arises_in_organisation=self.arises_in_organisation,
            arises_in_group=self.arises_in_group,
        )
        for name in ("shares", "place", "pv", "in_view", "attributed_percent"):
            setattr(benefit, name, getattr(self, name))
        return benefit


def flow_rows(*, programme: Programme, user: Actor, today: dt.date | None = None) -> FlowRows:
    """Costs and benefits in present value NOK (four queries of plain rows). The initiative
    filter is typed by code, so the initiatives are not listed."""
    params = get_parameter_set(DEFAULT_PARAMETER_SET)
    base = base_year(programme, today)
    payer_costs, payers, payers_of = _payer_costs(programme, base=base, params=params)
    # Amounts and shares as plain rows (no model objects: there may be a hundred thousand);
    # those of benefits the user may not see are read and never used.
    amounts: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for benefit_id, year, likely in BenefitAmount.objects.filter(
        benefit__programme=programme
    ).values_list("benefit_id", "year", "likely"):
        amounts[benefit_id].append((year, likely))
    shares: dict[int, dict[int, float]] = defaultdict(dict)
    for benefit_id, initiative_id, share in Contribution.objects.filter(
        benefit__programme=programme
    ).values_list("benefit_id", "initiative_id", "share"):
        shares[benefit_id][initiative_id] = float(share) / 100
    organisations = {org.pk: org for org in payers.values()}
    benefits = []
    for pk, code, title, priced, org_id, org_name, org_short, group in (
        Benefit.objects.for_user(user)
        .in_programme(programme)
        .order_by()
        .values_list(
            "pk",
            "code",
            "title",
            "priced",
            "arises_in_organisation_id",
            "arises_in_organisation__name",
            "arises_in_organisation__short_name",
            "arises_in_group",
        )
    ):
        place = None
        if org_id is not None:
            if org_id not in organisations:
                organisations[org_id] = Organisation(
                    pk=org_id, name=org_name, short_name=org_short or ""
                )
            place = organisations[org_id]
        benefit = FlowBenefit(pk, code, title, priced, place, group, shares.get(pk, {}))
        benefit.place = place_key(benefit)
        if priced:
            benefit.pv = present_value(amounts.get(pk, ()), base=base, params=params)
        benefits.append(benefit)
    # In code order, sorted here: SQLite's natural collation calls Python per comparison.
    benefits.sort(key=lambda b: natural_key(b.code))
    return FlowRows(
        programme=programme,
        base_year=base,
        params=params,
        payer_costs=payer_costs,
        payers=payers,
        payers_of=payers_of,
        benefits=benefits,
        organisations=sorted(organisations.values(), key=lambda o: o.name.lower()),
    )


def build_flows(
    data: FlowRows,
    *,
    initiative: int | None = None,
    organisation: int | None = None,
    limit: int | None = None,
) -> Flows:
    """The matrix. ``initiative`` keeps that initiative's attributed parts of the benefits;
    ``organisation`` keeps the flows the organisation pays for or receives. With ``limit``
    the lists of priced and unpriced benefits hold their first ``limit`` (and count all)."""
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

    def shown(benefits: list[FlowBenefit]) -> list[Benefit]:
        kept = [b.as_benefit(data.programme) for b in benefits[:limit]]
        return kept if limit is None else Head.of(kept, len(benefits))

    return Flows(
        base_year=data.base_year,
        parameter_set=data.params.name,
        rows=rows,
        columns=columns,
        cells=dict(cells),
        total=sum(cells.values()),
        cost_total=sum(row.cost_pv or 0 for row in rows),
        priced=shown(priced),
        unpriced=shown(unpriced),
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
    """Who pays and who benefits, in present value NOK (four queries)."""
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
