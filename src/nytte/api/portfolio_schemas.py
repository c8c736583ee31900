"""Schemas of the portfolio API.

References are natural keys, as in the Excel format: organisations by their 9-digit
organisation number (orgnr), initiatives and goals by code, life events by slug, people by
username. Money is whole NOK as integers.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

ORGNR = "Organisation number (orgnr), 9 digits."


class OrganisationRef(Schema):
    orgnr: str = Field(description=ORGNR)
    name: str


# -- life events and goals ---------------------------------------------------------------------


class LifeEventOut(Schema):
    slug: str
    name: str
    description: str
    responsible: OrganisationRef | None


class GoalOut(Schema):
    code: str
    level: str = Field(description="societal or impact.")
    parent: str | None = Field(description="Code of the parent goal.")
    title: str
    description: str
    weight: Decimal


class GoalIn(Schema):
    code: str
    level: str = Field(description="societal or impact.")
    parent: str | None = Field(None, description="Code of the parent goal.")
    title: str
    description: str = ""
    weight: Decimal = Decimal(1)


class GoalPatch(Schema):
    code: str | None = None
    level: str | None = None
    parent: str | None = Field(None, description="Code of the parent goal.")
    title: str | None = None
    description: str | None = None
    weight: Decimal | None = None


# -- initiatives --------------------------------------------------------------------------------


class ContributionOut(Schema):
    goal: str = Field(description="Goal code.")
    contribution: Decimal


class ContributionIn(Schema):
    goal: str = Field(description="Goal code.")
    contribution: Decimal = Decimal(1)


class InitiativeOut(Schema):
    code: str
    title: str
    description: str
    owner_organisation: OrganisationRef
    owner: str | None = Field(description="Username of the initiative owner.")
    participants: list[OrganisationRef]
    phase: str
    status: str
    status_reason: str
    planned_start: dt.date | None
    planned_end: dt.date | None
    mandatory: bool
    digitalisation: bool
    published: bool = Field(description="On the public overview if the programme publishes.")
    goals: list[ContributionOut]
    life_events: list[str] = Field(description="Life-event slugs.")
    total_low: int = Field(description="Sum of low cost estimates, NOK.")
    total_likely: int = Field(description="Sum of most likely cost estimates, NOK.")
    total_high: int = Field(description="Sum of high cost estimates, NOK.")
    size_band: str
    needs_qa: bool = Field(description="Above the R-108 threshold for external QA.")
    decision_point: str


class InitiativeIn(Schema):
    code: str
    title: str
    description: str = ""
    owner_organisation: str = Field(description=ORGNR)
    owner: str | None = Field(None, description="Username of the initiative owner.")
    participants: list[str] = Field([], description=f"{ORGNR} One per participant.")
    phase: str = "idea"
    status: str = "green"
    status_reason: str = ""
    planned_start: dt.date | None = None
    planned_end: dt.date | None = None
    mandatory: bool = False
    digitalisation: bool = True
    published: bool = False
    goals: list[ContributionIn] = []
    life_events: list[str] = Field([], description="Life-event slugs.")


class InitiativePatch(Schema):
    """Only the fields sent are changed; lists replace the stored lists."""

    code: str | None = None
    title: str | None = None
    description: str | None = None
    owner_organisation: str | None = Field(None, description=ORGNR)
    owner: str | None = Field(None, description="Username of the initiative owner.")
    participants: list[str] | None = Field(None, description=ORGNR)
    phase: str | None = None
    status: str | None = None
    status_reason: str | None = None
    planned_start: dt.date | None = None
    planned_end: dt.date | None = None
    mandatory: bool | None = None
    digitalisation: bool | None = None
    published: bool | None = None
    goals: list[ContributionIn] | None = None
    life_events: list[str] | None = Field(None, description="Life-event slugs.")


# -- lines of an initiative ------------------------------------------------------------------


class CostOut(Schema):
    id: int
    initiative: str = Field(description="Initiative code.")
    organisation: OrganisationRef
    year: int
    category: str
    low: int
    likely: int
    high: int
    note: str


class CostIn(Schema):
    organisation: str = Field(description=f"Paying organisation. {ORGNR}")
    year: int
    category: str = Field(description="investment, operation or other.")
    low: int = Field(ge=0, description="NOK, whole kroner.")
    likely: int = Field(ge=0, description="NOK, whole kroner.")
    high: int = Field(ge=0, description="NOK, whole kroner.")
    note: str = ""


class CostPatch(Schema):
    organisation: str | None = Field(None, description=ORGNR)
    year: int | None = None
    category: str | None = None
    low: int | None = Field(None, ge=0)
    likely: int | None = Field(None, ge=0)
    high: int | None = Field(None, ge=0)
    note: str | None = None


class DependencyOut(Schema):
    id: int
    source: str = Field(description="Code of the initiative that depends.")
    kind: str = Field(description="requires, enables or conflicts.")
    target: str = Field(description="Code of the other initiative.")
    note: str


class DependencyIn(Schema):
    kind: str = Field(description="requires, enables or conflicts.")
    target: str = Field(description="Code of the other initiative.")
    note: str = ""


class DependencyPatch(Schema):
    kind: str | None = None
    target: str | None = None
    note: str | None = None


class RiskOut(Schema):
    id: int
    initiative: str
    title: str
    description: str
    probability: int
    consequence: int
    score: int
    owner: str
    mitigation: str
    status: str


class RiskIn(Schema):
    title: str
    description: str = ""
    probability: int = Field(ge=1, le=5)
    consequence: int = Field(ge=1, le=5)
    owner: str = ""
    mitigation: str = ""
    status: str = "open"


class RiskPatch(Schema):
    title: str | None = None
    description: str | None = None
    probability: int | None = Field(None, ge=1, le=5)
    consequence: int | None = Field(None, ge=1, le=5)
    owner: str | None = None
    mitigation: str | None = None
    status: str | None = None


class StatusReportOut(Schema):
    id: int
    initiative: str
    period: str
    overall: str
    plan: str
    cost: str
    benefits: str
    stakeholders: str
    risk: str
    commentary: str
    reported_by: str | None = Field(description="Username.")


class StatusReportIn(Schema):
    period: str = Field(description="For example 2026-T3 or 2026-09.")
    overall: str
    plan: str
    cost: str
    benefits: str
    stakeholders: str
    risk: str
    commentary: str = ""


class StatusReportPatch(Schema):
    period: str | None = None
    overall: str | None = None
    plan: str | None = None
    cost: str | None = None
    benefits: str | None = None
    stakeholders: str | None = None
    risk: str | None = None
    commentary: str | None = None


class InitiativeFilters(Schema):
    """The list page's filters (InitiativeFilterSet), with natural keys."""

    q: str | None = Field(None, description="Words in code, title or description.")
    organisation: str | None = Field(
        None, description=f"Involved as owner, participant or payer. {ORGNR}"
    )
    phase: list[str] | None = Field(None, description="One or more phases.")
    status: list[str] | None = Field(None, description="One or more status colours.")
    goal: str | None = Field(
        None, description="Goal code; a societal goal includes its impact goals."
    )
    life_event: str | None = Field(None, description="Life-event slug.")
    sort: str | None = Field(
        None, description="code, title, phase, status, start, end or cost; prefix - to reverse."
    )
