"""Pages for people without an account: the public proposal form, its thank-you page and the
proposer's private status page (acting as a ``PublicProposer``)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from nytte.core import selectors as core_selectors
from nytte.core.actors import PublicProposer
from nytte.core.models import Programme
from nytte.core.viewhelpers import add_errors

from .. import matching, ratelimit, selectors
from ..choices import Stage
from ..forms import PublicProposalForm
from ..models import Proposal
from .capture import submit_proposal
from .qualification import (
    TYPING_MIN_WORDS,
    TYPING_SUGGESTIONS,
    WORD,
    typed_signals,
    typed_text,
)

# The public form: at most this many proposals from one address per window (seconds).
PUBLIC_LIMIT = 5


PUBLIC_WINDOW = 60 * 60


PUBLIC_SCOPE = "proposal-public"


# ---------------------------------------------------------------------------------------------
# The public form and the proposer's status page (no account needed)


def _public_programme(slug: str) -> Programme:
    """Every programme takes public proposals for now."""
    try:
        return core_selectors.programme_get(slug=slug)
    except Programme.DoesNotExist as exc:
        raise Http404 from exc


@require_http_methods(["GET", "POST"])
def public_submit(request: HttpRequest, slug: str) -> HttpResponse:
    """Anyone may propose without an account. A robot that fills in the hidden honeypot
    field is thanked and nothing is saved; one address may send ``PUBLIC_LIMIT`` proposals
    per hour. A refused form keeps what was typed (files must be chosen again)."""
    programme = _public_programme(slug)
    if not programme.public_form_open:
        # Closed by the programme admin: one clear page, for a form sent from an old tab too.
        return render(
            request, "proposals/public_form.html", {"programme": programme, "closed": True}
        )
    thanks = reverse("proposals:public_thanks", kwargs={"slug": programme.slug})
    if request.method != "POST":
        return _public_page(request, programme, PublicProposalForm())
    ip = ratelimit.client_ip(request)
    if PublicProposalForm.honeypot_filled(request.POST):
        ratelimit.hit(PUBLIC_SCOPE, ip, window=PUBLIC_WINDOW)
        return redirect(thanks)
    form = PublicProposalForm(request.POST, request.FILES, instance=Proposal(programme=programme))
    if ratelimit.exceeded(PUBLIC_SCOPE, ip, limit=PUBLIC_LIMIT, window=PUBLIC_WINDOW):
        return _public_page(request, programme, form, limited=True, status=429)
    if form.is_valid():
        try:
            proposal, token = submit_proposal(
                programme, form, PublicProposer(programme_id=programme.pk)
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            ratelimit.hit(PUBLIC_SCOPE, ip, window=PUBLIC_WINDOW)
            # Shown once on the thank-you page (it is also in the e-mailed receipt).
            request.session[RECEIPT_SESSION_KEY] = {
                "programme": programme.pk,
                "reference": proposal.reference,
                "token": token,
            }
            return redirect(thanks)
    return _public_page(request, programme, form)


RECEIPT_SESSION_KEY = "nytte_public_receipt"


@require_GET
def public_thanks(request: HttpRequest, slug: str) -> HttpResponse:
    """The thank-you page shows the reference and the private status link once, right
    after sending (the receipt e-mail has both); a robot caught by the honeypot, or a
    reload, gets the page without them."""
    programme = _public_programme(slug)
    context: dict[str, Any] = {"programme": programme, "thanks": True}
    receipt = request.session.pop(RECEIPT_SESSION_KEY, None)
    if receipt and receipt.get("programme") == programme.pk:
        context["reference"] = receipt["reference"]
        context["status_url"] = request.build_absolute_uri(
            reverse("proposals:status", kwargs={"token": receipt["token"]})
        )
    response = render(request, "proposals/public_form.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


SIMILAR_TARGET = "#public-similar-results"


# The typing box: at most this many look-ups from one address per window (seconds).
SIMILAR_LIMIT = 120


SIMILAR_WINDOW = 10 * 60


SIMILAR_SCOPE = "proposal-public-similar"


@require_GET
def public_similar(request: HttpRequest, slug: str) -> HttpResponse:
    """What the public form's side box shows while someone types: published initiatives
    (of any programme that publishes) like the text, and nothing else: never a proposal,
    never an unpublished initiative (``matching.similar_published``)."""
    programme = _public_programme(slug)
    if not programme.public_form_open:
        raise Http404
    text = typed_text(request)
    ip = ratelimit.client_ip(request)
    suggestions: tuple[matching.PublicSuggestion, ...] = ()
    hint = ""
    if ratelimit.exceeded(SIMILAR_SCOPE, ip, limit=SIMILAR_LIMIT, window=SIMILAR_WINDOW):
        hint = gettext("Too many look-ups from your address; the list will be back shortly.")
    elif len(WORD.findall(text)) < TYPING_MIN_WORDS:
        hint = gettext(
            "Write a few words of the title, the need or the idea, and published initiatives "
            "like it will be listed here."
        )
    else:
        ratelimit.hit(SIMILAR_SCOPE, ip, window=SIMILAR_WINDOW)
        suggestions = matching.similar_published(
            text, k=TYPING_SUGGESTIONS, signals=typed_signals(request)
        )
    response = render(
        request,
        "proposals/partials/public_similar.html",
        {"programme": programme, "suggestions": suggestions, "hint": hint},
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _public_page(
    request: HttpRequest,
    programme: Programme,
    form: PublicProposalForm,
    *,
    limited: bool = False,
    status: int = 200,
) -> HttpResponse:
    similar_url = reverse("proposals:public_similar", kwargs={"slug": programme.slug})
    form.enable_similar(similar_url, SIMILAR_TARGET)
    return render(
        request,
        "proposals/public_form.html",
        {
            "programme": programme,
            "form": form,
            "limited": limited,
            "limit": PUBLIC_LIMIT,
            "files_dropped": request.method == "POST" and bool(request.FILES),
            "honeypot": form[PublicProposalForm.HONEYPOT],
            "similar_url": similar_url,
        },
        status=status,
    )


STAGE_EXPLANATIONS: dict[str, Any] = {
    Stage.RECEIVED: _(
        "We have received your proposal. The programme's facilitator will look at it soon."
    ),
    Stage.HARMONISATION: _(
        "The proposal is being compared with what the participating agencies already do or "
        "plan, to find out whether it overlaps with, depends on or adds to existing work."
    ),
    Stage.ASSESSMENT: _(
        "Several assessors are weighing the proposal's potential for innovation against how "
        "complex it would be to carry out."
    ),
    Stage.READY: _(
        "The proposal has been assessed and is ready for the governance dialogue, where the "
        "programme's leaders decide what to do with it."
    ),
    Stage.PARKED: _(
        "The proposal is put aside for now. It may be taken up again later, for example when "
        "plans or budgets change."
    ),
    Stage.REJECTED: _("The proposal will not be taken further. The reason is given below."),
    Stage.MERGED: _(
        "Your proposal describes the same as another proposal or an existing initiative, and "
        "is followed up there from now on."
    ),
    Stage.ADOPTED: _(
        "The programme's leaders decided to carry the proposal out: it is now an initiative. "
        "Below you can follow how much of the expected benefit it has realised."
    ),
}


# The events that change the stage; the status page lists their dates, nothing else.


@require_GET
def status(request: HttpRequest, token: str) -> HttpResponse:
    """The proposer's private status page, behind the secret link in the receipt: the stage
    with a plain explanation and its dates, a rejection's reason and where a merged proposal
    went. Nothing else about the programme's work, and nobody's personal data."""
    found = selectors.proposal_for_status(token)
    if found is None:
        raise Http404
    proposal, viewer = found  # the link's holder acts as a PublicProposer
    changes = selectors.status_changes(proposal, viewer=viewer)
    labels = dict(Stage.choices)
    for change in changes:
        change["label"] = labels.get(change["to_stage"], change["to_stage"])
    merged_into = attached_to = None
    if proposal.stage == Stage.MERGED:
        merged_into = proposal.merged_into
        attached_to = proposal.attached_to
    # The decision and its reasons, and an adopted proposal's benefit realisation.
    from nytte.governance.learning.feedback import status_feedback

    feedback = status_feedback(proposal)
    response = render(
        request,
        "proposals/status.html",
        {
            "proposal": proposal,
            "programme_name": proposal.programme.name,
            "stage_label": labels.get(proposal.stage, proposal.stage),
            "explanation": STAGE_EXPLANATIONS.get(proposal.stage, ""),
            "reason": proposal.stage_reason if proposal.stage == Stage.REJECTED else "",
            "merged_into": merged_into,
            "attached_to": attached_to,
            "changes": changes,
            **feedback,
        },
    )
    # The address is the secret: never cached, indexed or passed on as a referrer.
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
