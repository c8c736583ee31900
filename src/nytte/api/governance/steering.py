"""Step 4 over REST: forums, meetings, decision cases with options, costs, benefits and the
funding split, deciding and amending, decisions, baselines and their comparison, and the
governance dialogue — through the same services as the pages. Another programme's objects
are 404; a right the user lacks is 403 (only a forum's members with the forum-member role
decide)."""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Status

from nytte.core.lookups import programme_or_404
from nytte.core.models import Programme, User
from nytte.governance import memo, selectors, services
from nytte.governance.baselines import compare_baselines
from nytte.governance.memo_build import build_dialogue_export, build_memo_content
from nytte.governance.models import (
    CaseOption,
    Decision,
    DecisionCase,
    Forum,
    Meeting,
    OptionBenefit,
    OptionCost,
)
from nytte.portfolio.models import Initiative
from nytte.proposals.models import Proposal
from nytte.scenarios.models import Scenario, ScenarioRun

from ..common import find_organisation, org_out
from ..schemas import ERRORS
from . import steering_schemas as s

router = Router(tags=["governance"])
P = "/programmes/{slug}"


def _get(getter: Any, **kwargs: Any) -> Any:
    try:
        return getter(**kwargs)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


def _forum(request: HttpRequest, programme: Programme, pk: int) -> Forum:
    return _get(selectors.forum_get, user=request.user, programme=programme, pk=pk)


def _case(request: HttpRequest, slug: str, number: int) -> DecisionCase:
    programme = programme_or_404(request, slug)
    return _get(selectors.case_get, user=request.user, programme=programme, number=number)


def _option(case: DecisionCase, pk: int) -> CaseOption:
    return get_object_or_404(CaseOption, case=case, pk=pk)


def _org(orgnr: str | None, field: str) -> Any:
    return find_organisation(orgnr, field) if orgnr else None


def _users(usernames: list[str]) -> list[User]:
    users = {u.username: u for u in User.objects.filter(username__in=usernames)}
    for name in usernames:
        if name not in users:
            raise ValidationError({"present": _("No user is called “%(name)s”.") % {"name": name}})
    return [users[name] for name in dict.fromkeys(usernames)]


# -- forums and meetings -----------------------------------------------------------------------


