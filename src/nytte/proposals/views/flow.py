"""The flow: the proposal list, the board, moving a proposal, the work queue, export and import."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet, TextChoices
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from nytte.core.excel.views import run_import, xlsx_response
from nytte.core.forms import listed
from nytte.core.htmx import render_page
from nytte.core.listing import paginate, sort_header
from nytte.core.lookups import programme_or_404
from nytte.core.models import Programme
from nytte.core.permissions import Action, can
from nytte.core.viewhelpers import NumberedUrls

from .. import excel, selectors, services
from ..choices import Source, Stage, Track
from ..filtersets import ProposalFilterSet, ordered
from ..forms import ProposalImportForm
from ..models import Proposal
from ..queue import work_queue
from .detail import tab_context
from .frame import TAB_NAMES, crumbs, proposal_for

BOARD_LIMIT = 40  # cards per column; the list has the rest


# What a card shows of a proposal, the only columns read for it.
CARD_FIELDS = ("programme_id", "number", "title", "source", "stage", "track", "created_at")


BOARD_STAGES = (Stage.RECEIVED, Stage.HARMONISATION, Stage.ASSESSMENT, Stage.READY)


SIDE_EXITS = (Stage.PARKED, Stage.REJECTED, Stage.MERGED)


# The step forward a card on the board offers (none needs a reason).
FORWARD = {
    Stage.RECEIVED: Stage.HARMONISATION,
    Stage.HARMONISATION: Stage.ASSESSMENT,
    Stage.ASSESSMENT: Stage.READY,
}


# Filters with a list of choices validate against the options they list, so a chosen
# organisation or life event costs no query of its own.
LISTED_FILTERS = ("organisation", "life_event")


# The board shows every stage at once and keeps its own order.
NOT_ON_BOARD = ("stage", "sort", "page")


# ---------------------------------------------------------------------------------------------
# Helpers


def _filterset(
    request: HttpRequest,
    programme: Programme,
    queryset: QuerySet[Proposal],
    data: QueryDict | None = None,
) -> ProposalFilterSet:
    data = request.GET if data is None else data
    filterset = ProposalFilterSet(
        data or None, queryset=queryset, programme=programme, user=request.user
    )
    for name in LISTED_FILTERS:
        filterset.form.fields[name] = listed(filterset.form.fields[name])
    return filterset


def _flow_crumbs(programme: Programme, label: Any, url: str) -> list[dict[str, Any]]:
    return [*crumbs(programme), {"label": label, "url": url}]


def _url_or_none(name: str, **kwargs: Any) -> str | None:
    """A route another step's module may not have built yet."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


def _flow_context(request: HttpRequest, programme: Programme, page: str) -> dict[str, Any]:
    """What the flow pages' section navigation needs."""
    return {
        "programme": programme,
        "flow_page": page,
        "may_facilitate": can(request.user, Action.FACILITATE, programme),
        "may_contribute": can(request.user, Action.CONTRIBUTE, programme),
        "create_url": _url_or_none("proposals:proposal_create", slug=programme.slug),
        "public_url": _url_or_none("proposals:public_submit", slug=programme.slug),
        "matrix_url": _url_or_none("proposals:matrix", slug=programme.slug),
    }


def _sort_columns(sort: str) -> list[dict[str, Any]]:
    """Sortable column headers: the link each offers and the aria-sort it carries now."""
    columns = [
        ("number", _("Reference")),
        ("title", _("Title")),
        ("stage", _("Stage")),
        ("source", _("Source")),
        (None, _("Track")),
        ("supporters", _("Supporters")),
        (None, _("Proposer")),
        ("received", _("Received")),
    ]
    return [sort_header(key, label, sort) for key, label in columns]


def _proposer_label(proposal: Proposal, personal: bool) -> str:
    """A colleague's name for everyone; an outside proposer's name only for facilitators."""
    if proposal.proposer_id:
        return proposal.proposer.display_name
    if proposal.erased_at:
        return gettext("(erased)")
    if proposal.proposer_name:
        return proposal.proposer_name if personal else gettext("Someone outside the programme")
    return ""


def _show(proposals: Iterable[Proposal], urls: NumberedUrls) -> None:
    """What a card or a queue row shows of each proposal, set on it here, once a page, where
    the template would work it out again for each of a hundred rows (reversing the route,
    translating): ``url`` and when it was received (``received_iso``, ``received_ago``).
    Each one's programme must be at hand."""
    ago, now = gettext("%(age)s ago"), timezone.now()
    for proposal in proposals:
        proposal.url = urls("proposals:proposal", proposal.programme.slug, proposal.number)
        proposal.received_iso = timezone.localtime(proposal.created_at).isoformat()
        proposal.received_ago = ago % {"age": timesince(proposal.created_at, now)}


