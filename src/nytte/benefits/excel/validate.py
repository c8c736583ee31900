"""Checking a read benefits workbook against the register, and planning the writes.

Nothing is written here. Each sheet is compared with what is stored (a fixed number of
queries per sheet): a row equal to the stored one is counted unchanged and planned no write,
so importing an unchanged export changes nothing. The models' own field validators and
``clean`` check each changed row, so no rule is written twice; rules that need related rows
which may not exist yet (a target after its indicator's baseline) are left to the services
in the trial write.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from nytte.core.excel.format import SheetSpec
from nytte.core.excel.plan import BasePlan, differs, present
from nytte.core.excel.read import OMIT, Row
from nytte.core.excel.result import Errors
from nytte.core.models import Programme, User
from nytte.portfolio.choices import GoalLevel
from nytte.portfolio.models import Goal, Initiative, Risk

from ..models import Benefit, BenefitAmount, Contribution, Indicator
from ..services import HUNDRED, default_priced
from .format import AMOUNTS, BENEFITS, INDICATORS, PROGRAMME, SHARES
from .write import Writer

# The benefit's own fields the file sets directly (foreign keys by id, see ``Writer``).
BENEFIT_FIELDS = (
    "title",
    "description",
    "kind",
    "priced",
    "arises_in_group",
    "budget_cut_share",
    "plus_minus",
    "plus_minus_reasoning",
    "preconditions",
    "status",
)
BENEFIT_KEYS = (
    "impact_goal_id",
    "arises_in_organisation_id",
    "owner_organisation_id",
    "owner_id",
)
AMOUNT_FIELDS = ("low", "likely", "high")


def blank(value: Any) -> bool:
    return value in (None, OMIT)


class Plan(BasePlan):
    """The benefits register's checks: its stored benefits, the goals and initiatives they
    point to, and the codes rows may refer to."""

    def __init__(self, programme: Programme, sheets: dict[str, list[Row]], errors: Errors) -> None:
        super().__init__(programme, sheets, errors)
        self.stored_benefits = {
            r["code"]: r
            for r in Benefit.objects.filter(programme=programme).values(
                "pk", "code", *BENEFIT_FIELDS, *BENEFIT_KEYS
            )
        }
        self.goals = {
            code: (pk, level)
            for code, pk, level in Goal.objects.filter(programme=programme).values_list(
                "code", "pk", "level"
            )
        }
        self.initiatives = set(
            Initiative.objects.filter(programme=programme).values_list("code", flat=True)
        )
        # Codes a row may refer to: stored, or created by this file.
        self.benefit_codes = set(self.stored_benefits) | {
            r.values["code"] for r in self.rows(BENEFITS) if not blank(r.values.get("code"))
        }
        # Whether each benefit is priced once the file is imported (for its amounts).
        self.priced = {code: r["priced"] for code, r in self.stored_benefits.items()}
        self.indicator_keys: set[tuple[str, str]] = set()

    def known_benefit(self, spec: SheetSpec, row: Row) -> str | None:
        code = row.values.get("benefit")
        if blank(code):
            return None
        if code not in self.benefit_codes:
            self.error(
                spec.name,
                row.number,
                "benefit",
                _("No benefit has the code “%(code)s” in this programme.") % {"code": code},
            )
            return None
        return code

    def known_indicator(self, spec: SheetSpec, row: Row) -> tuple[str, str] | None:
        """The (benefit code, indicator name) a target or measurement row refers to."""
        code = self.known_benefit(spec, row)
        name = row.values.get("indicator")
        if code is None or blank(name):
            return None
        if (code, name) not in self.indicator_keys:
            self.error(
                spec.name,
                row.number,
                "indicator",
                _("%(code)s has no indicator “%(name)s”.") % {"code": code, "name": name},
            )
            return None
        return code, name


def plan_programme(plan: Plan) -> None:
    """The file must be this programme's: a benefits register is not copied by accident."""
    rows = plan.rows(PROGRAMME)
    for row in rows[1:]:
        plan.error(PROGRAMME.name, row.number, "", _("The programme sheet has one row."))
    if not rows:
        return
    row = rows[0]
    slug = row.values.get("slug")
    if slug != plan.programme.slug:
        plan.error(
            PROGRAMME.name,
            row.number,
            "slug",
            _("This file is the register of “%(slug)s”, not of this programme.") % {"slug": slug},
        )
        return
    plan.count(PROGRAMME, "unchanged")


