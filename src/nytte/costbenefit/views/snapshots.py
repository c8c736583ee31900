"""A frozen snapshot's page, drawn from its JSON only."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from .. import presentation, sections, selectors
from .. import subject as subjects
from ..models import Snapshot, Subject
from .analysis import (
    snapshot_url,
    subject_context,
)
from .common import (
    analysis_page_url,
    crumbs,
    evaluated_context,
    lookup,
)

# ---------------------------------------------------------------------------------------------
# Snapshots


def snapshot_or_404(subject: Subject, version: int) -> Snapshot:
    try:
        return selectors.snapshot_get(subject=subject, version=version)
    except Snapshot.DoesNotExist:
        raise Http404 from None


@login_required
@require_GET
def snapshot(
    request: HttpRequest,
    slug: str,
    version: int,
    code: str | None = None,
    number: int | None = None,
) -> HttpResponse:
    """A frozen analysis, drawn from its JSON only: later changes to the registers, the
    settings or the extra lines never change what it shows."""
    programme, subject = lookup(request, slug, code, number)
    frozen = snapshot_or_404(subject, version)
    context = evaluated_context(presentation.frozen(frozen))
    context.update(
        {
            "programme": programme,
            **subject_context(subject),
            "snapshot_export_url": subjects.url(subject, "snapshot_export", version=version),
            "snapshot": frozen,
            "crumbs": crumbs(
                programme,
                subject,
                {
                    "label": gettext("Version %(version)s") % {"version": frozen.version},
                    "url": snapshot_url(subject, frozen.version),
                },
            ),
            "inputs": sections.inputs(frozen.inputs),
            "analysis_url": analysis_page_url(subject),
            "live": False,
        }
    )
    return render(request, "costbenefit/snapshot.html", context)
