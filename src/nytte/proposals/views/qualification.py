"""The "similar while typing" box of the proposal form and the page where facilitators edit
the programme's qualification checklist."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from nytte.core.lookups import programme_or_404
from nytte.core.models import Programme
from nytte.core.permissions import Action
from nytte.similarity import Signals

from .. import matching, qualification
from ..forms import QuestionForm
from ..models import QualificationQuestion
from .frame import crumbs

TYPING_SUGGESTIONS = 5


# At least this many words of three letters or more before the typing box searches.
TYPING_MIN_WORDS = 2


TYPING_FIELDS = ("title", "need", "idea")


WORD = re.compile(r"[^\W\d_]{3,}")


# ---------------------------------------------------------------------------------------------
# Similar while typing


def typed_text(request: HttpRequest) -> str:
    """The title, need and idea typed so far (the typing boxes of both forms)."""
    return "\n".join(request.GET.get(name, "").strip() for name in TYPING_FIELDS).strip()


def typed_signals(request: HttpRequest) -> Signals:
    """The organisations and life events ticked in the form so far (ids; others ignored)."""

    def ids(name: str) -> frozenset[str]:
        return frozenset(v for v in request.GET.getlist(name) if v.isdigit())

    return Signals(life_events=ids("life_events"), organisations=ids("affected_organisations"))


@login_required
@require_GET
def similar(request: HttpRequest, slug: str) -> HttpResponse:
    """Up to five initiatives and proposals like what someone is typing into the proposal
    form (title, need, idea, and the organisations and life events ticked), so they can join
    one instead. Weak matches are folded away: a false alarm there teaches people to ignore
    the box. Needs Action.CONTRIBUTE, like the form that asks."""
    programme = programme_or_404(request, slug, Action.CONTRIBUTE)
    text = typed_text(request)
    suggestions: matching.Suggestions | None = None
    hint = ""
    if len(WORD.findall(text)) < TYPING_MIN_WORDS:
        hint = gettext(
            "Write a few words of the title, the need or the idea, and similar initiatives "
            "and proposals will be listed here."
        )
    else:
        suggestions = matching.similar(
            programme, text, k=TYPING_SUGGESTIONS, signals=typed_signals(request)
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
