"""The plan as the page shows it: its summary and one page of its benefits, filtered by an
initiative or an owner, whether the plan is the current one or a saved version.

A programme's plan at national size (20,000 benefits, 400,000 measurements) takes about a
minute to build whole and is some 200 MB of HTML, so the page never builds or shows it
whole: the current plan's summary is kept under the programme's register versions (warmed
by ``nytte worker`` after a change, as the other benefits pages are), a saved version's is
its ``content``, and only the benefits on the page are read: from the register for the
current plan, from the version's rows for a saved one. The Word and Excel files hold the
whole plan (``PlanSource.whole``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Protocol

from django.core.paginator import Page, Paginator
from django.utils import timezone
from django.utils.translation import gettext as _

from nytte.core import registercache
from nytte.core.actors import Actor
from nytte.core.models import Programme
from nytte.portfolio.models import Initiative

from ..models import RealisationPlan, RealisationPlanBenefit
from .build import build_pieces, build_plan, plan_benefit_data, plan_summary
from .tables import assemble, split

PAGE_SIZE = 10  # benefits a page shows, each with its profile, indicators and measurements
SUMMARY = "benefits:plan-summary"
SAVED = "benefits:plan-version"


class PlanSource(Protocol):
    """A plan to show: its summary, its benefits read by code, and the whole plan."""

    summary: dict[str, Any]

    def benefits(self, codes: list[str]) -> list[dict[str, Any]]: ...

    def whole(self) -> dict[str, Any]: ...


def current_summary(programme: Programme, user: Actor) -> dict[str, Any]:
    """The summary of the programme's current plan, kept under the portfolio version (it
    reads the benefits, their shares and amounts, the initiatives and goals, and no text
    to translate: recorded measurements leave it). Shared by every request: not to be
    changed."""
    return registercache.cached_for_register(
        programme,
        SUMMARY,
        compute=lambda: plan_summary(programme=programme, user=user),
        reads=registercache.PORTFOLIO,
        by_language=False,
    )


class WholePlan:
    """A plan held whole: an initiative's (a handful of benefits, read in one go), or a
    version saved before plans were kept in pieces (the whole plan in ``content``)."""

    def __init__(self, summary: dict[str, Any], benefits: list[dict[str, Any]]) -> None:
        self.summary = summary
        self._by_code = {b["code"]: b for b in benefits}

    def benefits(self, codes: list[str]) -> list[dict[str, Any]]:
        return [self._by_code[code] for code in codes if code in self._by_code]

    def whole(self) -> dict[str, Any]:
        return assemble(self.summary, list(self._by_code.values()))


class ProgrammePlan:
    """The programme's plan as the register holds it now: its summary kept
    (``current_summary``), the page's benefits read from the register."""

    def __init__(self, programme: Programme, user: Actor, today: dt.date) -> None:
        self.programme, self.user, self.today = programme, user, today

    @cached_property
    def summary(self) -> dict[str, Any]:
        """Read when asked for: the whole plan (``whole``) builds its own. Kept from an
        earlier day, it says today: nothing else in it depends on the day."""
        return {**current_summary(self.programme, self.user), "built_on": self.today.isoformat()}

    def benefits(self, codes: list[str]) -> list[dict[str, Any]]:
        return plan_benefit_data(
            programme=self.programme,
            user=self.user,
            codes=codes,
            years=self.summary["years"],
            today=self.today,
        )

    def whole(self) -> dict[str, Any]:
        """Built anew in one read, not from the kept summary: the whole plan as of now."""
        return build_plan(programme=self.programme, user=self.user, today=self.today)


class SavedRows:
    """A saved version: its summary in ``content``, its benefits' rows read by code."""

    def __init__(self, saved: RealisationPlan, summary: dict[str, Any]) -> None:
        self.saved, self.summary = saved, summary

    def benefits(self, codes: list[str]) -> list[dict[str, Any]]:
        rows = dict(
            RealisationPlanBenefit.objects.filter(plan=self.saved, code__in=codes).values_list(
                "code", "content"
            )
        )
        return [rows[code] for code in codes if code in rows]

    def whole(self) -> dict[str, Any]:
        rows = self.saved.benefit_rows.order_by("position").values_list("content", flat=True)
        return assemble(self.summary, list(rows))


