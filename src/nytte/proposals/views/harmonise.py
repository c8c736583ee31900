"""Step 2, harmonise: the proposal's harmonisation tab (suggestions with why they match,
confirmed links, merge and attach, the checklist answers)."""

from __future__ import annotations

import functools
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_POST

from nytte.core.htmx import render_page
from nytte.core.lookups import programme_or_404
from nytte.core.permissions import Action, can, check
from nytte.core.viewhelpers import add_errors
from nytte.portfolio.models import Initiative

from .. import matching, qualification, services
from ..choices import Stage
from ..forms import JoinForm, LinkAnyForm, LinkForm, QualificationForm
from ..harmonise_rows import harmonisation_rows
from ..models import Dismissal, Proposal, ProposalLink
from ..targets import find_any, find_initiative, find_proposal
from .frame import detail_context, proposal_for

TAB = "harmonisation"


DETAIL_TEMPLATE = "proposals/proposal_detail.html"


# How many suggestions the tab lists, and the typing box.
TAB_SUGGESTIONS = 8


def may_join(proposal: Proposal) -> bool:
    """Whether the flow lets this proposal be merged or attached now."""
    return services.may_move(proposal, Stage.MERGED)


# ---------------------------------------------------------------------------------------------
# The harmonisation tab


def _suggestion_rows(
    proposal: Proposal,
    links: list[ProposalLink],
    facilitate: bool,
    link_form: LinkForm | None,
    dismissals: list[Dismissal],
) -> tuple[list[dict[str, Any]], matching.Suggestions]:
    suggestions = matching.similar(
        proposal.programme,
        matching.document_text(proposal),
        k=TAB_SUGGESTIONS,
        exclude_proposal=proposal,
        dismissals=dismissals,
    )
    linked: dict[str, list[str]] = {}
    for link in links:
        if link.target_proposal_id:
            key = f"{matching.PROPOSAL}:{link.target_proposal_id}"
        else:
            key = f"{matching.INITIATIVE}:{link.target_initiative_id}"
        linked.setdefault(key, []).append(link.get_kind_display())
    rows = []
    for number, suggestion in enumerate(suggestions, start=1):
        # The form posted for this suggestion that came back with a problem, else a new one.
        posted = facilitate and link_form is not None
        form = link_form if posted and link_form.data.get("target") == suggestion.target else None
        rows.append(
            {
                "suggestion": suggestion,
                "number": number,
                "linked": linked.get(suggestion.target, []),
                "form": form,
                "fields": new_link_fields(number, suggestion.target)
                if facilitate and form is None
                else None,
                # A weak suggestion whose form came back with a problem is shown unfolded.
                "open": form is not None,
            }
        )
    return rows, suggestions


LINK_FIELDS_TEMPLATE = "proposals/partials/harmonise_link_fields.html"


# A new link form's kind and note fields differ from one suggestion to the next only in
# their ids (id_link1_…, id_link2_…): rendered once per process, language and number, not as
# a form with its widgets for every suggestion on every request (most of the tab's CPU).
@functools.lru_cache(maxsize=256)
def _link_fields(language: str | None, number: int) -> SafeString:
    form = LinkForm(auto_id=f"id_link{number}_%s")
    return render_to_string(LINK_FIELDS_TEMPLATE, {"form": form})


def new_link_fields(number: int, target: str) -> SafeString:
    """A new ``LinkForm``'s fields for the ``number``-th suggestion, ``target`` in its hidden
    field, as ``LinkForm(initial={"target": target}, auto_id=f"id_link{number}_%s")``
    renders them through the same template."""
    fields = _link_fields(get_language(), number)
    hidden = format_html(
        '<input type="hidden" name="target" value="{}" id="id_link{}_target">', target, number
    )
    return hidden + fields


