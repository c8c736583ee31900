"""Schemas of the benefits API.

References are natural keys, as in the portfolio API and the Excel format: organisations by
organisation number (orgnr), initiatives, goals and benefits by code, people by username.
Risks have no natural key and are referred to by id; so are indicators and their lines.
Money is whole NOK as integers; shares are percentages.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from .portfolio_schemas import ORGNR, OrganisationRef

KINDS = "efficiency, quality or others."
GROUPS = "citizens, businesses, municipalities or private_sector."
STATUSES = "identified, planned, realising, realised or lost."


class ShareRef(Schema):
    initiative: str = Field(description="Initiative code.")
    share: Decimal = Field(description="The initiative's attributed share, in % (0–100].")


# -- benefits -----------------------------------------------------------------------------


class BenefitOut(Schema):
    code: str
    title: str
    description: str
    kind: str = Field(description=KINDS)
    priced: bool
    impact_goal: str | None = Field(description="Code of the impact goal it serves.")
    arises_in_organisation: OrganisationRef | None
    arises_in_group: str = Field(description=f"Empty, or {GROUPS}")
    owner_organisation: OrganisationRef | None
    owner: str | None = Field(description="Username of the benefit owner.")
    budget_cut_share: Decimal = Field(description="Share cut from budgets, %.")
    plus_minus: int | None = Field(description="Consequence −4 … +4, for benefits not priced.")
    plus_minus_reasoning: str
    preconditions: str
    status: str = Field(description=STATUSES)
    confirmed_by: str | None = Field(description="Username of the owner who confirmed.")
    confirmed_on: dt.date | None
    contributions: list[ShareRef]
    risks: list[int] = Field(description="Ids of the portfolio risks that threaten it.")
    total_low: int = Field(description="Sum of the yearly low amounts, NOK.")
    total_likely: int = Field(description="Sum of the yearly most likely amounts, NOK.")
    total_high: int = Field(description="Sum of the yearly high amounts, NOK.")
    realised_percent: float | None = Field(
        description="Mean realisation of its indicators, % of the way from baseline to target."
    )
    behind: bool = Field(description="Some indicator is behind plan by more than the tolerance.")
    overdue: bool = Field(description="A measurement is overdue.")
    has_baseline: bool = Field(description="It has indicators and each has a baseline.")


class BenefitIn(Schema):
    code: str
    title: str
    description: str = ""
    kind: str = Field(description=KINDS)
    priced: bool | None = Field(
        None, description="Valued in NOK per year; left out: every kind but quality gains."
    )
    impact_goal: str | None = Field(None, description="Code of an impact goal.")
    arises_in_organisation: str | None = Field(None, description=ORGNR)
    arises_in_group: str = Field("", description=f"Empty, or {GROUPS}")
    owner_organisation: str | None = Field(None, description=ORGNR)
    owner: str | None = Field(None, description="Username of the benefit owner.")
    budget_cut_share: Decimal = Decimal(0)
    plus_minus: int | None = None
    plus_minus_reasoning: str = ""
    preconditions: str = ""
    status: str = Field("identified", description=STATUSES)
    contributions: list[ShareRef] = Field([], description="Shares add up to at most 100 %.")
    risks: list[int] = Field([], description="Ids of portfolio risks in this programme.")


class BenefitPatch(Schema):
    """Only the fields sent are changed; lists replace the stored lists."""

    code: str | None = None
    title: str | None = None
    description: str | None = None
    kind: str | None = Field(None, description=KINDS)
    priced: bool | None = None
    impact_goal: str | None = Field(None, description="Code of an impact goal.")
    arises_in_organisation: str | None = Field(None, description=ORGNR)
    arises_in_group: str | None = Field(None, description=f"Empty, or {GROUPS}")
    owner_organisation: str | None = Field(None, description=ORGNR)
    owner: str | None = Field(None, description="Username of the benefit owner.")
    budget_cut_share: Decimal | None = None
    plus_minus: int | None = None
    plus_minus_reasoning: str | None = None
    preconditions: str | None = None
    status: str | None = Field(None, description=STATUSES)
    contributions: list[ShareRef] | None = Field(None, description="Replaces the shares.")
    risks: list[int] | None = Field(None, description="Replaces the linked risks.")


class BenefitFilters(Schema):
    """The register page's filters, with natural keys."""

    q: str | None = Field(None, description="Words in code, title or description.")
    kind: list[str] | None = Field(None, description=f"One or more kinds: {KINDS}")
    status: list[str] | None = Field(None, description=f"One or more statuses: {STATUSES}")
    arises_in: str | None = Field(
        None, description=f"Where it arises: an organisation's orgnr, or a group: {GROUPS}"
    )
    owner_organisation: str | None = Field(None, description=f"Owning organisation. {ORGNR}")
    initiative: str | None = Field(None, description="Code of a contributing initiative.")
    goal: str | None = Field(
        None, description="Goal code; a societal goal includes its impact goals."
    )
    sort: str | None = Field(
        None, description="code, title, kind, status, owner or total; prefix - to reverse."
    )