def _benefit_keys(plan: Plan, row: Row) -> tuple[dict[str, Any], bool]:
    """The foreign keys of a benefit row as ids; False where one names nothing known."""
    values, n, sheet = row.values, row.number, BENEFITS.name
    data: dict[str, Any] = {}
    ok = True
    for name in ("arises_in_organisation", "owner_organisation"):
        if values.get(name) is OMIT:
            continue
        orgnr = values.get(name)
        data[f"{name}_id"] = plan.org_id(sheet, n, name, orgnr) if orgnr else None
        ok &= not orgnr or data[f"{name}_id"] is not None
    goal = values.get("impact_goal")
    if goal is not OMIT:
        data["impact_goal_id"] = None
        if goal:
            pk, level = plan.goals.get(goal, (None, None))
            if pk is None:
                plan.error(
                    sheet, n, "impact_goal", _("No goal has the code “%(code)s”.") % {"code": goal}
                )
                ok = False
            elif level != GoalLevel.IMPACT:
                plan.error(sheet, n, "impact_goal", _("Choose an impact goal."))
                ok = False
            data["impact_goal_id"] = pk
    return data, ok


def plan_benefits(plan: Plan) -> None:
    sheet = BENEFITS.name
    seen: dict[str, int] = {}
    rows = plan.rows(BENEFITS)
    usernames = {r.values.get("owner") for r in rows} - {None, OMIT}
    user_ids = dict(User.objects.filter(username__in=usernames).values_list("username", "pk"))
    risk_ids = set(
        Risk.objects.filter(initiative__programme=plan.programme).values_list("pk", flat=True)
    )
    stored_risks: dict[int, set[int]] = defaultdict(set)
    for benefit_id, risk_id in Benefit.risks.through.objects.filter(
        benefit__programme=plan.programme
    ).values_list("benefit_id", "risk_id"):
        stored_risks[benefit_id].add(risk_id)
    for row in rows:
        values, n = row.values, row.number
        code = values.get("code")
        if blank(code) or not plan.unique(sheet, row, code, seen, "code"):
            continue
        stored = plan.stored_benefits.get(code)
        data = present(values, BENEFIT_FIELDS)
        if values.get("arises_in_group") is OMIT and not row.failed:
            data["arises_in_group"] = ""  # a blank group is no group, not "keep the stored"
        if stored is None and "priced" not in data and "kind" in data:
            data["priced"] = default_priced(data["kind"])  # the service's default
        keys, ok = _benefit_keys(plan, row)
        data.update(keys)
        owner = values.get("owner", OMIT)
        if owner is not OMIT:
            data["owner_id"] = user_ids.get(owner) if owner else None
            if owner and data["owner_id"] is None:
                plan.error(sheet, n, "owner", _("No user is called “%(name)s”.") % {"name": owner})
                ok = False
        risks: set[int] | None = None
        if values.get("risks", OMIT) is not OMIT:
            risks = set()
            for text in values["risks"]:
                pk = int(text) if text.isdigit() else None
                if pk not in risk_ids:
                    plan.error(
                        sheet,
                        n,
                        "risks",
                        _("No risk in this programme has the ID %(id)s.") % {"id": text},
                    )
                    ok = False
                risks.add(pk or 0)
        base = {name: stored[name] for name in (*BENEFIT_FIELDS, *BENEFIT_KEYS)} if stored else {}
        plan.priced[code] = {**base, **data}.get("priced", True)
        if stored is not None:
            same_risks = risks is None or risks == stored_risks[stored["pk"]]
            if same_risks and not differs(data, stored):
                plan.count(BENEFITS, "unchanged")
                continue
        if not ok or row.failed:
            continue
        trial = Benefit(programme=plan.programme, code=code, **{**base, **data})
        trial.impact_goal_id = None  # checked above, without a query per row
        plan.validate_model(
            sheet,
            n,
            trial,
            exclude=[
                "programme",
                "impact_goal",
                "arises_in_organisation",
                "owner_organisation",
                "owner",
            ],
        )
        plan.count(BENEFITS, "created" if stored is None else "updated")
        plan.step(BENEFITS, row, Writer.benefit, code=code, data=data, risks=risks)