def _confirmation(
    request: HttpRequest, proposal: Proposal, join_form: JoinForm | None
) -> dict[str, Any] | None:
    """The merge or attach question asked on the tab (``?merge=`` / ``?attach=``), or the
    posted form that came back with a problem."""
    if join_form is not None:
        action = join_form.action
        value = join_form.data.get("target", "")
    elif "merge" in request.GET:
        action, value = "merge", request.GET["merge"]
    elif "attach" in request.GET:
        action, value = "attach", request.GET["attach"]
    else:
        return None
    programme = proposal.programme
    target: Proposal | Initiative | None
    if action == "merge":
        target = find_proposal(programme, value)
        missing = gettext("There is no proposal %(ref)s in this programme.") % {"ref": value}
        if target is not None and target.pk == proposal.pk:
            target, missing = None, gettext("A proposal cannot be merged into itself.")
        elif target is not None and target.stage in matching.EXCLUDED_STAGES:
            target, missing = None, gettext("Merge into a proposal that is still open.")
    else:
        target = find_initiative(programme, value)
        missing = gettext("There is no initiative with the code %(code)s in this programme.") % {
            "code": value
        }
    error = "" if target is not None else missing
    if not may_join(proposal):
        error = gettext("A proposal cannot go from %(from)s to %(to)s.") % {
            "from": Stage(proposal.stage).label,
            "to": Stage.MERGED.label,
        }
    form = join_form
    if form is None and not error and target is not None:
        initial = target.reference if isinstance(target, Proposal) else f"initiative:{target.pk}"
        form = JoinForm(initial={"target": initial}, action=action)
    # Counted with the proposal (selectors.proposal_list): no query.
    n_supporters = proposal.n_supports if action == "merge" and not error else 0
    return {
        "action": action,
        "value": value,
        "target": target if not error else None,
        "error": error,
        "form": form if not error else None,
        "n_supporters": n_supporters,
        "url": reverse(
            f"proposals:harmonise_{action}",
            kwargs={"slug": programme.slug, "number": proposal.number},
        ),
    }


def harmonisation_context(
    request: HttpRequest,
    proposal: Proposal,
    *,
    link_form: LinkForm | None = None,
    link_any_form: LinkAnyForm | None = None,
    join_form: JoinForm | None = None,
    qualification_form: QualificationForm | None = None,
) -> dict[str, Any]:
    """The harmonisation tab: suggestions beside the proposal with why they match, its
    links both ways, merge/attach, and the qualification checklist. A fixed number of
    queries whatever the number of suggestions, links and questions."""
    programme = proposal.programme
    facilitate = can(request.user, Action.FACILITATE, proposal)
    # Its links both ways and its dismissals either way, read with it (proposal_for): all
    # dismissals leave suggestions out, its own are listed.
    read = harmonisation_rows(proposal)
    links, links_in, dismissed = read.links, read.links_in, read.dismissed
    for link in links:
        target = link.target_proposal or link.target_initiative
        if target is not None:
            target.programme = programme
        link.percent = None if link.score is None else round(link.score * 100)
    for link in links_in:
        link.proposal.programme = programme
    rows, suggestions = _suggestion_rows(proposal, links, facilitate, link_form, dismissed)
    dismissals = [d for d in dismissed if d.proposal_id == proposal.pk]
    for dismissal in dismissals:
        target = dismissal.target
        if target is not None:
            target.programme = programme
    # Other programmes: for those who run the harmonisation, and only as far as they may see.
    cross: tuple[matching.CrossSuggestion, ...] = ()
    if facilitate:
        cross = matching.across(proposal, request.user, notified=services.notified_targets)
    checklist = qualification.checklist(proposal)
    questions = [question for question, _answer in checklist]
    answers = {question.pk: answer for question, answer in checklist if answer is not None}
    if facilitate and qualification_form is None:
        qualification_form = QualificationForm(questions=questions, answers=answers)
    kwargs = {"slug": programme.slug, "number": proposal.number}
    return {
        "panel_template": "proposals/tabs/harmonisation.html",
        "suggestion_rows": [r for r in rows if r["suggestion"].is_close],
        "weak_rows": [r for r in rows if not r["suggestion"].is_close],
        "weak_open": any(r["open"] for r in rows if not r["suggestion"].is_close),
        "n_initiatives": suggestions.n_initiatives,
        "n_proposals": suggestions.n_proposals,
        "dismissals": dismissals,
        "cross": cross,
        "cross_shown": facilitate and programme.match_across,
        "cross_url": reverse("proposals:harmonise_notify", kwargs=kwargs),
        "dismiss_url": reverse("proposals:harmonise_dismiss", kwargs=kwargs),
        "links": links,
        "links_in": links_in,
        "link_any_form": (link_any_form or LinkAnyForm(auto_id="id_linkany_%s"))
        if facilitate
        else None,
        "may_join": facilitate and may_join(proposal),
        "confirm": _confirmation(request, proposal, join_form) if facilitate else None,
        "checklist": checklist,
        "qualification_form": qualification_form if facilitate else None,
        "tab_url": proposal.get_absolute_url() + f"?tab={TAB}",
        "link_url": reverse("proposals:harmonise_link", kwargs=kwargs),
        "answers_url": reverse("proposals:harmonise_answers", kwargs=kwargs),
        "questions_url": reverse(
            "proposals:qualification_questions", kwargs={"slug": programme.slug}
        ),
    }


