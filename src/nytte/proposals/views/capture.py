"""Step 1, capture: the proposal form, editing, the overview tab (evidence, comments, support,
attachments) and erasing an outside proposer."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from nytte.core.actors import Actor
from nytte.core.concurrency import VersionConflict
from nytte.core.forms import posted_version
from nytte.core.htmx import render_page
from nytte.core.lookups import programme_or_404
from nytte.core.models import Programme
from nytte.core.permissions import Action, can, check
from nytte.core.viewhelpers import add_errors, show_conflict

from .. import services
from ..forms import CommentForm, EvidenceForm, ProposalForm, PublicProposalForm
from ..models import Attachment, Comment, Evidence, Proposal
from .frame import crumbs, detail_context, proposal_for

DETAIL_TEMPLATE = "proposals/proposal_detail.html"


SIMILAR_TARGET = "#capture-similar-results"


def may_edit(user: Actor, proposal: Proposal) -> bool:
    """Who may edit: the service's one rule (``services.may_edit``)."""
    return services.may_edit(user, proposal)


def has_outside_proposer(proposal: Proposal) -> bool:
    """Whether there is an outside proposer's name or e-mail that could be erased."""
    return not proposal.erased_at and bool(proposal.proposer_name or proposal.proposer_email)


def submit_proposal(
    programme: Programme, form: ProposalForm | PublicProposalForm, acting_user: Actor
) -> tuple[Proposal, str]:
    """Receive the proposal and its files in one transaction (all or nothing); returns it
    and the secret of its private status link."""
    return services.proposal_submit(
        programme=programme, acting_user=acting_user, **form.submit_kwargs()
    )


def similar_url(programme: Programme) -> str | None:
    """Where the similar-proposals box asks (step 2's endpoint); None while it is missing."""
    for kwargs in ({"slug": programme.slug}, {}):
        try:
            return reverse("proposals:similar", kwargs=kwargs)
        except NoReverseMatch:
            continue
    return None


def _overview_url(proposal: Proposal, anchor: str = "") -> str:
    return proposal.get_absolute_url() + (f"#{anchor}" if anchor else "")


# ---------------------------------------------------------------------------------------------
# The overview tab


def overview_context(
    request: HttpRequest,
    proposal: Proposal,
    *,
    evidence_form: EvidenceForm | None = None,
    comment_form: CommentForm | None = None,
) -> dict[str, Any]:
    """The overview tab: the proposal's fields, attachments, evidence, supporters, comments
    and (for facilitators) the erasure of an outside proposer's data. Two queries beyond
    the frame's, whatever the number of rows."""
    user = request.user
    contribute = can(user, Action.CONTRIBUTE, proposal)
    facilitate = can(user, Action.FACILITATE, proposal)
    supports = list(proposal.supports.all())  # prefetched with their users
    evidence = list(Evidence.objects.filter(proposal=proposal).select_related("added_by"))
    comments = list(Comment.objects.filter(proposal=proposal).select_related("author"))
    if contribute:
        evidence_form = evidence_form or EvidenceForm(prefix="evidence")
        comment_form = comment_form or CommentForm(prefix="comment")
    erasable = facilitate and has_outside_proposer(proposal)
    return {
        "panel_template": "proposals/tabs/overview.html",
        "attachments": list(proposal.attachments.all()),
        "evidence": evidence,
        "comments": comments,
        "supporters": [support.user for support in supports],
        "supported": any(support.user_id == user.pk for support in supports),
        "evidence_form": evidence_form if contribute else None,
        "comment_form": comment_form if contribute else None,
        "may_edit": may_edit(user, proposal),
        "outside_proposer": bool(proposal.proposer_name or proposal.proposer_email),
        "erasable": erasable,
        "erase_confirm": erasable and request.GET.get("erase") == "confirm",
    }