def current_plan(programme: Programme, initiative: Initiative | None, user: Actor) -> PlanSource:
    """The plan as the register holds it now."""
    today = timezone.localdate()
    if initiative is None:
        return ProgrammePlan(programme, user, today)
    return WholePlan(
        *build_pieces(programme=programme, user=user, initiative=initiative, today=today)
    )


def saved_plan(saved: RealisationPlan) -> PlanSource:
    """A saved version exactly as it was. Its content (a programme's summary is some MB of
    JSON, a version saved whole before far more) is read and parsed once per process and
    register version, not on every page of it: ``saved`` may come without it."""

    def pieces() -> tuple[dict[str, Any], list[dict[str, Any]] | None]:
        content = RealisationPlan.objects.values_list("content", flat=True).get(pk=saved.pk)
        if "benefits" in content:
            return split(content)
        return content, None

    summary, whole = registercache.cached_for_register(
        saved.programme, SAVED, saved.pk, compute=pieces, by_language=False
    )
    if whole is not None:
        return WholePlan(summary, whole)
    return SavedRows(saved, summary)


def plan_source(
    programme: Programme,
    initiative: Initiative | None,
    saved: RealisationPlan | None,
    user: Actor,
) -> PlanSource:
    """The plan to show or put in a file: the version ``saved`` as it was, or the plan as
    the register holds it now."""
    if saved is not None:
        return saved_plan(saved)
    return current_plan(programme, initiative, user)


@dataclass
class Shown:
    """What the page shows of a plan: ``plan`` (the dict the document renders: summary
    totals, this page's benefits), ``page`` (of the codes the filter leaves), and the filter
    with its error, if any; ``owners``: every owner of the plan, to choose from."""

    plan: dict[str, Any]
    page: Page
    initiative: str = ""
    owner: str = ""
    error: str = ""
    owners: list[dict[str, Any]] = field(default_factory=list)

    @property
    def paged(self) -> bool:
        """Whether the document lists fewer benefits than the plan has."""
        return len(self.plan["benefits"]) < self.plan["counts"]["benefits"]

    @property
    def filtered(self) -> bool:
        return bool(self.initiative or self.owner)


def _filtered_codes(summary: dict[str, Any], initiative: str, owner: str) -> tuple[list[str], str]:
    """The codes the filter leaves, in plan order, and what is wrong with the filter."""
    codes = summary["codes"]
    if initiative:
        found = next((i for i in summary["initiatives"] if i["code"] == initiative), None)
        if found is None:
            return [], _("No initiative with the code %(code)s contributes to this plan.") % {
                "code": initiative
            }
        codes = found["benefits"]
    if owner:
        found = next((o for o in summary["owners"] if o["key"] == owner), None)
        if found is None:
            return [], _("No benefit in this plan has that owner.")
        owned = set(found["benefits"])
        codes = [code for code in codes if code in owned]
    return codes, ""


def shown(source: PlanSource, *, initiative: str = "", owner: str = "", page: Any = 1) -> Shown:
    """The page ``page`` of the plan's benefits that ``initiative`` (a code: the benefits it
    contributes to) and ``owner`` (an owner's key) leave, with the summary's totals."""
    summary = source.summary
    initiative, owner = initiative.strip(), owner.strip()
    if summary["scope"] != "programme":
        initiative = ""  # an initiative's plan is its own benefits already
    codes, error = _filtered_codes(summary, initiative, owner)
    current = Paginator(codes, PAGE_SIZE, allow_empty_first_page=True).get_page(page)
    plan = assemble(summary, source.benefits(list(current)), page=True)
    return Shown(
        plan=plan,
        page=current,
        initiative=initiative,
        owner=owner,
        error=error,
        owners=summary["owners"],
    )