@router.get(P + "/forums", response={200: list[s.ForumOut], **ERRORS})
def forum_list(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    programme = programme_or_404(request, slug)
    return [s.forum_out(f) for f in selectors.forum_list(user=request.user, programme=programme)]


@router.post(P + "/forums", response={201: s.ForumOut, **ERRORS})
def forum_create(request: HttpRequest, slug: str, payload: s.ForumIn) -> Status:
    """Create a forum (programme admins)."""
    programme = programme_or_404(request, slug)
    data = payload.dict()
    data["organisation"] = _org(data["organisation"], "organisation")
    forum = services.forum_create(programme=programme, data=data, acting_user=request.user)
    return Status(201, s.forum_out(forum))


@router.post(P + "/forums/{pk}/members", response={201: s.ForumOut, **ERRORS})
def member_add(request: HttpRequest, slug: str, pk: int, payload: s.MemberIn) -> Status:
    """Seat a person with the forum-member role in the forum (programme admins)."""
    programme = programme_or_404(request, slug)
    forum = _forum(request, programme, pk)
    user = get_object_or_404(User, username=payload.username)
    services.member_add(forum=forum, user=user, chair=payload.chair, acting_user=request.user)
    return Status(201, s.forum_out(_forum(request, programme, pk)))


@router.get(P + "/forums/{pk}/meetings", response={200: list[s.MeetingOut], **ERRORS})
def meeting_list(request: HttpRequest, slug: str, pk: int) -> list[dict[str, Any]]:
    forum = _forum(request, programme_or_404(request, slug), pk)
    return [s.meeting_out(m) for m in forum.meetings.prefetch_related("agenda__case")]


@router.post(P + "/forums/{pk}/meetings", response={201: s.MeetingOut, **ERRORS})
def meeting_create(request: HttpRequest, slug: str, pk: int, payload: s.MeetingIn) -> Status:
    forum = _forum(request, programme_or_404(request, slug), pk)
    meeting = services.meeting_create(forum=forum, data=payload.dict(), acting_user=request.user)
    return Status(201, s.meeting_out(meeting))


@router.get(P + "/meetings/{pk}", response={200: s.MeetingOut, **ERRORS})
def meeting_detail(request: HttpRequest, slug: str, pk: int) -> dict[str, Any]:
    programme = programme_or_404(request, slug)
    return s.meeting_out(_get(selectors.meeting_get, user=request.user, programme=programme, pk=pk))


@router.post(P + "/meetings/{pk}/agenda", response={201: s.MeetingOut, **ERRORS})
def agenda_add(request: HttpRequest, slug: str, pk: int, payload: s.AgendaIn) -> Status:
    programme = programme_or_404(request, slug)
    meeting: Meeting = _get(selectors.meeting_get, user=request.user, programme=programme, pk=pk)
    case = _case(request, slug, payload.case)
    services.agenda_add(meeting=meeting, case=case, acting_user=request.user)
    return Status(
        201, s.meeting_out(selectors.meeting_get(user=request.user, programme=programme, pk=pk))
    )


# -- cases and options -------------------------------------------------------------------------


@router.get(P + "/cases", response={200: list[s.CaseOut], **ERRORS})
def case_list(request: HttpRequest, slug: str, status: str | None = None) -> list[dict[str, Any]]:
    programme = programme_or_404(request, slug)
    cases = selectors.case_list(user=request.user, programme=programme, status=status)
    return [s.case_out(c) for c in selectors.with_options(cases).prefetch_related("decisions")]


@router.post(P + "/cases", response={201: s.CaseOut, **ERRORS})
def case_create(request: HttpRequest, slug: str, payload: s.CaseIn) -> Status:
    """Prepare a case from a ready proposal (``proposal``), or a change request on an
    initiative (``initiative`` and ``change_kind``) — facilitators."""
    programme = programme_or_404(request, slug)
    if payload.proposal is not None:
        proposal = get_object_or_404(
            Proposal.objects.for_user(request.user), programme=programme, number=payload.proposal
        )
        case = services.prepare_case_from_proposal(proposal, request.user)
    else:
        initiative = get_object_or_404(
            Initiative.objects.for_user(request.user),
            programme=programme,
            code=payload.initiative or "",
        )
        case = services.prepare_change_request(
            initiative, payload.change_kind or "", request.user, reason=payload.reason
        )
    return Status(201, s.case_out(_case(request, slug, case.number)))


@router.get(P + "/cases/{number}", response={200: s.CaseOut, **ERRORS})
def case_detail(request: HttpRequest, slug: str, number: int) -> dict[str, Any]:
    return s.case_out(_case(request, slug, number))


@router.patch(P + "/cases/{number}", response={200: s.CaseOut, **ERRORS})
def case_update(
    request: HttpRequest, slug: str, number: int, payload: s.CasePatch
) -> dict[str, Any]:
    case = _case(request, slug, number)
    data = payload.dict(exclude_unset=True)
    lookups = {
        "recommended_option": lambda pk: _option(case, pk),
        "forum": lambda pk: get_object_or_404(Forum, programme=case.programme, pk=pk),
        "scenario": lambda pk: get_object_or_404(Scenario, programme=case.programme, pk=pk),
        "scenario_run": lambda pk: get_object_or_404(
            ScenarioRun, scenario__programme=case.programme, pk=pk
        ),
    }
    for name, find in lookups.items():
        if data.get(name) is not None:
            data[name] = find(data[name])
    services.case_update(case=case, data=data, acting_user=request.user)
    return s.case_out(_case(request, slug, number))


def _option_data(payload: s.OptionIn) -> dict[str, Any]:
    data = payload.dict(exclude_unset=True)
    if "owner_organisation" in data:
        data["owner_organisation"] = _org(data["owner_organisation"], "owner_organisation")
    return data


@router.post(P + "/cases/{number}/options", response={201: s.OptionOut, **ERRORS})
def option_create(request: HttpRequest, slug: str, number: int, payload: s.OptionIn) -> Status:
    case = _case(request, slug, number)
    option = services.option_create(case=case, data=_option_data(payload), acting_user=request.user)
    return Status(201, s.option_out(option))


@router.patch(P + "/cases/{number}/options/{pk}", response={200: s.OptionOut, **ERRORS})
def option_update(
    request: HttpRequest, slug: str, number: int, pk: int, payload: s.OptionIn
) -> dict[str, Any]:
    option = _option(_case(request, slug, number), pk)
    return s.option_out(
        services.option_update(option=option, data=_option_data(payload), acting_user=request.user)
    )


@router.delete(P + "/cases/{number}/options/{pk}", response={204: None, **ERRORS})
def option_delete(request: HttpRequest, slug: str, number: int, pk: int) -> Status:
    """Delete an option; the "do nothing" option cannot be deleted (422)."""
    services.option_delete(
        option=_option(_case(request, slug, number), pk), acting_user=request.user
    )
    return Status(204, None)


@router.post(P + "/cases/{number}/options/{pk}/costs", response={201: s.OptionOut, **ERRORS})
def cost_create(request: HttpRequest, slug: str, number: int, pk: int, payload: s.CostIO) -> Status:
    option = _option(_case(request, slug, number), pk)
    data = payload.dict(exclude={"id"})
    data["organisation"] = find_organisation(data["organisation"], "organisation")
    services.cost_create(option=option, data=data, acting_user=request.user)
    return Status(201, s.option_out(option))


@router.delete(P + "/cases/{number}/options/{pk}/costs/{cost}", response={204: None, **ERRORS})
def cost_delete(request: HttpRequest, slug: str, number: int, pk: int, cost: int) -> Status:
    option = _option(_case(request, slug, number), pk)
    services.cost_delete(
        cost=get_object_or_404(OptionCost, option=option, pk=cost), acting_user=request.user
    )
    return Status(204, None)


@router.post(P + "/cases/{number}/options/{pk}/benefits", response={201: s.OptionOut, **ERRORS})
def benefit_create(
    request: HttpRequest, slug: str, number: int, pk: int, payload: s.BenefitIO
) -> Status:
    option = _option(_case(request, slug, number), pk)
    data = payload.dict(exclude={"id"})
    data["organisation"] = _org(data["organisation"], "organisation")
    services.benefit_create(option=option, data=data, acting_user=request.user)
    return Status(201, s.option_out(option))


@router.delete(
    P + "/cases/{number}/options/{pk}/benefits/{benefit}", response={204: None, **ERRORS}
)
def benefit_delete(request: HttpRequest, slug: str, number: int, pk: int, benefit: int) -> Status:
    option = _option(_case(request, slug, number), pk)
    services.benefit_delete(
        benefit=get_object_or_404(OptionBenefit, option=option, pk=benefit),
        acting_user=request.user,
    )
    return Status(204, None)


@router.get(P + "/cases/{number}/options/{pk}/split", response={200: s.SplitOut, **ERRORS})
def split_detail(request: HttpRequest, slug: str, number: int, pk: int) -> dict[str, Any]:
    """The funding split beside who benefits; ``error`` says why there is none."""
    return s.split_out(_option(_case(request, slug, number), pk))


@router.put(P + "/cases/{number}/options/{pk}/split", response={200: s.SplitOut, **ERRORS})
def split_set(
    request: HttpRequest, slug: str, number: int, pk: int, payload: s.SplitIn
) -> dict[str, Any]:
    """Choose the key and (for size, use, judgement) each organisation's basis by orgnr."""
    option = _option(_case(request, slug, number), pk)
    bases = [(find_organisation(orgnr, "bases"), basis) for orgnr, basis in payload.bases.items()]
    services.funding_set(
        option=option, key=payload.key, reason=payload.reason, bases=bases, acting_user=request.user
    )
    return s.split_out(option)


@router.get(P + "/cases/{number}/memo.{fmt}", response={200: None, **ERRORS})
def case_memo(
    request: HttpRequest, slug: str, number: int, fmt: Literal["docx", "pdf"]
) -> HttpResponse:
    """The decision memo (saksframlegg) from live data, as Word (docx) or PDF."""
    case = _case(request, slug, number)
    content = build_memo_content(case, request.user)
    if fmt == "pdf":
        data, content_type = memo.render_pdf(content), memo.PDF_CONTENT_TYPE
    else:
        data, content_type = memo.render_docx(content), memo.DOCX_CONTENT_TYPE
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{case.reference}.{fmt}"'
    return response


# -- deciding and decisions --------------------------------------------------------------------


@router.post(P + "/cases/{number}/decide", response={201: s.DecisionOut, **ERRORS})
def decide(request: HttpRequest, slug: str, number: int, payload: s.DecideIn) -> Status:
    """Record the forum's decision (members of that forum with the forum-member role only);
    an approving outcome changes the portfolio and freezes a baseline in one transaction."""
    case = _case(request, slug, number)
    forum = get_object_or_404(Forum, programme=case.programme, pk=payload.forum)
    meeting = (
        get_object_or_404(Meeting, forum=forum, pk=payload.meeting) if payload.meeting else None
    )
    decision = services.decide(
        case,
        option=_option(case, payload.option) if payload.option else None,
        outcome=payload.outcome,
        rationale=payload.rationale,
        conditions=payload.conditions,
        forum=forum,
        meeting=meeting,
        decided_on=payload.decided_on,
        review_date=payload.review_date,
        present=_users(payload.present),
        acting_user=request.user,
    )
    return Status(201, s.decision_out(decision, inputs=True))


@router.get(P + "/decisions", response={200: list[s.DecisionOut], **ERRORS})
def decision_list(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    programme = programme_or_404(request, slug)
    decisions = selectors.decision_list(user=request.user, programme=programme).prefetch_related(
        "present"
    )
    return [s.decision_out(d) for d in decisions]


def _decision(request: HttpRequest, slug: str, pk: int) -> Decision:
    programme = programme_or_404(request, slug)
    return _get(selectors.decision_get, user=request.user, programme=programme, pk=pk)


@router.get(P + "/decisions/{pk}", response={200: s.DecisionOut, **ERRORS})
def decision_detail(request: HttpRequest, slug: str, pk: int) -> dict[str, Any]:
    """A decision with the frozen ``inputs`` it rested on."""
    return s.decision_out(_decision(request, slug, pk), inputs=True)


@router.post(P + "/decisions/{pk}/amend", response={201: s.DecisionOut, **ERRORS})
def decision_amend(request: HttpRequest, slug: str, pk: int, payload: s.AmendIn) -> Status:
    """A new version of the latest decision (decisions are never edited)."""
    decision = _decision(request, slug, pk)
    new = services.amend(
        decision,
        outcome=payload.outcome,
        option=_option(decision.case, payload.option) if payload.option else None,
        rationale=payload.rationale,
        conditions=payload.conditions,
        decided_on=payload.decided_on,
        review_date=payload.review_date,
        present=_users(payload.present),
        acting_user=request.user,
    )
    return Status(201, s.decision_out(new, inputs=True))


# -- baselines and the governance dialogue -----------------------------------------------------


@router.get(P + "/baselines", response={200: list[s.BaselineOut], **ERRORS})
def baseline_list(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    programme = programme_or_404(request, slug)
    return [
        s.baseline_out(b) for b in selectors.baseline_list(user=request.user, programme=programme)
    ]


@router.post(P + "/baselines", response={201: s.BaselineOut, **ERRORS})
def baseline_create(request: HttpRequest, slug: str, payload: s.BaselineIn) -> Status:
    """Freeze the portfolio now (facilitators)."""
    programme = programme_or_404(request, slug)
    return Status(
        201, s.baseline_out(services.freeze_baseline(programme, payload.label, request.user), True)
    )


@router.post(P + "/baselines/from-run", response={201: s.BaselineOut, **ERRORS})
def baseline_from_run(request: HttpRequest, slug: str, payload: s.BaselineFromRunIn) -> Status:
    """Make a finished scenario run's chosen plan the new baseline."""
    programme = programme_or_404(request, slug)
    run = get_object_or_404(
        ScenarioRun.objects.for_user(request.user), scenario__programme=programme, pk=payload.run
    )
    baseline = services.baseline_from_run(run=run, label=payload.label, acting_user=request.user)
    return Status(201, s.baseline_out(baseline, True))


@router.get(P + "/baselines/compare", response={200: s.ComparisonOut, **ERRORS})
def baseline_compare(request: HttpRequest, slug: str, a: int, b: int) -> dict[str, Any]:
    """What changed from baseline ``a`` to ``b``: initiatives in, out and changed, costs per
    organisation and year, benefits and NNV."""
    programme = programme_or_404(request, slug)
    first = _get(selectors.baseline_get, user=request.user, programme=programme, number=a)
    second = _get(selectors.baseline_get, user=request.user, programme=programme, number=b)
    return s.comparison_out(first, second, compare_baselines(first, second))


@router.get(P + "/baselines/{number}", response={200: s.BaselineOut, **ERRORS})
def baseline_detail(request: HttpRequest, slug: str, number: int) -> dict[str, Any]:
    programme = programme_or_404(request, slug)
    baseline = _get(selectors.baseline_get, user=request.user, programme=programme, number=number)
    return s.baseline_out(baseline, True)


@router.get(P + "/dialogue", response={200: list[s.DialogueOut], **ERRORS})
def dialogue_list(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    programme = programme_or_404(request, slug)
    return [
        _dialogue_out(i) for i in selectors.dialogue_items(user=request.user, programme=programme)
    ]


@router.post(P + "/dialogue", response={201: s.DialogueOut, **ERRORS})
def dialogue_create(request: HttpRequest, slug: str, payload: s.DialogueIn) -> Status:
    programme = programme_or_404(request, slug)
    data = payload.dict()
    data["ministry"] = find_organisation(data["ministry"], "ministry")
    data["agency"] = _org(data["agency"], "agency")
    if data["case"] is not None:
        data["case"] = _case(request, slug, data["case"])
    item = services.dialogue_item_create(programme=programme, data=data, acting_user=request.user)
    return Status(201, _dialogue_out(item))


@router.get(P + "/dialogue.{fmt}", response={200: None, **ERRORS})
def dialogue_export(request: HttpRequest, slug: str, fmt: Literal["docx", "xlsx"]) -> HttpResponse:
    """The governance-dialogue items per ministry and agency as Word or Excel."""
    programme = programme_or_404(request, slug)
    export = build_dialogue_export(
        selectors.dialogue_items(user=request.user, programme=programme), programme.name
    )
    if fmt == "docx":
        data, content_type = memo.render_dialogue_docx(export), memo.DOCX_CONTENT_TYPE
    else:
        data, content_type = memo.render_dialogue_xlsx(export), memo.XLSX_CONTENT_TYPE
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{programme.slug}-dialogue.{fmt}"'
    return response


def _dialogue_out(item: Any) -> dict[str, Any]:
    return {
        "id": item.pk,
        "kind": item.kind,
        "ministry": org_out(item.ministry),
        "agency": org_out(item.agency),
        "text": item.text,
        "budget_year": item.budget_year,
        "case": item.case.number if item.case_id else None,
        "decision": item.decision_id,
    }
