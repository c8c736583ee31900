"""Checking a read workbook against the register, and planning the writes it asks for.

Nothing is written here. Each sheet is compared with what is stored (a fixed number of
queries per sheet): a row equal to the stored one is counted unchanged and planned no write,
so importing an unchanged export changes nothing. The model's own field validators and
``clean`` check each changed row, so no rule is written twice; rules that need related rows
which may not exist yet are left to the services in the trial write.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.utils.translation import gettext as _

from nytte.core.excel.format import SheetSpec
from nytte.core.excel.plan import BasePlan, differs, present
from nytte.core.excel.read import OMIT, Row
from nytte.core.excel.result import Errors
from nytte.core.excel.write import Step
from nytte.core.models import Programme, User

from ..models import Goal, Initiative, InitiativeGoal, LifeEvent
from .format import CONTRIBUTIONS, GOALS, INITIATIVES, PROGRAMME
from .write import Writer

INITIATIVE_FIELDS = (
    "title",
    "description",
    "owner_organisation_id",
    "owner_id",
    "phase",
    "status",
    "status_reason",
    "planned_start",
    "planned_end",
    "mandatory",
    "digitalisation",
    "published",
)


class Plan(BasePlan):
    """The portfolio register's checks: its stored initiatives and goals, and the codes rows
    may refer to."""

    def __init__(self, programme: Programme, sheets: dict[str, list[Row]], errors: Errors) -> None:
        super().__init__(programme, sheets, errors)
        self.stored_initiatives = {
            r["code"]: r
            for r in Initiative.objects.filter(programme=programme).values(
                "pk", "code", *INITIATIVE_FIELDS
            )
        }
        self.stored_goals = {
            r["code"]: r
            for r in Goal.objects.filter(programme=programme).values(
                "pk", "code", "level", "parent__code", "title", "description", "weight"
            )
        }
        # Codes a row may refer to: stored, or created by this file.
        self.initiative_codes = set(self.stored_initiatives) | {
            r.values["code"] for r in self.rows(INITIATIVES) if r.values.get("code")
        }
        self.goal_codes = set(self.stored_goals) | {
            r.values["code"] for r in self.rows(GOALS) if r.values.get("code")
        }

    def known_initiative(self, spec: SheetSpec, row: Row, column: str) -> str | None:
        code = row.values.get(column)
        if code in (None, OMIT):
            return None
        if code not in self.initiative_codes:
            self.error(
                spec.name,
                row.number,
                column,
                _("No initiative has the code “%(code)s” in this programme.") % {"code": code},
            )
            return None
        return code


def plan_programme(plan: Plan) -> None:
    rows = plan.rows(PROGRAMME)
    if len(rows) > 1:
        for row in rows[1:]:
            plan.error(PROGRAMME.name, row.number, "", _("The programme sheet has one row."))
    if not rows:
        return
    row = rows[0]
    programme = plan.programme
    slug = row.values.get("slug")
    if slug not in (OMIT, programme.slug):
        plan.error(
            PROGRAMME.name,
            row.number,
            "slug",
            _("This file is the register of “%(slug)s”, not of this programme.") % {"slug": slug},
        )
        return
    names = ("vision", "target_picture", "start_year", "end_year")
    data = present(row.values, names)
    stored = {name: getattr(programme, name) for name in names}
    if not differs(data, stored):
        plan.count(PROGRAMME, "unchanged")
        return
    trial = Programme(**{**stored, **data})
    plan.validate_model(
        PROGRAMME.name,
        row.number,
        trial,
        exclude=[f.name for f in Programme._meta.fields if f.name not in names],
    )
    plan.count(PROGRAMME, "updated")
    plan.step(PROGRAMME, row, Writer.programme_frame, data=data)


def plan_goals(plan: Plan) -> None:
    seen: dict[str, int] = {}
    roots: list[Step] = []
    children: list[Step] = []
    for row in plan.rows(GOALS):
        code, parent = row.values.get("code"), row.values.get("parent")
        if code in (None, OMIT) or not plan.unique(GOALS.name, row, code, seen, "code"):
            continue
        if parent not in (None, OMIT) and parent not in plan.goal_codes:
            plan.error(
                GOALS.name,
                row.number,
                "parent",
                _("No goal has the code “%(code)s”.") % {"code": parent},
            )
            continue
        if row.failed:
            continue
        data = present(row.values, ("level", "title", "description", "weight"))
        stored = plan.stored_goals.get(code)
        if stored is not None:
            before = {**stored, "parent": stored["parent__code"]}
            if not differs({**data, "parent": parent}, before):
                plan.count(GOALS, "unchanged")
                continue
        trial = Goal(programme=plan.programme, code=code, **data)
        plan.validate_model(
            GOALS.name, row.number, trial, exclude=["programme", "parent"], clean=False
        )
        plan.count(GOALS, "created" if stored is None else "updated")
        step = Step(
            GOALS.name, row.number, Writer.goal_save, {"code": code, "parent": parent, "data": data}
        )
        (children if parent else roots).append(step)
    # A parent is written before the goals under it.
    plan.steps.extend(roots + children)


def plan_initiatives(plan: Plan) -> None:
    seen: dict[str, int] = {}
    participants: dict[int, set[int]] = defaultdict(set)
    for initiative_id, org_id in Initiative.participants.through.objects.filter(
        initiative__programme=plan.programme
    ).values_list("initiative_id", "organisation_id"):
        participants[initiative_id].add(org_id)
    events: dict[int, set[int]] = defaultdict(set)
    for initiative_id, event_id in Initiative.life_events.through.objects.filter(
        initiative__programme=plan.programme
    ).values_list("initiative_id", "lifeevent_id"):
        events[initiative_id].add(event_id)
    event_ids = dict(LifeEvent.objects.values_list("slug", "pk"))
    usernames = {r.values.get("owner") for r in plan.rows(INITIATIVES)} - {None, OMIT}
    user_ids = dict(User.objects.filter(username__in=usernames).values_list("username", "pk"))
    sheet = INITIATIVES.name
    for row in plan.rows(INITIATIVES):
        values, n = row.values, row.number
        code = values.get("code")
        if code in (None, OMIT) or not plan.unique(sheet, row, code, seen, "code"):
            continue
        data = present(values, INITIATIVE_FIELDS[:2] + INITIATIVE_FIELDS[4:])
        ok = True
        if values.get("owner_organisation") not in (None, OMIT):
            data["owner_organisation_id"] = plan.org_id(
                sheet, n, "owner_organisation", values["owner_organisation"]
            )
            ok &= data["owner_organisation_id"] is not None
        owner = values.get("owner", OMIT)
        if owner is not OMIT:
            data["owner_id"] = user_ids.get(owner) if owner else None
            if owner and data["owner_id"] is None:
                plan.error(sheet, n, "owner", _("No user is called “%(name)s”.") % {"name": owner})
                ok = False
        orgs: set[int] = set()
        for orgnr in values.get("participants") or []:
            pk = plan.org_id(sheet, n, "participants", orgnr)
            ok &= pk is not None
            orgs.add(pk or 0)
        slugs: set[int] = set()
        for slug in values.get("life_events") or []:
            if slug not in event_ids:
                plan.error(
                    sheet,
                    n,
                    "life_events",
                    _("No life event has the short name “%(slug)s”.") % {"slug": slug},
                )
                ok = False
            slugs.add(event_ids.get(slug, 0))
        stored = plan.stored_initiatives.get(code)
        new_orgs = orgs if values.get("participants", OMIT) is not OMIT else None
        new_events = slugs if values.get("life_events", OMIT) is not OMIT else None
        if stored is not None:
            same_orgs = new_orgs is None or new_orgs == participants[stored["pk"]]
            same_events = new_events is None or new_events == events[stored["pk"]]
            if same_orgs and same_events and not differs(data, stored):
                plan.count(INITIATIVES, "unchanged")
                continue
        if not ok or row.failed:
            continue
        base = {name: stored[name] for name in INITIATIVE_FIELDS} if stored else {}
        trial = Initiative(programme=plan.programme, code=code, **{**base, **data})
        plan.validate_model(sheet, n, trial, exclude=["programme", "owner_organisation", "owner"])
        plan.count(INITIATIVES, "created" if stored is None else "updated")
        plan.step(
            INITIATIVES,
            row,
            Writer.initiative_save,
            code=code,
            data=data,
            orgs=new_orgs,
            events=new_events,
        )


def plan_contributions(plan: Plan) -> None:
    """Contributions are written per initiative: one step sets all of its changed goals."""
    stored: dict[tuple[str, str], Decimal] = {
        (i, g): c
        for i, g, c in InitiativeGoal.objects.filter(
            initiative__programme=plan.programme
        ).values_list("initiative__code", "goal__code", "contribution")
    }
    seen: dict[tuple[str, str], int] = {}
    changes: dict[str, dict[str, Decimal]] = defaultdict(dict)
    first_row: dict[str, Row] = {}
    sheet = CONTRIBUTIONS.name
    for row in plan.rows(CONTRIBUTIONS):
        code = plan.known_initiative(CONTRIBUTIONS, row, "initiative")
        goal = row.values.get("goal")
        if goal not in (None, OMIT) and goal not in plan.goal_codes:
            plan.error(
                sheet, row.number, "goal", _("No goal has the code “%(code)s”.") % {"code": goal}
            )
            continue
        contribution = row.values.get("contribution")
        if code is None or goal in (None, OMIT) or contribution in (None, OMIT):
            continue
        if not plan.unique(sheet, row, (code, goal), seen, "goal"):
            continue
        trial = InitiativeGoal(contribution=contribution)
        plan.validate_model(sheet, row.number, trial, exclude=["initiative", "goal"], clean=False)
        before = stored.get((code, goal))
        if before == contribution:
            plan.count(CONTRIBUTIONS, "unchanged")
            continue
        plan.count(CONTRIBUTIONS, "created" if before is None else "updated")
        changes[code][goal] = contribution
        first_row.setdefault(code, row)
    for code, wanted in changes.items():
        plan.step(CONTRIBUTIONS, first_row[code], Writer.contributions, code=code, wanted=wanted)
