"""The programme's anchoring heat-map and the checklist editor."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from nytte.core.lookups import programme_or_404
from nytte.core.models import Programme
from nytte.core.permissions import Action, can

from .. import heatmap, selectors, services
from ..choices import AnswerStatus
from ..forms import QuestionForm
from ..models import AnchoringAnswer, ChecklistQuestion
from .common import crumbs


@login_required
@require_GET
def overview(request: HttpRequest, slug: str) -> HttpResponse:
    """Initiatives × questions and organisations × commitment, with RACI warnings."""
    programme = programme_or_404(request, slug)
    data = heatmap.heat_map(programme=programme, user=request.user)
    context = {
        "programme": programme,
        "heat": data,
        "status_labels": dict(AnswerStatus.choices),
        "raci_warnings": selectors.raci_warnings(programme=programme, user=request.user),
        "may_facilitate": can(request.user, Action.FACILITATE, programme),
        "crumbs": crumbs(programme),
    }
    return render(request, "anchoring/overview.html", context)


def _questions_page(
    request: HttpRequest,
    programme: Programme,
    *,
    add_form: QuestionForm | None = None,
    edit_form: QuestionForm | None = None,
    editing: int | None = None,
    status: int = 200,
) -> HttpResponse:
    questions = list(ChecklistQuestion.objects.filter(programme=programme))
    answered = set(
        AnchoringAnswer.objects.filter(question__in=questions).values_list("question_id", flat=True)
    )
    for question in questions:
        question.answered = question.pk in answered
    if editing is None and request.GET.get("edit", "").isdigit():
        editing = int(request.GET["edit"])
    current = next((q for q in questions if q.pk == editing), None)
    if current is not None and edit_form is None:
        edit_form = QuestionForm(
            initial={
                "text": current.text,
                "help_text": current.help_text,
                "topic": current.topic,
                "applies_to": current.applies_to,
            },
            auto_id="id_edit_%s",
        )
    url = reverse("anchoring:questions", kwargs={"slug": programme.slug})
    context = {
        "programme": programme,
        "active": [q for q in questions if not q.retired],
        "retired": [q for q in questions if q.retired],
        "add_form": add_form or QuestionForm(auto_id="id_add_%s"),
        "edit_form": edit_form,
        "editing": editing if current is not None else None,
        "page_url": url,
        "crumbs": crumbs(programme, {"label": gettext("Checklist"), "url": url}),
    }
    return render(request, "anchoring/questions.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def questions(request: HttpRequest, slug: str) -> HttpResponse:
    """Add, reword, reorder, retire, restore and delete (if never answered) questions."""
    programme = programme_or_404(request, slug, Action.FACILITATE)
    if request.method == "GET":
        return _questions_page(request, programme)
    url = reverse("anchoring:questions", kwargs={"slug": programme.slug})
    action = request.POST.get("action", "")
    if action == "add":
        form = QuestionForm(request.POST, auto_id="id_add_%s")
        if form.is_valid():
            question = services.question_create(
                programme=programme, acting_user=request.user, **form.cleaned_data
            )
            messages.success(request, gettext("The question is added."))
            return redirect(f"{url}#question-{question.pk}")
        return _questions_page(request, programme, add_form=form, status=422)
    raw = request.POST.get("question", "")
    question = get_object_or_404(
        ChecklistQuestion, pk=int(raw) if raw.isdigit() else 0, programme=programme
    )
    if action == "edit":
        form = QuestionForm(request.POST, auto_id="id_edit_%s")
        if form.is_valid():
            services.question_update(
                question=question, data=form.cleaned_data, acting_user=request.user
            )
            messages.success(request, gettext("The question is saved; its answers are kept."))
            return redirect(f"{url}#question-{question.pk}")
        return _questions_page(request, programme, edit_form=form, editing=question.pk, status=422)
    if action in ("up", "down"):
        services.question_move(
            question=question, offset=-1 if action == "up" else 1, acting_user=request.user
        )
        return redirect(f"{url}#question-{question.pk}")
    if action in ("retire", "restore"):
        services.question_update(
            question=question, data={"retired": action == "retire"}, acting_user=request.user
        )
        messages.success(
            request,
            gettext("The question is retired; its answers are kept.")
            if action == "retire"
            else gettext("The question is asked again."),
        )
        return redirect(url)
    if action == "delete":
        try:
            services.question_delete(question=question, acting_user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, gettext("The question is deleted."))
        return redirect(url)
    raise Http404