def tab_page(
    request: HttpRequest,
    proposal: Proposal,
    *,
    notice: str = "",
    **forms_: Any,
) -> HttpResponse:
    """The proposal page on the harmonisation tab (or, with HTMX, just its panel)."""
    context = detail_context(request, proposal, TAB)
    context.update(harmonisation_context(request, proposal, **forms_))
    context["notice"] = notice
    return render_page(request, DETAIL_TEMPLATE, context, partial="panel")


def _tab_url(proposal: Proposal, anchor: str = "") -> str:
    return proposal.get_absolute_url() + f"?tab={TAB}" + (f"#{anchor}" if anchor else "")


def done(request: HttpRequest, proposal: Proposal, notice: str, anchor: str) -> HttpResponse:
    """After a change: the fresh panel for HTMX, otherwise back to the tab (PRG)."""
    if request.htmx:
        fresh = proposal_for(proposal.programme, proposal.number, user=request.user, tab=TAB)
        return tab_page(request, fresh, notice=notice)
    messages.success(request, notice)
    return redirect(_tab_url(proposal, anchor))


def proposal_checked(request: HttpRequest, slug: str, number: int, action: Action) -> Proposal:
    """The proposal if the user may see it (else 404) and do ``action`` (else 403), with
    what the tab shows of it (a refused form shows the tab again)."""
    programme = programme_or_404(request, slug)
    proposal = proposal_for(programme, number, user=request.user, tab=TAB)
    check(request.user, action, proposal)
    return proposal


# ---------------------------------------------------------------------------------------------
# Links