def _overview_page(
    request: HttpRequest,
    proposal: Proposal,
    *,
    notice: str = "",
    status: int = 200,
    **forms: Any,
) -> HttpResponse:
    """The proposal page on its overview tab (or, with HTMX, just the tab's panel)."""
    context = detail_context(request, proposal, "overview")
    context.update(overview_context(request, proposal, **forms))
    context["notice"] = notice
    return render_page(request, DETAIL_TEMPLATE, context, partial="panel", status=status)


def _done(request: HttpRequest, proposal: Proposal, notice: str, anchor: str) -> HttpResponse:
    """After a change: the fresh panel for HTMX, otherwise back to the tab (PRG)."""
    if request.htmx:
        fresh = proposal_for(proposal.programme, proposal.number, user=request.user, tab="overview")
        return _overview_page(request, fresh, notice=notice)
    messages.success(request, notice)
    return redirect(_overview_url(proposal, anchor))


def _proposal(request: HttpRequest, slug: str, number: int, action: Action) -> Proposal:
    """The proposal if the user may see it (else 404) and do ``action`` (else 403), with
    what the overview tab shows of it (a refused form shows the tab again)."""
    programme = programme_or_404(request, slug)
    proposal = proposal_for(programme, number, user=request.user, tab="overview")
    check(request.user, action, proposal)
    return proposal


def _line_view(
    form_class: type[EvidenceForm] | type[CommentForm],
    prefix: str,
    save: Callable[[Proposal, dict[str, Any], Any], Any],
    saved: Any,
) -> Callable[..., HttpResponse]:
    """A view adding one evidence snippet or comment; a refused one comes back as typed."""

    @login_required
    @require_POST
    def view(request: HttpRequest, slug: str, number: int) -> HttpResponse:
        proposal = _proposal(request, slug, number, Action.CONTRIBUTE)
        model = form_class._meta.model
        form = form_class(request.POST, instance=model(proposal=proposal), prefix=prefix)
        if form.is_valid():
            try:
                save(proposal, form.cleaned_data, request.user)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                return _done(request, proposal, str(saved), f"capture-{prefix}")
        return _overview_page(request, proposal, **{f"{prefix}_form": form})

    view.__name__ = view.__qualname__ = f"{prefix}_add"
    return view


evidence_add = _line_view(
    EvidenceForm,
    "evidence",
    lambda proposal, data, user: services.evidence_add(proposal=proposal, acting_user=user, **data),
    _("The evidence was added."),
)


comment_add = _line_view(
    CommentForm,
    "comment",
    lambda proposal, data, user: services.comment_add(
        proposal=proposal, text=data["text"], acting_user=user
    ),
    _("Your comment was added."),
)


