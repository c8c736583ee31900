"""Benefits realisation plan pages: the current plan read from the register, the saved
versions (each rendered from what was frozen, exactly as it was), saving a new version, and
the plan as DOCX and Excel.

The page shows the plan's summary and a page of its benefits (``plan.paging``); the DOCX
and the workbook hold the whole plan, built by ``nytte worker`` for a large programme plan
(the link says so until the file is ready). Each renders the same plan dict whether it was
built a moment ago or saved years before; nothing on them is read from the register except
the programme and initiative that frame the page. Viewers read and download; initiative
owners (for their initiative's plan), facilitators and programme admins save versions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from collections import OrderedDict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from nytte.core.lookups import programme_or_404
from nytte.core.models import Programme
from nytte.core.permissions import Action, can, check
from nytte.portfolio.models import Initiative

from .. import services
from ..choices import PlanStatus
from ..forms import PlanSaveForm
from ..models import PlanFile, RealisationPlan
from ..plan import display, files, plan_initiatives
from ..plan.files import FORMATS, version_meta
from ..plan.paging import plan_source, shown
from ..plan.text import plan_title

# ---------------------------------------------------------------------------------------------
# Helpers


def _scope(
    request: HttpRequest, slug: str, code: str | None
) -> tuple[Programme, Initiative | None]:
    """The programme, and the initiative for an initiative plan; 404 for a missing one or a
    programme the user has no role in."""
    programme = programme_or_404(request, slug)  # from the roles read for the request
    if code is None:
        return programme, None
    try:
        # With what its plan says of it (owners, participants, goals): one query.
        initiative = plan_initiatives().get(programme=programme, code=code)
    except Initiative.DoesNotExist as exc:
        raise Http404 from exc
    initiative.programme = programme  # permission checks need no query
    return programme, initiative


def _version(
    request: HttpRequest, programme: Programme, initiative: Initiative | None
) -> RealisationPlan | None:
    """The saved version named by ``?version=N``, None without one; 404 for one that is not."""
    raw = request.GET.get("version")
    if raw is None:
        return None
    try:
        number = int(raw)
        saved = (
            RealisationPlan.objects.for_user(request.user)
            .select_related("created_by")
            .defer("content")  # read by plan.paging.saved_plan, kept
            .get(
                programme=programme,
                initiative=initiative,
                version=number,
                status=PlanStatus.SAVED,
            )
        )
    except (ValueError, RealisationPlan.DoesNotExist) as exc:
        raise Http404 from exc
    saved.programme = programme  # permission checks and the cache key need no query
    return saved


def _page_url(programme: Programme, initiative: Initiative | None) -> str:
    if initiative is None:
        return reverse("benefits:programme_plan", kwargs={"slug": programme.slug})
    return reverse(
        "benefits:initiative_plan", kwargs={"slug": programme.slug, "code": initiative.code}
    )


def _file_url(
    programme: Programme, initiative: Initiative | None, fmt: str, version: int | None
) -> str:
    if initiative is None:
        url = reverse("benefits:programme_plan_file", kwargs={"slug": programme.slug, "fmt": fmt})
    else:
        url = reverse(
            "benefits:initiative_plan_file",
            kwargs={"slug": programme.slug, "code": initiative.code, "fmt": fmt},
        )
    return f"{url}?version={version}" if version else url


def _crumbs(programme: Programme, initiative: Initiative | None) -> list[dict[str, Any]]:
    page = {"label": _("Realisation plan"), "url": _page_url(programme, initiative)}
    if initiative is None:
        register = reverse("benefits:benefit_list", kwargs={"slug": programme.slug})
        return [{"label": _("Benefits"), "url": register}, page]
    return [
        {
            "label": _("Initiatives"),
            "url": reverse("portfolio:initiative_list", kwargs={"slug": programme.slug}),
        },
        {"label": initiative.code, "url": initiative.get_absolute_url()},
        page,
    ]


DOCUMENT_TEMPLATE = "benefits/partials/plan_document.html"


class KeptDocuments:
    """The latest renderings by key, up to ``size`` characters in all (some 70 initiatives'
    plans of about 110 KB); one over an eighth of that (a programme's plan at national
    size) is not kept."""

    def __init__(self, size: int = 8_000_000) -> None:
        self.size, self.used = size, 0
        self.documents: OrderedDict[str, SafeString] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> SafeString | None:
        with self.lock:
            document = self.documents.get(key)
            if document is not None:
                self.documents.move_to_end(key)
            return document

    def keep(self, key: str, document: SafeString) -> None:
        if len(document) > self.size // 8:
            return
        with self.lock:
            if key not in self.documents:
                self.documents[key] = document
                self.used += len(document)
            while self.used > self.size and self.documents:
                _key, dropped = self.documents.popitem(last=False)
                self.used -= len(dropped)


_documents = KeptDocuments()


def rendered_document(plan: dict[str, Any]) -> SafeString:
    """The plan itself as HTML (``plan_document.html``, which reads nothing but the plan).
    The same plan (plain JSON data: a page of the current plan or of a saved version) in
    the same language renders the same, so a process keeps its latest renderings by a
    digest of the data: a page read again unchanged costs the digest (about 1 ms) instead
    of some 20 ms of template. Any change to what the page shows, or another day's
    progress, is another digest. The plan shares its summary with other requests, so it is
    copied to be made ready for display."""
    data = json.dumps(plan, sort_keys=True, cls=DjangoJSONEncoder)
    key = hashlib.blake2b(f"{get_language()}:{data}".encode(), digest_size=16).hexdigest()
    document = _documents.get(key)
    if document is None:
        document = render_to_string(DOCUMENT_TEMPLATE, {"plan": display(plan)})
        _documents.keep(key, document)
    return document


# ---------------------------------------------------------------------------------------------
# Pages


def _plan_page(
    request: HttpRequest, programme: Programme, initiative: Initiative | None
) -> HttpResponse:
    """Show the current plan or a saved version; a POST saves the current plan as the next
    version (for those who may edit) and comes back to the current plan."""
    scope_object = initiative or programme
    may_save = can(request.user, Action.EDIT, scope_object)
    form = PlanSaveForm()
    if request.method == "POST":
        check(request.user, Action.EDIT, scope_object)
        form = PlanSaveForm(request.POST)
        if form.is_valid():
            try:
                saved = services.realisation_plan_save(
                    programme=programme,
                    initiative=initiative,
                    note=form.cleaned_data["note"],
                    acting_user=request.user,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                if saved.status == PlanStatus.SAVED:
                    text = gettext("The plan was saved as version %(version)s.")
                else:
                    text = gettext(
                        "Version %(version)s is being saved: a plan this large is built in "
                        "the background. Reload the page to see when it is ready."
                    )
                messages.success(request, text % {"version": saved.version})
                return redirect(_page_url(programme, initiative))
    saved = _version(request, programme, initiative) if request.method == "GET" else None
    versions = list(
        RealisationPlan.objects.for_user(request.user)
        .filter(programme=programme, initiative=initiative)
        .select_related("created_by")
        .defer("content")
        .order_by("-version")
    )
    number = saved.version if saved else None
    view = shown(
        plan_source(programme, initiative, saved, request.user),
        initiative=request.GET.get("initiative", ""),
        owner=request.GET.get("owner", ""),
        page=request.GET.get("page"),
    )
    plan = view.plan
    built_on, title = dt.date.fromisoformat(plan["built_on"]), plan_title(plan)
    document = rendered_document(plan)
    return render(
        request,
        "benefits/plan.html",
        {
            "programme": programme,
            "initiative": initiative,
            "plan": plan,
            "built_on": built_on,
            "document": document,
            "shown": view,
            "page": view.page,
            "page_range": list(
                view.page.paginator.get_elided_page_range(view.page.number, on_ends=1)
            ),
            "title": title,
            "version": version_meta(saved),
            "versions": versions,
            "may_save": may_save,
            # A large programme plan's files are built by the worker: a link to one opens a
            # page that says so until it is ready, so it must not be saved as the file.
            "files_later": services.plans.in_background(services.plan_size(plan)),
            "word_too_large": not services.word_takes(services.plan_size(plan)),
            "word_most": files.WORD_MOST,
            "form": form,
            "page_url": _page_url(programme, initiative),
            "docx_url": _file_url(programme, initiative, "docx", number),
            "xlsx_url": _file_url(programme, initiative, "xlsx", number),
            "docx_base": _file_url(programme, initiative, "docx", None),
            "xlsx_base": _file_url(programme, initiative, "xlsx", None),
            "crumbs": _crumbs(programme, initiative),
            "benefits_page": "plan",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_plan(request: HttpRequest, slug: str) -> HttpResponse:
    """The programme's realisation plan: every benefit, each counted once."""
    programme, _initiative = _scope(request, slug, None)
    return _plan_page(request, programme, None)


