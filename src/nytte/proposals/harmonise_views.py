"""Step 2 — harmonise and qualify: the "similar while typing" box of the proposal form, the
proposal's harmonisation tab (suggestions with why they match, confirmed links, merge into
another proposal or attach to an initiative, the qualification checklist) and the page where
facilitators edit the programme's checklist.

Views parse input, ask the permission module and call the services (``services`` for links,
merges and attachments, ``qualification`` for the checklist). Every form works without
JavaScript (POST-redirect-GET back to the tab); with HTMX, link and checklist forms swap only
the tab's panel. Merging and attaching are asked for on the tab first (``?merge=F-12``,
``?attach=FI-1``) and always reload the whole page, since the proposal's stage changes.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from nytte.core.htmx import render_page
from nytte.core.lookups import programme_or_404
from nytte.core.models import Programme
from nytte.core.permissions import Action, can, check
from nytte.core.viewhelpers import add_errors
from nytte.portfolio.models import Initiative

from . import matching, qualification, services
from .choices import TRANSITIONS, LinkKind, Stage
from .models import Proposal, ProposalLink, QualificationQuestion
from .views import crumbs, detail_context, proposal_for

TAB = "harmonisation"
DETAIL_TEMPLATE = "proposals/proposal_detail.html"
# How many suggestions the tab lists, and the typing box.
TAB_SUGGESTIONS = 8
TYPING_SUGGESTIONS = 5
# The typing box hides loose relations: a false alarm there teaches people to ignore it.
TYPING_MIN_SCORE = 0.1
# At least this many words of three letters or more before the typing box searches.
TYPING_MIN_WORDS = 2
TYPING_FIELDS = ("title", "need", "idea")
_WORD = re.compile(r"[^\W\d_]{3,}")
_PROPOSAL_REF = re.compile(r"^\s*[Ff]-?\s*(\d+)\s*$")


# ---------------------------------------------------------------------------------------------
# Forms


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class LinkForm(forms.Form):
    """Confirm a link to one suggested initiative or proposal (named by ``target``)."""

    target = forms.CharField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("Kind of link"), choices=LinkKind.choices)
    note = forms.CharField(
        label=_("Note"),
        help_text=_("Why they are related: what you checked, and with whom."),
        max_length=2000,
        widget=_textarea(),
    )


class LinkAnyForm(forms.Form):
    """Link to an initiative or proposal that is not among the suggestions."""

    reference = forms.CharField(
        label=_("Initiative or proposal"),
        help_text=_("An initiative's code (e.g. FI-1) or a proposal's reference (e.g. F-12)."),
        max_length=40,
    )
    kind = forms.ChoiceField(label=_("Kind of link"), choices=LinkKind.choices)
    note = forms.CharField(label=_("Note"), max_length=2000, widget=_textarea())


class JoinForm(forms.Form):
    """The note with a merge or an attachment (on the confirmation step); ``action`` is
    "merge" or "attach"."""

    target = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note"),
        help_text=_("Why they are the same. It is kept with the proposal's history."),
        max_length=2000,
        widget=_textarea(),
    )

    def __init__(self, *args: Any, action: str, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_{action}_%s")
        super().__init__(*args, **kwargs)
        self.action = action


class QualificationForm(forms.Form):
    """One answer field per question of the programme's checklist."""

    def __init__(
        self,
        *args: Any,
        questions: list[QualificationQuestion],
        answers: dict[int, Any],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("auto_id", "id_qualification_%s")
        super().__init__(*args, **kwargs)
        for question in questions:
            answer = answers.get(question.pk)
            self.fields[f"q{question.pk}"] = forms.CharField(
                label=question.text,
                help_text=question.help_text,
                required=False,
                max_length=5000,
                initial=answer.answer if answer else "",
                widget=_textarea(2),
            )

    def answers(self) -> dict[int, str]:
        return {int(name[1:]): value for name, value in self.cleaned_data.items()}


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Question"), max_length=300)
    help_text = forms.CharField(
        label=_("Guidance"),
        help_text=_("Optional: what a good answer says."),
        max_length=500,
        required=False,
    )


# ---------------------------------------------------------------------------------------------
# Finding the other end of a link, a merge or an attachment


def find_proposal(programme: Programme, value: str) -> Proposal | None:
    """A proposal by reference ("F-12", "f12"), or by "proposal:<pk>" from a suggestion."""
    target = matching.parse_target(value)
    if target is not None:
        kind, pk = target
        if kind != matching.PROPOSAL:
            return None
        query = Q(pk=pk)
    else:
        match = _PROPOSAL_REF.match(value or "")
        if not match:
            return None
        query = Q(number=int(match.group(1)))
    return Proposal.objects.filter(query, programme=programme).select_related("programme").first()


def find_initiative(programme: Programme, value: str) -> Initiative | None:
    """An initiative by code (any case), or by "initiative:<pk>" from a suggestion."""
    target = matching.parse_target(value)
    if target is not None:
        kind, pk = target
        query = Q(pk=pk) if kind == matching.INITIATIVE else Q(pk__in=[])
    else:
        code = (value or "").strip()
        if not code:
            return None
        query = Q(code__iexact=code)
    return Initiative.objects.filter(query, programme=programme).select_related("programme").first()


def find_any(programme: Programme, value: str) -> Proposal | Initiative | None:
    """A proposal reference first (F-12), else an initiative code."""
    return find_proposal(programme, value) or find_initiative(programme, value)


def may_join(proposal: Proposal) -> bool:
    """Whether the flow lets this proposal be merged or attached now."""
    return Stage.MERGED in TRANSITIONS.get(proposal.stage, frozenset())


# ---------------------------------------------------------------------------------------------
# The harmonisation tab


def _suggestion_rows(
    proposal: Proposal,
    links: list[ProposalLink],
    facilitate: bool,
    link_form: LinkForm | None,
) -> list[dict[str, Any]]:
    suggestions = matching.similar(
        proposal.programme,
        matching.document_text(proposal),
        k=TAB_SUGGESTIONS,
        exclude_proposal=proposal,
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
        form = None
        if facilitate:
            posted = link_form is not None and link_form.data.get("target") == suggestion.target
            form = (
                link_form
                if posted
                else LinkForm(initial={"target": suggestion.target}, auto_id=f"id_link{number}_%s")
            )
        rows.append(
            {
                "suggestion": suggestion,
                "number": number,
                "linked": linked.get(suggestion.target, []),
                "form": form,
                "open": bool(form is not None and form.is_bound),
            }
        )
    return rows


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
    # Prefetched with the proposal (selectors.proposal_get): no query.
    n_supporters = len(proposal.supports.all()) if action == "merge" and not error else 0
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
    links = list(
        ProposalLink.objects.filter(proposal=proposal).select_related(
            "target_proposal", "target_initiative", "created_by"
        )
    )
    for link in links:
        target = link.target_proposal or link.target_initiative
        if target is not None:
            target.programme = programme
        link.percent = None if link.score is None else round(link.score * 100)
    links_in = list(
        ProposalLink.objects.filter(target_proposal=proposal).select_related("proposal")
    )
    for link in links_in:
        link.proposal.programme = programme
    rows = _suggestion_rows(proposal, links, facilitate, link_form)
    questions = qualification.questions_for(programme)
    answers = qualification.answers_for(proposal)
    if facilitate and qualification_form is None:
        qualification_form = QualificationForm(questions=questions, answers=answers)
    kwargs = {"slug": programme.slug, "number": proposal.number}
    return {
        "panel_template": "proposals/tabs/harmonisation.html",
        "suggestion_rows": rows,
        "links": links,
        "links_in": links_in,
        "link_any_form": (link_any_form or LinkAnyForm(auto_id="id_linkany_%s"))
        if facilitate
        else None,
        "may_join": facilitate and may_join(proposal),
        "confirm": _confirmation(request, proposal, join_form) if facilitate else None,
        "checklist": [(q, answers.get(q.pk)) for q in questions],
        "qualification_form": qualification_form if facilitate else None,
        "tab_url": proposal.get_absolute_url() + f"?tab={TAB}",
        "link_url": reverse("proposals:harmonise_link", kwargs=kwargs),
        "answers_url": reverse("proposals:harmonise_answers", kwargs=kwargs),
        "questions_url": reverse(
            "proposals:qualification_questions", kwargs={"slug": programme.slug}
        ),
    }


def _tab_page(
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


def _done(request: HttpRequest, proposal: Proposal, notice: str, anchor: str) -> HttpResponse:
    """After a change: the fresh panel for HTMX, otherwise back to the tab (PRG)."""
    if request.htmx:
        fresh = proposal_for(proposal.programme, proposal.number)
        return _tab_page(request, fresh, notice=notice)
    messages.success(request, notice)
    return redirect(_tab_url(proposal, anchor))


def _proposal(request: HttpRequest, slug: str, number: int, action: Action) -> Proposal:
    """The proposal if the user may see it (else 404) and do ``action`` (else 403)."""
    programme = programme_or_404(request, slug)
    proposal = proposal_for(programme, number)
    check(request.user, action, proposal)
    return proposal


# ---------------------------------------------------------------------------------------------
# Links


@login_required
@require_POST
def link_create(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """Confirm a link to a suggestion (``target``) or to any initiative/proposal
    (``reference``), with its kind and a note; the similarity score is the server's."""
    proposal = _proposal(request, slug, number, Action.FACILITATE)
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
            kind = form.cleaned_data["kind"]
            same = ProposalLink.objects.filter(proposal=proposal, kind=kind).filter(
                Q(target_proposal=target) if is_proposal else Q(target_initiative=target)
            )
            if same.exists():
                form.add_error("kind", gettext("This link is already recorded."))
            else:
                score = matching.score_of(
                    programme,
                    proposal,
                    matching.PROPOSAL if is_proposal else matching.INITIATIVE,
                    target.pk,
                )
                try:
                    services.link_create(
                        proposal=proposal,
                        kind=kind,
                        target_proposal=target if is_proposal else None,
                        target_initiative=None if is_proposal else target,
                        note=form.cleaned_data["note"],
                        score=score,
                        acting_user=request.user,
                    )
                except ValidationError as exc:
                    add_errors(form, exc)
                else:
                    name = target.reference if is_proposal else target.code
                    return _done(
                        request,
                        proposal,
                        gettext("The link to %(ref)s is recorded.") % {"ref": name},
                        "harmonise-links",
                    )
    if suggested:
        return _tab_page(request, proposal, link_form=form)
    return _tab_page(request, proposal, link_any_form=form)


@login_required
@require_POST
def link_delete(request: HttpRequest, slug: str, number: int, pk: int) -> HttpResponse:
    proposal = _proposal(request, slug, number, Action.FACILITATE)
    link = get_object_or_404(
        ProposalLink.objects.select_related("proposal"), pk=pk, proposal=proposal
    )
    services.link_delete(link=link, acting_user=request.user)
    return _done(request, proposal, gettext("The link is removed."), "harmonise-links")


# ---------------------------------------------------------------------------------------------
# Merge and attach (asked on the tab first)


def _join_view(action: str) -> Any:
    @login_required
    @require_POST
    def view(request: HttpRequest, slug: str, number: int) -> HttpResponse:
        proposal = _proposal(request, slug, number, Action.FACILITATE)
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
        return _tab_page(request, proposal, join_form=form)

    return view


merge = _join_view("merge")
attach = _join_view("attach")


# ---------------------------------------------------------------------------------------------
# The qualification checklist of one proposal


@login_required
@require_POST
def answers_save(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    proposal = _proposal(request, slug, number, Action.FACILITATE)
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
            return _done(
                request, proposal, gettext("The qualification is saved."), "harmonise-qualification"
            )
    return _tab_page(request, proposal, qualification_form=form)


# ---------------------------------------------------------------------------------------------
# Similar while typing


def _typed_text(request: HttpRequest) -> str:
    return "\n".join(request.GET.get(name, "").strip() for name in TYPING_FIELDS).strip()


@login_required
@require_GET
def similar(request: HttpRequest, slug: str) -> HttpResponse:
    """Up to five initiatives and proposals like what someone is typing into the proposal
    form (title, need, idea), so they can join one instead. Needs Action.CONTRIBUTE, like
    the form that asks."""
    programme = programme_or_404(request, slug, Action.CONTRIBUTE)
    text = _typed_text(request)
    suggestions: list[matching.Suggestion] = []
    hint = ""
    if len(_WORD.findall(text)) < TYPING_MIN_WORDS:
        hint = gettext(
            "Write a few words of the title, the need or the idea, and similar initiatives "
            "and proposals will be listed here."
        )
    else:
        suggestions = matching.similar(
            programme, text, k=TYPING_SUGGESTIONS, min_score=TYPING_MIN_SCORE
        )
    response = render(
        request,
        "proposals/partials/similar.html",
        {"programme": programme, "suggestions": suggestions, "hint": hint},
    )
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------------------------------------
# The programme's checklist


def _questions_page(
    request: HttpRequest,
    programme: Programme,
    *,
    add_form: QuestionForm | None = None,
    edit_form: QuestionForm | None = None,
    editing: int | None = None,
) -> HttpResponse:
    questions = list(qualification.questions_with_answer_counts(programme))
    if editing is None and request.method == "GET" and request.GET.get("edit", "").isdigit():
        editing = int(request.GET["edit"])
    if editing is not None and edit_form is None:
        current = next((q for q in questions if q.pk == editing), None)
        if current is not None:
            edit_form = QuestionForm(
                initial={"text": current.text, "help_text": current.help_text},
                auto_id="id_edit_%s",
            )
        else:
            editing = None
    deleting = None
    if request.method == "GET" and request.GET.get("delete", "").isdigit():
        deleting = next((q for q in questions if q.pk == int(request.GET["delete"])), None)
    url = reverse("proposals:qualification_questions", kwargs={"slug": programme.slug})
    context = {
        "programme": programme,
        "questions": questions,
        "add_form": add_form or QuestionForm(auto_id="id_add_%s"),
        "edit_form": edit_form,
        "editing": editing,
        "deleting": deleting,
        "page_url": url,
        "crumbs": [*crumbs(programme), {"label": _("Qualification checklist"), "url": url}],
    }
    return render(request, "proposals/qualification_questions.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def qualification_questions(request: HttpRequest, slug: str) -> HttpResponse:
    """Add, edit, reorder and delete the questions of the programme's checklist."""
    programme = programme_or_404(request, slug, Action.FACILITATE)
    if request.method == "GET":
        return _questions_page(request, programme)
    url = reverse("proposals:qualification_questions", kwargs={"slug": programme.slug})
    action = request.POST.get("action", "")
    if action == "add":
        form = QuestionForm(request.POST, auto_id="id_add_%s")
        if form.is_valid():
            question = qualification.question_create(
                programme=programme, acting_user=request.user, **form.cleaned_data
            )
            messages.success(request, gettext("The question is added."))
            return redirect(f"{url}#question-{question.pk}")
        return _questions_page(request, programme, add_form=form)
    raw = request.POST.get("question", "")
    question = get_object_or_404(
        QualificationQuestion.objects.select_related("programme"),
        pk=int(raw) if raw.isdigit() else 0,
        programme=programme,
    )
    if action == "edit":
        form = QuestionForm(request.POST, auto_id="id_edit_%s")
        if form.is_valid():
            qualification.question_update(
                question=question, acting_user=request.user, **form.cleaned_data
            )
            messages.success(request, gettext("The question is saved."))
            return redirect(f"{url}#question-{question.pk}")
        return _questions_page(request, programme, edit_form=form, editing=question.pk)
    if action in ("up", "down"):
        qualification.question_move(
            question=question, offset=-1 if action == "up" else 1, acting_user=request.user
        )
        return redirect(f"{url}#question-{question.pk}")
    if action == "delete":
        n = qualification.question_delete(question=question, acting_user=request.user)
        messages.success(
            request,
            gettext("The question is deleted, with %(n)s answer(s) to it.") % {"n": n},
        )
        return redirect(url)
    raise Http404


_proposal_path = "p/<slug:slug>/proposals/<int:number>/harmonise/"
urlpatterns: list[Any] = [
    path("p/<slug:slug>/proposals/similar/", similar, name="similar"),
    path(
        "p/<slug:slug>/proposals/qualification/",
        qualification_questions,
        name="qualification_questions",
    ),
    path(f"{_proposal_path}links/", link_create, name="harmonise_link"),
    path(f"{_proposal_path}links/<int:pk>/delete/", link_delete, name="harmonise_link_delete"),
    path(f"{_proposal_path}merge/", merge, name="harmonise_merge"),
    path(f"{_proposal_path}attach/", attach, name="harmonise_attach"),
    path(f"{_proposal_path}qualification/", answers_save, name="harmonise_answers"),
]