def _labels(choices: type[TextChoices]) -> dict[str, str]:
    """Each choice's label, translated once (a model's ``get_…_display`` does it per row)."""
    return {value: str(label) for value, label in choices.choices}


# ---------------------------------------------------------------------------------------------
# The list


@login_required
@require_GET
def proposal_list(request: HttpRequest, slug: str) -> HttpResponse:
    """Filter, sort and page through a programme's proposals (the filter form is a GET)."""
    programme = programme_or_404(request, slug)
    filterset = _filterset(
        request, programme, selectors.proposal_list(programme=programme, user=request.user)
    )
    pages = paginate(request, ordered(filterset.qs))
    proposals = list(pages["page"].object_list)
    personal = can(request.user, Action.FACILITATE, programme)
    for proposal in proposals:
        proposal.proposer_label = _proposer_label(proposal, personal)
    sort = request.GET.get("sort", "")
    context = _flow_context(request, programme, "list") | {
        "filterset": filterset,
        "form": filterset.form,
        **pages,
        "proposals": proposals,
        "crumbs": crumbs(programme),
        "sort": sort,
        "columns": _sort_columns(sort),
    }
    return render_page(request, "proposals/proposal_list.html", context, partial="results")


# ---------------------------------------------------------------------------------------------
# The board


@login_required
@require_GET
def board(request: HttpRequest, slug: str) -> HttpResponse:
    """Columns by stage, oldest first, with the side exits as counts linking to the list."""
    programme = programme_or_404(request, slug)
    data = request.GET.copy()
    for name in NOT_ON_BOARD:
        data.pop(name, None)
    filterset = _filterset(
        request,
        programme,
        selectors.proposal_list(programme=programme, user=request.user),
        data=data,
    )
    filtered = filterset.qs
    # Straight from the (programme, stage) index: no subquery, no annotation.
    counts = dict(filtered.order_by().values_list("stage").annotate(n=Count("pk")))
    cards = selectors.first_of_each_stage(
        filtered, programme=programme, stages=BOARD_STAGES, limit=BOARD_LIMIT, fields=CARD_FIELDS
    )
    urls = NumberedUrls()
    sources, tracks = _labels(Source), _labels(Track)
    by_stage: dict[str, list[Proposal]] = {stage: [] for stage in BOARD_STAGES}
    for card in cards:
        card.programme = programme  # its URLs need the slug: no query per card
        card.move_url = urls("proposals:move", programme.slug, card.number)
        card.source_label = sources.get(card.source, card.source)
        card.track_label = tracks.get(card.track, card.track)
        by_stage[card.stage].append(card)
    _show(cards, urls)
    columns = []
    for stage in BOARD_STAGES:
        forward = FORWARD.get(stage)
        columns.append(
            {
                "stage": stage,
                "label": stage.label,
                "cards": by_stage[stage],
                "count": counts.get(stage, 0),
                "more": max(counts.get(stage, 0) - len(by_stage[stage]), 0),
                "forward": forward,
                "move_label": gettext("Move to %(stage)s") % {"stage": str(forward.label).lower()}
                if forward
                else "",
            }
        )
    query = data.urlencode()
    exits = [
        {"stage": stage, "label": stage.label, "count": counts.get(stage, 0)}
        for stage in SIDE_EXITS
    ]
    context = _flow_context(request, programme, "board") | {
        "form": filterset.form,
        "columns": columns,
        "exits": exits,
        "query": query,
        "list_url": reverse("proposals:proposal_list", kwargs={"slug": programme.slug}),
        "crumbs": _flow_crumbs(programme, _("Board"), request.path),
    }
    return render_page(request, "proposals/board.html", context, partial="columns")


# ---------------------------------------------------------------------------------------------
# Moving a proposal


def _frame(request: HttpRequest, proposal: Proposal, tab: str) -> dict[str, Any]:
    """The proposal page's context, as the frame builds it (``views.detail``)."""
    return tab_context(request, proposal, tab)


