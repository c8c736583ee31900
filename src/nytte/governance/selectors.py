"""Reads for step 4: forums, meetings, cases with their context, decisions, baselines and
the governance dialogue, always scoped to what the user may see (``for_user``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import CharField, OuterRef, Prefetch, QuerySet
from django.db.models.functions import Cast, JSONObject

from nytte.core.actors import Actor
from nytte.core.jsonrows import json_rows, ordered, prefetched, restore
from nytte.core.models import Organisation, Programme
from nytte.core.permissions import Action, can
from nytte.proposals.assessment.selectors import (
    criteria_for,
    in_dimension_order,
    results_from,
)
from nytte.proposals.models import Criterion, ProposalLink, Score
from nytte.scenarios.selectors import compare

from .choices import OPEN_CASE_STATUSES
from .funding import ShareRow, split_or_error, total_cost
from .models import (
    AgendaItem,
    Baseline,
    CaseOption,
    Decision,
    DecisionCase,
    DialogueItem,
    Forum,
    ForumMember,
    FundingShare,
    Meeting,
    OptionBenefit,
    OptionCost,
)


def forum_list(*, user: Actor, programme: Programme) -> QuerySet[Forum]:
    return (
        Forum.objects.for_user(user)
        .filter(programme=programme)
        .select_related("organisation")
        .prefetch_related(
            Prefetch("memberships", queryset=ForumMember.objects.select_related("user"))
        )
    )


def forum_get(*, user: Actor, programme: Programme, pk: int) -> Forum:
    forum = forum_list(user=user, programme=programme).get(pk=pk)
    forum.programme = programme  # read once: its URL and its meetings' need the slug
    return forum


def meeting_get(*, user: Actor, programme: Programme, pk: int) -> Meeting:
    return (
        Meeting.objects.for_user(user)
        .filter(forum__programme=programme)
        .select_related("forum__programme")
        .prefetch_related(
            Prefetch(
                "agenda",
                # Each case's URL needs its programme: read with it, not per item.
                queryset=AgendaItem.objects.select_related("case__programme").order_by(
                    "order", "pk"
                ),
            )
        )
        .get(pk=pk)
    )


def case_list(
    *, user: Actor, programme: Programme, status: str | None = None
) -> QuerySet[DecisionCase]:
    cases = (
        DecisionCase.objects.for_user(user)
        .filter(programme=programme)
        .select_related("proposal", "initiative", "forum")
    )
    if status:
        cases = cases.filter(status=status)
    return cases


def _options_queryset() -> QuerySet[CaseOption]:
    return CaseOption.objects.select_related("owner_organisation", "snapshot").prefetch_related(
        Prefetch("costs", queryset=OptionCost.objects.select_related("organisation")),
        Prefetch("benefits", queryset=OptionBenefit.objects.select_related("organisation")),
        Prefetch("funding_shares", queryset=FundingShare.objects.select_related("organisation")),
    )


_ORGANISATION_FIELDS = ("id", "name", "short_name", "orgnr", "kind", "parent_id")

# Each child relation of an option read along in the option's query (``json_rows``): its
# model, its fields, and its order (the model's ``Meta.ordering`` within one option; the
# organisation's is its name).
_OPTION_CHILDREN: dict[str, tuple[type[Any], dict[str, Any], tuple[str, ...]]] = {
    "costs": (
        OptionCost,
        {"id": "id", "year": "year", "category": "category", "amount": "amount"},
        ("year", "org_name", "id"),
    ),
    "benefits": (
        OptionBenefit,
        {
            "id": "id",
            "description": "description",
            "annual_amount": "annual_amount",
            "gained": "gained",
        },
        ("id",),
    ),
    "funding_shares": (
        FundingShare,
        {"id": "id", "basis": Cast("basis", CharField())},
        ("org_name", "id"),
    ),
}


def _fused_options_queryset() -> QuerySet[CaseOption]:
    """:func:`_options_queryset` in one query: each option's costs, benefits and funding
    shares, with their organisations, read along as JSON rows (:mod:`nytte.core.jsonrows`);
    :func:`_hand_children` gives them to the relations."""
    rows = {}
    for relation, (model, fields, order_by) in _OPTION_CHILDREN.items():
        rows[f"{relation}_rows"] = json_rows(
            model.objects.filter(option=OuterRef("pk")),
            "option",
            order_by,
            **fields,
            option_id="option_id",
            organisation_id="organisation_id",
            org_name="organisation__name",
            org=JSONObject(**{f: f"organisation__{f}" for f in _ORGANISATION_FIELDS}),
        )
    return CaseOption.objects.select_related("owner_organisation", "snapshot").annotate(**rows)


def _hand_children(option: CaseOption) -> None:
    """The JSON rows of :func:`_fused_options_queryset` as the option's relations, in the
    order and with the organisations the prefetches of :func:`_options_queryset` give."""
    for relation, (model, _fields, order_by) in _OPTION_CHILDREN.items():
        objects = []
        for row in ordered(list(getattr(option, f"{relation}_rows") or ()), order_by):
            row = dict(row)
            row.pop("org_name")
            org = row.pop("org")
            (obj,) = restore(model, [row])
            has_org = org and org["id"] is not None
            obj.organisation = restore(Organisation, [org])[0] if has_org else None
            objects.append(obj)
        prefetched(option, relation, objects)


def with_options(cases: QuerySet[DecisionCase]) -> QuerySet[DecisionCase]:
    """``cases`` with their options, and each option's costs, benefits and funding shares
    with their organisations: four queries however many cases and options."""
    return cases.prefetch_related(Prefetch("options", queryset=_options_queryset()))


def _in_programme(case: DecisionCase, programme: Programme) -> DecisionCase:
    """The case, and its proposal or initiative, given the programme already read: the pages
    and the memo ask for it often (their URLs need the slug), a query each otherwise."""
    case.programme = programme
    for subject in (case.proposal, case.initiative):
        if subject is not None and subject.programme_id == programme.pk:
            subject.programme = programme
    return case


def with_programme(cases: Iterable[DecisionCase], programme: Programme) -> list[DecisionCase]:
    """``cases`` of ``programme`` read for a page that links them and their subjects: no
    query per case."""
    return [_in_programme(case, programme) for case in cases]


def case_get(*, user: Actor, programme: Programme, number: int) -> DecisionCase:
    case = (
        case_list(user=user, programme=programme)
        .select_related("recommended_option", "scenario", "scenario_run", "prepared_by")
        .prefetch_related(Prefetch("options", queryset=_fused_options_queryset()))
        .annotate(
            score_rows=json_rows(
                _submitted_scores(OuterRef("proposal_id")),
                "assessment__proposal",
                ("assessment", "criterion"),
                **_SCORE_FIELDS,
            ),
            criterion_rows=json_rows(
                Criterion.objects.filter(programme=OuterRef("programme_id")),
                "programme",
                **_CRITERION_FIELDS,
            ),
        )
        .get(number=number)
    )
    for option in case.options.all():
        _hand_children(option)
    return _in_programme(case, programme)


def decision_list(*, user: Actor, programme: Programme) -> QuerySet[Decision]:
    return (
        Decision.objects.for_user(user)
        .filter(case__programme=programme)
        .select_related("case", "option", "forum", "meeting", "decided_by")
        .order_by("-decided_on", "-pk")
    )


def case_meetings(case: DecisionCase) -> list[Meeting]:
    """The meetings with ``case`` on their agenda, with their forums, for a page that links
    them: no query per meeting for the programme their URLs need."""
    meetings = list(case.meetings.select_related("forum"))
    for meeting in meetings:
        if meeting.forum.programme_id == case.programme_id:
            meeting.forum.programme = case.programme
    return meetings


def latest_decisions(*, user: Actor, programme: Programme, limit: int = 20) -> list[Decision]:
    """The programme's latest decisions, for a page that links them: no query per decision
    for the programme their URLs need."""
    decisions = list(decision_list(user=user, programme=programme)[:limit])
    for decision in decisions:
        decision.case.programme = programme
    return decisions


def decision_get(*, user: Actor, programme: Programme, pk: int) -> Decision:
    return (
        decision_list(user=user, programme=programme)
        .select_related("amends", "case__programme")
        .prefetch_related("present")
        .get(pk=pk)
    )


def baseline_list(*, user: Actor, programme: Programme) -> QuerySet[Baseline]:
    return (
        Baseline.objects.for_user(user)
        .filter(programme=programme)
        .select_related("decision__case", "scenario", "created_by")
        .defer("content")
    )


def baseline_get(*, user: Actor, programme: Programme, number: int) -> Baseline:
    return (
        Baseline.objects.for_user(user)
        .filter(programme=programme)
        .select_related("decision__case", "scenario", "created_by")
        .get(number=number)
    )


def dialogue_items(
    *, user: Actor, programme: Programme, ministry: int | None = None, agency: int | None = None
) -> QuerySet[DialogueItem]:
    items = (
        DialogueItem.objects.for_user(user)
        .filter(programme=programme)
        .select_related("ministry", "agency", "case", "decision__forum")
    )
    if ministry:
        items = items.filter(ministry_id=ministry)
    if agency:
        items = items.filter(agency_id=agency)
    return items


def dialogue_groups(items: QuerySet[DialogueItem]) -> list[dict[str, Any]]:
    """Items per ministry and agency, in that order (the page's and the export's layout)."""
    groups: dict[tuple[int, int | None], dict[str, Any]] = {}
    for item in items:
        key = (item.ministry_id, item.agency_id)
        groups.setdefault(key, {"ministry": item.ministry, "agency": item.agency, "items": []})
        groups[key]["items"].append(item)
    return list(groups.values())


# ---------------------------------------------------------------------------------------------
# A case in context


_SCORE_FIELDS = {"assessment": "assessment_id", "criterion": "criterion_id", "value": "value"}
# What the matrix position needs of the programme's criteria (read along with the case).
_CRITERION_FIELDS = {name: name for name in ("id", "dimension", "name", "weight", "order")}


def _submitted_scores(proposal: Any) -> QuerySet[Score]:
    """The scores of the proposal's submitted assessments (``proposal`` a pk or an
    ``OuterRef``)."""
    return Score.objects.filter(
        assessment__proposal=proposal, assessment__submitted_at__isnull=False
    )


def assessment_summary(case: DecisionCase) -> dict[str, Any] | None:
    """Potential, complexity (0–100) and the suggested track from the submitted
    assessments: the matrix position. Aggregates only (the blind rule keeps the rest)."""
    if case.proposal_id is None:
        return None
    if hasattr(case, "score_rows"):  # read along with the case (case_get)
        rows = [(r["assessment"], r["criterion"], r["value"]) for r in case.score_rows or ()]
    else:
        rows = list(_submitted_scores(case.proposal_id).values_list(*_SCORE_FIELDS.values()))
    if not rows:
        return None
    if hasattr(case, "criterion_rows"):
        criteria = in_dimension_order(restore(Criterion, case.criterion_rows))
    else:
        criteria = criteria_for(programme=case.programme)
    results = results_from(criteria, rows, with_spread=False)
    return {
        "n_submitted": results.n_submitted,
        "potential": None if results.potential is None else round(results.potential, 1),
        "complexity": None if results.complexity is None else round(results.complexity, 1),
        "suggested_track": results.suggested_track,
        "suggested_label": str(results.suggested_label),
        "track": case.proposal.track,
    }


@dataclass
class OptionView:
    """An option with what the page shows beside it."""

    option: CaseOption
    total_cost: int
    costs_by_year: dict[int, int]
    split: list[ShareRow]
    split_error: str
    nnv: int | None = None
    nnb: float | None = None
    gained: int = 0
    lost: int = 0
    chart: dict[str, Any] | None = None  # set by pages that draw the split

    @property
    def chart_id(self) -> str:
        return f"split-chart-{self.option.pk}"


def option_view(option: CaseOption) -> OptionView:
    split, error = split_or_error(option)
    by_year: dict[int, int] = {}
    for cost in option.costs.all():
        by_year[cost.year] = by_year.get(cost.year, 0) + cost.amount
    view = OptionView(
        option=option,
        total_cost=total_cost(option),
        costs_by_year=dict(sorted(by_year.items())),
        split=split,
        split_error=error,
        gained=sum(b.annual_amount for b in option.benefits.all() if b.gained),
        lost=sum(b.annual_amount for b in option.benefits.all() if not b.gained),
    )
    snapshot = option.snapshot
    if snapshot is not None:
        code = snapshot.subject_code
        for alt in snapshot.results.get("alternatives", []):
            if alt.get("name") == code:
                view.nnv, view.nnb = alt.get("nnv"), alt.get("nnb")
    return view


@dataclass
class CaseContext:
    links: list[ProposalLink] = field(default_factory=list)
    assessment: dict[str, Any] | None = None
    anchoring: Any = None
    options: list[OptionView] = field(default_factory=list)
    comparison: Any = None  # the scenario run against the baseline: what moves, shrinks, stops
    may_facilitate: bool = False


def case_context(case: DecisionCase, user: Actor) -> CaseContext:
    """Everything around a case: harmonisation links, assessment and matrix position,
    anchoring status (once the anchoring app is installed), options with their split, and
    what an attached optimiser run says must move, shrink or stop."""
    context = CaseContext(may_facilitate=can(user, Action.FACILITATE, case))
    if case.proposal_id:
        context.links = list(
            ProposalLink.objects.filter(proposal_id=case.proposal_id).select_related(
                "target_proposal", "target_initiative"
            )
        )
        for link in context.links:  # the targets' URLs need the slug: no query per link
            target = link.target
            if target is not None and target.programme_id == case.programme_id:
                target.programme = case.programme
        context.assessment = assessment_summary(case)
    if apps.is_installed("nytte.anchoring"):
        from nytte.anchoring.selectors import anchoring_summary  # lands with the anchoring app

        subject = case.proposal if case.proposal_id else case.initiative
        context.anchoring = anchoring_summary(subject)
    context.options = [option_view(o) for o in case.options.all()]
    if case.scenario_run_id and case.scenario_run.result:
        context.comparison = compare(case.scenario_run)
    return context


def open_case_statuses() -> tuple[str, ...]:
    return OPEN_CASE_STATUSES