@login_required
@require_http_methods(["GET", "POST"])
def initiative_plan(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """An initiative's realisation plan: its benefits at its attributed shares."""
    programme, initiative = _scope(request, slug, code)
    return _plan_page(request, programme, initiative)


# ---------------------------------------------------------------------------------------------
# Files


def _plan_file(
    request: HttpRequest, programme: Programme, initiative: Initiative | None, fmt: str
) -> HttpResponse:
    """The plan as a file; a large plan's is built by ``nytte worker``, and until it is ready
    (or when Word cannot take it) the answer is a page that says so."""
    if fmt not in FORMATS:
        raise Http404
    saved = _version(request, programme, initiative)
    answer = services.plan_download(
        programme=programme,
        initiative=initiative,
        saved=saved,
        fmt=fmt,
        user=request.user,
        retry=request.GET.get("retry") == "1",
    )
    if answer.data is None:
        return _file_wait(request, programme, saved, answer.pending, fmt)
    response = HttpResponse(answer.data, content_type=FORMATS[fmt][1])
    response["Content-Disposition"] = f'attachment; filename="{answer.name}"'
    return response


def _file_wait(
    request: HttpRequest,
    programme: Programme,
    saved: RealisationPlan | None,
    file: PlanFile | None,
    fmt: str,
) -> HttpResponse:
    """The page a large plan's file link opens until the file is ready: being made (202),
    failed (500), or, with no ``file``, too large for Word (409)."""
    statuses = {PlanStatus.SAVING: 202, PlanStatus.FAILED: 500}
    status = 409 if file is None else statuses[file.status]
    return render(
        request,
        "benefits/plan_file.html",
        {
            "programme": programme,
            "file": file,
            "format": fmt,
            "word_most": files.WORD_MOST,
            "version": version_meta(saved),
            "page_url": _page_url(programme, None),
            "xlsx_url": _file_url(programme, None, "xlsx", saved and saved.version),
            "retry_url": _file_url(programme, None, fmt, saved and saved.version)
            + ("&" if saved else "?")
            + "retry=1",
            "crumbs": _crumbs(programme, None),
            "benefits_page": "plan",
        },
        status=status,
    )


@login_required
@require_GET
def programme_plan_file(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    programme, _initiative = _scope(request, slug, None)
    return _plan_file(request, programme, None, fmt)


@login_required
@require_GET
def initiative_plan_file(request: HttpRequest, slug: str, code: str, fmt: str) -> HttpResponse:
    programme, initiative = _scope(request, slug, code)
    return _plan_file(request, programme, initiative, fmt)
