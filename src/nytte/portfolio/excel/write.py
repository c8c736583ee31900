"""Writing a checked import through the portfolio services, as the acting user.

``validate`` only plans; each planned step here is one service call, so rights, model rules
and the change log are exactly those of the pages and the API. Rules the services enforce
(the goal hierarchy, cycles of "requires") surface as errors against the row that asked.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from nytte.core.actors import Actor
from nytte.core.excel.result import Errors
from nytte.core.excel.write import Step, run_steps
from nytte.core.models import Organisation, Programme
from nytte.core.services import programme_update

from .. import services
from ..models import CostLine, Dependency, Goal, Initiative, LifeEvent, Risk, StatusReport


class Writer:
    """Runs the steps in order; later steps find the initiatives and goals earlier ones made."""

    def __init__(self, programme: Programme, acting_user: Actor) -> None:
        self.programme = programme
        self.acting_user = acting_user
        self.initiatives: dict[str, Initiative] = {}
        self.goals: dict[str, Goal] = {}

    def run(self, steps: list[Step], errors: Errors) -> None:
        """Run every step; each failure is recorded against its row."""
        if not steps:
            return
        for initiative in Initiative.objects.filter(programme=self.programme):
            initiative.programme = self.programme  # permission checks need no query
            self.initiatives[initiative.code] = initiative
        self.goals.update({g.code: g for g in Goal.objects.filter(programme=self.programme)})
        run_steps(self, steps, errors)

    def goal(self, code: str) -> Goal:
        if code not in self.goals:
            self.goals[code] = Goal.objects.get(programme=self.programme, code=code)
        return self.goals[code]

    # -- one method per kind of step ------------------------------------------------------

    def programme_frame(self, *, data: dict[str, Any]) -> None:
        programme_update(programme=self.programme, data=data, acting_user=self.acting_user)

    def goal_save(self, *, code: str, parent: str | None, data: dict[str, Any]) -> None:
        payload = {**data, "code": code, "parent": self.goals[parent] if parent else None}
        self.goals[code] = services.goal_save(
            programme=self.programme,
            goal=self.goals.get(code),
            data=payload,
            acting_user=self.acting_user,
        )

    def initiative_save(
        self,
        *,
        code: str,
        data: dict[str, Any],
        orgs: set[int] | None,
        events: set[int] | None,
    ) -> None:
        """``orgs`` and ``events`` are ids, or None where the file leaves them as they are."""
        org_objects = None if orgs is None else Organisation.objects.filter(pk__in=orgs)
        event_objects = None if events is None else LifeEvent.objects.filter(pk__in=events)
        existing = self.initiatives.get(code)
        if existing is None:
            created = services.initiative_create(
                programme=self.programme,
                data={**data, "code": code},
                participants=org_objects or (),
                life_events=event_objects or (),
                acting_user=self.acting_user,
            )
            created.programme = self.programme
            self.initiatives[code] = created
        else:
            services.initiative_update(
                initiative=existing,
                data=data,
                participants=org_objects,
                life_events=event_objects,
                acting_user=self.acting_user,
            )

    def contributions(self, *, code: str, wanted: dict[str, Decimal]) -> None:
        """Set the named goals' contributions, keeping the initiative's other goals."""
        initiative = self.initiatives[code]
        current = {
            link.goal.code: link.contribution
            for link in initiative.goal_links.select_related("goal")
        }
        goals = {self.goal(c): w for c, w in {**current, **wanted}.items()}
        services.initiative_update(
            initiative=initiative, data={}, goals=goals, acting_user=self.acting_user
        )

    def cost_line(
        self, *, code: str, pk: int | None, key: tuple[Any, ...], data: dict[str, Any]
    ) -> None:
        """``key`` is (initiative code, organisation id, year, category)."""
        initiative = self.initiatives[code]
        if pk is None:
            services.cost_line_create(
                initiative=initiative,
                organisation_id=key[1],
                year=key[2],
                category=key[3],
                acting_user=self.acting_user,
                **data,
            )
        else:
            line = CostLine.objects.get(pk=pk)
            line.initiative = initiative
            services.cost_line_update(line, data=data, acting_user=self.acting_user)

    def dependency(self, *, source: str, target: str, kind: str, note: str, pk: int | None) -> None:
        if pk is None:
            services.dependency_create(
                source=self.initiatives[source],
                target=self.initiatives[target],
                kind=kind,
                note=note,
                acting_user=self.acting_user,
            )
        else:
            dependency = Dependency.objects.get(pk=pk)
            dependency.source = self.initiatives[source]
            dependency.target = self.initiatives[target]
            services.dependency_update(
                dependency, data={"note": note}, acting_user=self.acting_user
            )

    def risk(self, *, code: str, pk: int | None, data: dict[str, Any]) -> None:
        initiative = self.initiatives[code]
        if pk is None:
            services.risk_create(initiative=initiative, acting_user=self.acting_user, **data)
        else:
            risk = Risk.objects.get(pk=pk)
            risk.initiative = initiative
            services.risk_update(risk, data=data, acting_user=self.acting_user)

    def status_report(
        self, *, code: str, period: str, pk: int | None, data: dict[str, Any]
    ) -> None:
        initiative = self.initiatives[code]
        if pk is None:
            services.status_report_create(
                initiative=initiative, period=period, acting_user=self.acting_user, **data
            )
        else:
            report = StatusReport.objects.get(pk=pk)
            report.initiative = initiative
            services.status_report_update(report, data=data, acting_user=self.acting_user)