@login_required
@require_POST
def link_create(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """Confirm a link to a suggestion (``target``) or to any initiative/proposal
    (``reference``), with its kind and a note; the similarity score is the server's."""
    proposal = proposal_checked(request, slug, number, Action.FACILITATE)
    programme = proposal.programme
    suggested = "target" in request.POST
    form: LinkForm | LinkAnyForm
    if suggested:
        form = LinkForm(request.POST, auto_id="id_linkposted_%s")
    else:
        form = LinkAnyForm(request.POST, auto_id="id_linkany_%s")
    if form.is_valid():
        value = form.cleaned_data["target" if suggested else "reference"]
        target = find_any(programme, value)
        field = "target" if suggested else "reference"
        if target is None:
            form.add_error(
                None if suggested else field,
                gettext("There is no initiative or proposal %(ref)s in this programme.")
                % {"ref": value},
            )
        else:
            is_proposal = isinstance(target, Proposal)
            try:
                services.link_create(
                    proposal=proposal,
                    kind=form.cleaned_data["kind"],
                    target_proposal=target if is_proposal else None,
                    target_initiative=None if is_proposal else target,
                    note=form.cleaned_data["note"],
                    acting_user=request.user,
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                name = target.reference if is_proposal else target.code
                return done(
                    request,
                    proposal,
                    gettext("The link to %(ref)s is recorded.") % {"ref": name},
                    "harmonise-links",
                )
    if suggested:
        return tab_page(request, proposal, link_form=form)
    return tab_page(request, proposal, link_any_form=form)


@login_required
@require_POST
def link_delete(request: HttpRequest, slug: str, number: int, pk: int) -> HttpResponse:
    proposal = proposal_checked(request, slug, number, Action.FACILITATE)
    link = get_object_or_404(
        ProposalLink.objects.select_related("proposal"), pk=pk, proposal=proposal
    )
    services.link_delete(link=link, acting_user=request.user)
    return done(request, proposal, gettext("The link is removed."), "harmonise-links")


# ---------------------------------------------------------------------------------------------
# Dismissing a suggestion ("not related")


@login_required
@require_POST
def dismiss(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """Mark a suggestion (``target``) as not related: it is never suggested again."""
    proposal = proposal_checked(request, slug, number, Action.FACILITATE)
    target = find_any(proposal.programme, request.POST.get("target", ""))
    if target is None or target == proposal:
        return tab_page(
            request, proposal, notice=gettext("That suggestion is no longer in the programme.")
        )
    services.suggestion_dismiss(proposal=proposal, target=target, acting_user=request.user)
    name = target.reference if isinstance(target, Proposal) else target.code
    return done(
        request,
        proposal,
        gettext("%(ref)s is marked as not related and will not be suggested again.")
        % {"ref": name},
        "harmonise-suggestions",
    )


@login_required
@require_POST
def dismissal_delete(request: HttpRequest, slug: str, number: int, pk: int) -> HttpResponse:
    """Take a dismissal back: the pair may be suggested again."""
    proposal = proposal_checked(request, slug, number, Action.FACILITATE)
    dismissal = get_object_or_404(
        Dismissal.objects.select_related("proposal"), pk=pk, proposal=proposal
    )
    services.dismissal_delete(dismissal=dismissal, acting_user=request.user)
    return done(
        request,
        proposal,
        gettext("The suggestion may be made again."),
        "harmonise-dismissed",
    )


# ---------------------------------------------------------------------------------------------
# Merge and attach (asked on the tab first)


def _join_view(action: str) -> Any:
    @login_required
    @require_POST
    def view(request: HttpRequest, slug: str, number: int) -> HttpResponse:
        proposal = proposal_checked(request, slug, number, Action.FACILITATE)
        programme = proposal.programme
        form = JoinForm(request.POST, action=action)
        if form.is_valid():
            value = form.cleaned_data["target"]
            target = (
                find_proposal(programme, value)
                if action == "merge"
                else find_initiative(programme, value)
            )
            if target is None:
                form.add_error(None, gettext("The other end was not found in this programme."))
            else:
                try:
                    if isinstance(target, Proposal):
                        services.proposal_merge(
                            proposal=proposal,
                            into=target,
                            note=form.cleaned_data["note"],
                            acting_user=request.user,
                        )
                        notice = gettext("%(ref)s is merged into %(into)s.") % {
                            "ref": proposal.reference,
                            "into": target.reference,
                        }
                    else:
                        services.proposal_attach(
                            proposal=proposal,
                            initiative=target,
                            note=form.cleaned_data["note"],
                            acting_user=request.user,
                        )
                        notice = gettext("%(ref)s is attached to %(code)s.") % {
                            "ref": proposal.reference,
                            "code": target.code,
                        }
                except ValidationError as exc:
                    add_errors(form, exc)
                else:
                    messages.success(request, notice)
                    # The stage changed: the whole page, not just the panel.
                    response = redirect(_tab_url(proposal))
                    if request.htmx:
                        response = HttpResponse(status=204)
                        response["HX-Redirect"] = _tab_url(proposal)
                    return response
        return tab_page(request, proposal, join_form=form)

    return view


merge = _join_view("merge")


attach = _join_view("attach")


# ---------------------------------------------------------------------------------------------
# The qualification checklist of one proposal


@login_required
@require_POST
def answers_save(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    proposal = proposal_checked(request, slug, number, Action.FACILITATE)
    questions = qualification.questions_for(proposal.programme)
    answers = qualification.answers_for(proposal)
    form = QualificationForm(request.POST, questions=questions, answers=answers)
    if form.is_valid():
        try:
            qualification.answers_save(
                proposal=proposal, answers=form.answers(), acting_user=request.user
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return done(
                request, proposal, gettext("The qualification is saved."), "harmonise-qualification"
            )
    return tab_page(request, proposal, qualification_form=form)