def _back_to(request: HttpRequest, proposal: Proposal) -> str:
    """Where a move returns: the board (with its filters) or the proposal's tab."""
    if request.POST.get("next") == "board":
        url = reverse("proposals:board", kwargs={"slug": proposal.programme.slug})
        query = QueryDict(request.POST.get("query", "")).urlencode()
        return f"{url}?{query}" if query else url
    tab = request.POST.get("tab", "")
    url = proposal.get_absolute_url()
    return f"{url}?tab={tab}" if tab in TAB_NAMES and tab != "overview" else url


def _move_errors(exc: ValidationError) -> tuple[list[str], list[str]]:
    """The service's refusal as (errors about the reason, other errors)."""
    if not hasattr(exc, "error_dict"):
        return [], list(exc.messages)
    reason: list[str] = []
    other: list[str] = []
    for name, errors in exc.message_dict.items():
        (reason if name == "reason" else other).extend(errors)
    return reason, other


@login_required
@require_POST
def move(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """Move a proposal to another stage (facilitators). A refusal shows the service's message
    on the proposal's page with what was typed (status 422)."""
    programme = programme_or_404(request, slug)
    proposal = proposal_for(programme, number, user=request.user)
    to = request.POST.get("to", "")
    reason = request.POST.get("reason", "")
    try:
        services.proposal_move(proposal=proposal, to=to, reason=reason, acting_user=request.user)
    except ValidationError as exc:
        reason_errors, errors = _move_errors(exc)
        if request.POST.get("next") == "board":
            for message in reason_errors + errors:
                messages.error(request, message)
            return redirect(_back_to(request, proposal))
        tab = request.POST.get("tab", "")
        tab = tab if tab in TAB_NAMES else "overview"
        fresh = proposal_for(programme, number, user=request.user, tab=tab)
        context = _frame(request, fresh, tab) | {
            "move_failed": {
                "to": to,
                "reason": reason,
                "reason_errors": reason_errors,
                "errors": errors,
                # Whether the form that keeps the typed reason is on the page.
                "shown": any(m.value == to and m.needs_reason for m in services.next_moves(fresh)),
            }
        }
        return render(request, "proposals/proposal_detail.html", context, status=422)
    messages.success(
        request,
        gettext("%(ref)s is now: %(stage)s.")
        % {"ref": proposal.reference, "stage": Stage(proposal.stage).in_sentence},
    )
    return redirect(_back_to(request, proposal))


# ---------------------------------------------------------------------------------------------
# The work queue


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """What waits for the user in every programme they have a role in."""
    work = work_queue(request.user)
    urls = NumberedUrls()
    _show([*work.to_harmonise, *work.to_prepare, *work.mine], urls)
    for proposal in work.to_prepare:
        slug = proposal.programme.slug
        if proposal.open_case:
            proposal.case_url = urls("governance:case", slug, proposal.open_case)
        else:
            proposal.prepare_url = urls("governance:prepare_case", slug, proposal.number)
    for assessment in [*work.to_assess, *work.overdue]:
        proposal = assessment.proposal
        proposal.url = urls("proposals:proposal", proposal.programme.slug, proposal.number)
        # The assessor's scoring page.
        assessment.url = urls("proposals:assess", proposal.programme.slug, proposal.number)
        assessment.tab_url = f"{proposal.url}?tab=assessment"
    return render(request, "proposals/queue.html", {"work": work})


@login_required
@require_GET
def export(request: HttpRequest, slug: str) -> HttpResponse:
    """The programme's proposals and evidence; outside proposers' names and e-mail
    addresses only for facilitators."""
    programme = programme_or_404(request, slug)
    personal = can(request.user, Action.FACILITATE, programme)
    return xlsx_response(
        excel.export_proposals(programme, user=request.user, personal_data=personal),
        excel.export_filename(programme),
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_proposals(request: HttpRequest, slug: str) -> HttpResponse:
    """Upload new proposals from a sheet (facilitators); every row is checked first and
    nothing is kept if any is wrong (status 422). ``?template`` downloads an empty sheet."""
    programme = programme_or_404(request, slug, Action.FACILITATE)
    if "template" in request.GET:
        return xlsx_response(excel.import_template(), excel.template_filename(programme))
    form, result, status = run_import(
        request, programme, ProposalImportForm, excel.import_proposals
    )
    context = _flow_context(request, programme, "import") | {
        "form": form,
        "result": result,
        "columns": excel.IMPORT_COLUMNS,
        "crumbs": _flow_crumbs(programme, _("Import from Excel"), request.path),
    }
    return render(request, "proposals/import.html", context, status=status)
