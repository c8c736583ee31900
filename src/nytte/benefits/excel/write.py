"""Writing a checked import through the benefits services, as the acting user.

``validate`` only plans; each planned step here is one service call, so rights, model rules
(shares up to 100 %, targets after the baseline, amounts only for priced benefits), the
owner's confirmation and the change log are exactly those of the pages and the API.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from nytte.core.actors import Actor
from nytte.core.excel.result import Errors
from nytte.core.excel.write import Step, run_steps
from nytte.core.models import Organisation, Programme, User
from nytte.portfolio.models import Goal, Initiative, Risk

from .. import services
from ..models import Benefit, BenefitAmount, Indicator, Measurement, Target

# Foreign keys the plan gives as ids; the services take objects, so that a changed owner or
# organisation is seen as a changed estimate (and clears the owner's confirmation).
RELATED = {
    "impact_goal_id": "impact_goal",
    "arises_in_organisation_id": "arises_in_organisation",
    "owner_organisation_id": "owner_organisation",
    "owner_id": "owner",
}


class Writer:
    """Runs the steps in order; later steps find the benefits and indicators earlier ones made."""

    def __init__(self, programme: Programme, acting_user: Actor) -> None:
        self.programme = programme
        self.acting_user = acting_user
        self.benefits: dict[str, Benefit] = {}
        self.indicators: dict[tuple[str, str], Indicator] = {}
        self.related: dict[str, dict[int, Any]] = {}

    def run(self, steps: list[Step], errors: Errors) -> None:
        """Run every step; each failure is recorded against its row."""
        if not steps:
            return
        benefits = Benefit.objects.filter(programme=self.programme).select_related(
            "impact_goal", "arises_in_organisation", "owner_organisation", "owner"
        )
        for benefit in benefits:
            benefit.programme = self.programme  # permission checks need no query
            self.benefits[benefit.code] = benefit
        by_pk = {b.pk: b for b in self.benefits.values()}
        for indicator in Indicator.objects.filter(benefit__programme=self.programme):
            indicator.benefit = by_pk[indicator.benefit_id]
            self.indicators[(indicator.benefit.code, indicator.name)] = indicator
        self._load_related(steps)
        run_steps(self, steps, errors)

    def _load_related(self, steps: list[Step]) -> None:
        """The organisations, people and goals the benefit rows name, one query per kind."""
        wanted: dict[str, set[int]] = {name: set() for name in RELATED}
        for step in steps:
            for name, value in step.kwargs.get("data", {}).items():
                if name in RELATED and value is not None:
                    wanted[name].add(value)
        orgs = wanted["arises_in_organisation_id"] | wanted["owner_organisation_id"]
        org_objects = Organisation.objects.in_bulk(orgs) if orgs else {}
        self.related = {
            "impact_goal_id": Goal.objects.in_bulk(wanted["impact_goal_id"])
            if wanted["impact_goal_id"]
            else {},
            "arises_in_organisation_id": org_objects,
            "owner_organisation_id": org_objects,
            "owner_id": User.objects.in_bulk(wanted["owner_id"]) if wanted["owner_id"] else {},
        }

    def _objects(self, data: dict[str, Any]) -> dict[str, Any]:
        return {
            RELATED.get(name, name): (
                self.related[name][value] if name in RELATED and value is not None else value
            )
            for name, value in data.items()
        }

    def indicator_of(self, code: str, name: str) -> Indicator:
        return self.indicators[(code, name)]

    # -- one method per kind of step ------------------------------------------------------

    def benefit(self, *, code: str, data: dict[str, Any], risks: set[int] | None) -> None:
        """``risks`` are ids, or None where the file leaves them as they are."""
        risk_objects = (
            None
            if risks is None
            else Risk.objects.filter(pk__in=risks).select_related("initiative")
        )
        existing = self.benefits.get(code)
        if existing is None:
            created = services.benefit_create(
                programme=self.programme,
                data={**self._objects(data), "code": code},
                risks=risk_objects or (),
                acting_user=self.acting_user,
            )
            created.programme = self.programme
            self.benefits[code] = created
        else:
            services.benefit_update(
                benefit=existing,
                data=self._objects(data),
                risks=risk_objects,
                acting_user=self.acting_user,
            )

    def shares(self, *, code: str, wanted: dict[str, Decimal]) -> None:
        """Set the named initiatives' shares, keeping the benefit's other initiatives."""
        benefit = self.benefits[code]
        current = {
            link.initiative.code: link.share
            for link in benefit.contributions.select_related("initiative")
        }
        merged = {**current, **wanted}
        initiatives = {
            i.code: i for i in Initiative.objects.filter(programme=self.programme, code__in=merged)
        }
        services.benefit_update(
            benefit=benefit,
            data={},
            contributions={initiatives[c]: share for c, share in merged.items()},
            acting_user=self.acting_user,
        )

    def amount(self, *, code: str, year: int, pk: int | None, data: dict[str, Any]) -> None:
        benefit = self.benefits[code]
        if pk is None:
            services.amount_create(benefit=benefit, year=year, acting_user=self.acting_user, **data)
        else:
            line = BenefitAmount.objects.get(pk=pk)
            line.benefit = benefit
            services.amount_update(amount=line, data=data, acting_user=self.acting_user)

    def indicator(self, *, code: str, name: str, pk: int | None, data: dict[str, Any]) -> None:
        benefit = self.benefits[code]
        if pk is None:
            created = services.indicator_create(
                benefit=benefit, name=name, acting_user=self.acting_user, **data
            )
            self.indicators[(code, name)] = created
        else:
            services.indicator_update(
                indicator=self.indicators[(code, name)], data=data, acting_user=self.acting_user
            )

    def target(
        self, *, code: str, name: str, date: dt.date, pk: int | None, value: Decimal
    ) -> None:
        indicator = self.indicator_of(code, name)
        if pk is None:
            services.target_create(
                indicator=indicator, date=date, value=value, acting_user=self.acting_user
            )
        else:
            target = Target.objects.get(pk=pk)
            target.indicator = indicator
            services.target_update(
                target=target, data={"value": value}, acting_user=self.acting_user
            )

    def measurement(
        self, *, code: str, name: str, date: dt.date, pk: int | None, data: dict[str, Any]
    ) -> None:
        indicator = self.indicator_of(code, name)
        if pk is None:
            services.measurement_create(
                indicator=indicator, date=date, acting_user=self.acting_user, **data
            )
        else:
            measurement = Measurement.objects.get(pk=pk)
            measurement.indicator = indicator
            services.measurement_update(
                measurement=measurement, data=data, acting_user=self.acting_user
            )