# -- yearly amounts -------------------------------------------------------------------------


class AmountOut(Schema):
    benefit: str = Field(description="Benefit code.")
    year: int
    low: int
    likely: int
    high: int


class AmountIn(Schema):
    year: int
    low: int = Field(ge=0, description="NOK, whole kroner.")
    likely: int = Field(ge=0, description="NOK, whole kroner.")
    high: int = Field(ge=0, description="NOK, whole kroner.")


class AmountPatch(Schema):
    low: int | None = Field(None, ge=0)
    likely: int | None = Field(None, ge=0)
    high: int | None = Field(None, ge=0)


# -- indicators, targets, measurements ------------------------------------------------------


class IndicatorOut(Schema):
    id: int
    benefit: str = Field(description="Benefit code.")
    name: str
    unit: str
    method: str
    data_source: str
    measuring_cost: int | None = Field(description="NOK per year.")
    direction: str = Field(description="increase or decrease: which way is better.")
    frequency: str = Field(description="monthly, quarterly, half_yearly or yearly.")
    baseline_value: Decimal | None
    baseline_date: dt.date | None
    realised_percent: float | None = Field(description="% of the way from baseline to target.")
    behind: bool
    overdue: bool
    next_due: dt.date | None = Field(description="When the next measurement is due.")


class IndicatorIn(Schema):
    name: str
    unit: str
    method: str = ""
    data_source: str = ""
    measuring_cost: int | None = Field(None, ge=0)
    direction: str = Field("increase", description="increase or decrease.")
    frequency: str = Field("quarterly", description="monthly, quarterly, half_yearly or yearly.")
    baseline_value: Decimal | None = None
    baseline_date: dt.date | None = None


class IndicatorPatch(Schema):
    name: str | None = None
    unit: str | None = None
    method: str | None = None
    data_source: str | None = None
    measuring_cost: int | None = Field(None, ge=0)
    direction: str | None = None
    frequency: str | None = None
    baseline_value: Decimal | None = None
    baseline_date: dt.date | None = None


class TargetOut(Schema):
    id: int
    indicator: int = Field(description="Indicator id.")
    date: dt.date
    value: Decimal


class TargetIn(Schema):
    date: dt.date
    value: Decimal


class TargetPatch(Schema):
    date: dt.date | None = None
    value: Decimal | None = None


class MeasurementOut(Schema):
    id: int
    indicator: int = Field(description="Indicator id.")
    benefit: str = Field(description="Benefit code.")
    date: dt.date
    value: Decimal
    source: str
    comment: str
    recorded_by: str | None = Field(description="Username.")


class MeasurementIn(Schema):
    date: dt.date
    value: Decimal
    source: str = ""
    comment: str = ""


class MeasurementPatch(Schema):
    date: dt.date | None = None
    value: Decimal | None = None
    source: str | None = None
    comment: str | None = None


class BulkMeasurementIn(Schema):
    """One measurement to append; the indicator by its name within the benefit, or its id."""

    benefit: str = Field(description="Benefit code.")
    indicator: str | int = Field(description="The indicator's name (within the benefit) or id.")
    date: dt.date
    value: Decimal
    source: str = ""
    comment: str = ""


class BulkMeasurementsOut(Schema):
    created: int
    items: list[MeasurementOut]


class BulkErrorItem(Schema):
    index: int | None = Field(
        None, description="Position of the refused row in the list sent, from 0."
    )
    loc: list[str | int]
    msg: str


class BulkProblem(Schema):
    """Every refused row of a bulk request by its index; nothing was saved. (A malformed
    row is reported as any invalid input, with the index in ``loc``.)"""

    type: str
    title: str
    status: int
    detail: str | None = None
    errors: list[BulkErrorItem]