def plan_shares(plan: Plan) -> None:
    """Shares are written per benefit: one step sets all of its changed initiatives."""
    stored: dict[tuple[str, str], Decimal] = {
        (b, i): s
        for b, i, s in Contribution.objects.filter(benefit__programme=plan.programme).values_list(
            "benefit__code", "initiative__code", "share"
        )
    }
    totals: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for (benefit, initiative), share in stored.items():
        totals[benefit][initiative] = share
    seen: dict[tuple[str, str], int] = {}
    changes: dict[str, dict[str, Decimal]] = defaultdict(dict)
    first_row: dict[str, Row] = {}
    last_row: dict[str, Row] = {}
    sheet = SHARES.name
    for row in plan.rows(SHARES):
        code = plan.known_benefit(SHARES, row)
        initiative, share = row.values.get("initiative"), row.values.get("share")
        if not blank(initiative) and initiative not in plan.initiatives:
            plan.error(
                sheet,
                row.number,
                "initiative",
                _("No initiative has the code “%(code)s” in this programme.")
                % {"code": initiative},
            )
            continue
        if code is None or blank(initiative) or blank(share):
            continue
        if not plan.unique(sheet, row, (code, initiative), seen, "initiative"):
            continue
        plan.validate_model(
            sheet, row.number, Contribution(share=share), exclude=["benefit", "initiative"]
        )
        totals[code][initiative] = share
        last_row[code] = row
        before = stored.get((code, initiative))
        if before == share:
            plan.count(SHARES, "unchanged")
            continue
        plan.count(SHARES, "created" if before is None else "updated")
        changes[code][initiative] = share
        first_row.setdefault(code, row)
    for code, row in last_row.items():
        total = sum(totals[code].values(), Decimal(0))
        if total > HUNDRED:
            plan.error(
                sheet,
                row.number,
                "share",
                _(
                    "The initiatives' shares of %(code)s add up to %(total)s %%; "
                    "together they can be at most 100 %%."
                )
                % {"code": code, "total": f"{total.normalize():f}"},
            )
    for code, wanted in changes.items():
        plan.step(SHARES, first_row[code], Writer.shares, code=code, wanted=wanted)


def plan_amounts(plan: Plan) -> None:
    stored = {
        (r[1], r[2]): r
        for r in BenefitAmount.objects.filter(benefit__programme=plan.programme).values_list(
            "pk", "benefit__code", "year", *AMOUNT_FIELDS
        )
    }
    seen: dict[tuple[str, int], int] = {}
    sheet = AMOUNTS.name
    for row in plan.rows(AMOUNTS):
        code, year = plan.known_benefit(AMOUNTS, row), row.values.get("year")
        if code is None or blank(year):
            continue
        if not plan.unique(sheet, row, (code, year), seen, "year") or row.failed:
            continue
        data = present(row.values, AMOUNT_FIELDS)
        existing = stored.get((code, year))
        if existing is not None and not differs(
            data, dict(zip(AMOUNT_FIELDS, existing[3:], strict=True))
        ):
            plan.count(AMOUNTS, "unchanged")
            continue
        if not plan.priced.get(code, True):
            plan.error(sheet, row.number, "benefit", _("Only priced benefits have amounts in NOK."))
            continue
        plan.validate_model(
            sheet,
            row.number,
            BenefitAmount(year=year, **data),
            exclude=["benefit"],
            non_field="likely",
        )
        plan.count(AMOUNTS, "created" if existing is None else "updated")
        pk = None if existing is None else existing[0]
        plan.step(AMOUNTS, row, Writer.amount, code=code, year=year, pk=pk, data=data)


def indicator_keys(plan: Plan) -> set[tuple[str, str]]:
    """(benefit code, indicator name) of stored indicators and of those the file adds."""
    keys = set(
        Indicator.objects.filter(benefit__programme=plan.programme).values_list(
            "benefit__code", "name"
        )
    )
    for row in plan.rows(INDICATORS):
        code, name = row.values.get("benefit"), row.values.get("name")
        if not blank(code) and not blank(name):
            keys.add((code, name))
    return keys