@login_required
@require_POST
def support_toggle(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    proposal = _proposal(request, slug, number, Action.CONTRIBUTE)
    now = services.support_toggle(proposal=proposal, acting_user=request.user)
    notice = gettext("You support this proposal.") if now else gettext("You no longer support it.")
    return _done(request, proposal, notice, "capture-support")


@login_required
@require_POST
def proposer_erase(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """Erase an outside proposer's name and e-mail (asked for on the tab first)."""
    proposal = _proposal(request, slug, number, Action.FACILITATE)
    if not has_outside_proposer(proposal):
        messages.info(request, gettext("There is no outside proposer's data to erase."))
        return redirect(_overview_url(proposal, "capture-proposer"))
    services.proposer_erase(proposal=proposal, acting_user=request.user)
    return _done(
        request,
        proposal,
        gettext("The proposer's name and e-mail address are erased; the proposal stays."),
        "capture-proposer",
    )


SAFE_TYPES = {suffix: types[0] for suffix, types in services.ALLOWED_TYPES.items()}


@login_required
@require_GET
def attachment(request: HttpRequest, slug: str, number: int, pk: int) -> HttpResponse:
    """Stream an attachment as a download, only to those who may see its proposal."""
    programme = programme_or_404(request, slug)
    item = get_object_or_404(
        Attachment.objects.select_related("proposal__programme"),
        pk=pk,
        proposal__programme=programme,
        proposal__number=number,
    )
    check(request.user, Action.VIEW, item)
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    suffix = item.name[item.name.rfind(".") :].lower() if "." in item.name else ""
    # The type comes from our list, never from what the uploader's browser claimed.
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=item.name,
        content_type=SAFE_TYPES.get(suffix, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------------------------------------
# The proposal form for colleagues


@login_required
@require_http_methods(["GET", "POST"])
def proposal_create(request: HttpRequest, slug: str) -> HttpResponse:
    """A new proposal from anyone who may contribute; a facilitator may register one they
    sought out, with an outside proposer's name and e-mail."""
    programme = programme_or_404(request, slug, Action.CONTRIBUTE)
    posted = request.method == "POST"
    form = ProposalForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        instance=Proposal(programme=programme),
        facilitator=can(request.user, Action.FACILITATE, programme),
    )
    if posted and form.is_valid():
        try:
            proposal, _token = submit_proposal(programme, form, request.user)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, gettext("Proposal %(ref)s is received.") % {"ref": proposal.reference}
            )
            return redirect(proposal)
    return _form_page(
        request,
        form,
        programme=programme,
        title=gettext("New proposal"),
        crumb={
            "label": _("New proposal"),
            "url": reverse("proposals:proposal_create", kwargs={"slug": programme.slug}),
        },
        cancel_url=reverse("proposals:proposal_list", kwargs={"slug": programme.slug}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def proposal_edit(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """Edit a proposal: its proposer until assessment starts, the facilitator always."""
    programme = programme_or_404(request, slug)
    proposal = proposal_for(programme, number, user=request.user)
    if not may_edit(request.user, proposal):
        raise PermissionDenied
    posted = request.method == "POST"
    status = 200
    # The form works on a copy, so the service logs the change against the stored values.
    form = ProposalForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        instance=copy.copy(proposal),
    )
    if posted and form.is_valid():
        try:
            with transaction.atomic():
                services.proposal_update(
                    proposal=proposal,
                    data=form.model_data(),
                    affected_organisations=form.cleaned_data["affected_organisations"],
                    life_events=form.cleaned_data["life_events"],
                    acting_user=request.user,
                    expected_version=posted_version(form),
                )
                for upload in form.uploads():
                    services.attachment_add(
                        proposal=proposal, upload=upload, acting_user=request.user
                    )
        except ValidationError as exc:
            # A refused file (attachment_add) says nothing of its field: it is the files'.
            if not hasattr(exc, "error_dict"):
                exc = ValidationError({"attachments": exc.messages})
            add_errors(form, exc)
        except VersionConflict as exc:
            show_conflict(form, exc)
            status = 409
        else:
            messages.success(request, gettext("The proposal is saved."))
            return redirect(proposal)
    return _form_page(
        request,
        form,
        programme=programme,
        proposal=proposal,
        title=gettext("Edit %(ref)s") % {"ref": proposal.reference},
        crumb={
            "label": _("Edit"),
            "url": reverse(
                "proposals:proposal_edit", kwargs={"slug": programme.slug, "number": number}
            ),
        },
        cancel_url=proposal.get_absolute_url(),
        status=status,
    )


def _form_page(
    request: HttpRequest,
    form: ProposalForm,
    *,
    programme: Programme,
    title: str,
    crumb: dict[str, Any],
    cancel_url: str,
    proposal: Proposal | None = None,
    status: int = 200,
) -> HttpResponse:
    # Similar initiatives and proposals help before a proposal exists, not while editing it.
    url = similar_url(programme) if proposal is None else None
    form.enable_similar(url, SIMILAR_TARGET)
    return render(
        request,
        "proposals/proposal_form.html",
        {
            "programme": programme,
            "proposal": proposal,
            "form": form,
            "title": title,
            "crumbs": [*crumbs(programme, proposal), crumb],
            "cancel_url": cancel_url,
            "similar_url": url,
            "files_dropped": request.method == "POST" and bool(request.FILES),
        },
        status=status,
    )
