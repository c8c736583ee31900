"""The public overview of published initiatives and its open-data feed (JSON and CSV): no
login, the same rows for everyone (``portfolio.published``)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from nytte.core.listing import paginate
from nytte.core.models import Programme

from .. import published

# Public rows change rarely and are the same for everyone: caches may keep them briefly.
CACHE_CONTROL = "public, max-age=300"


PAGE_SIZE = 50


def _programme(request: HttpRequest) -> Programme | None:
    """``?programme=<slug>``: one publishing programme (404 for any other slug)."""
    slug = request.GET.get("programme", "").strip()
    if not slug:
        return None
    found = Programme.objects.filter(slug=slug, publish_overview=True).first()
    if found is None:
        raise Http404
    return found


@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """Published initiatives of every programme that publishes, by programme and title, so
    that problems solved twice across the state become visible."""
    programme = _programme(request)
    rows = published.published_rows(programme)
    response = render(
        request,
        "portfolio/published.html",
        {
            "programme": programme,
            "programmes": list(published.publishing_programmes().only("name", "slug")),
            "n_rows": len(rows),
            **paginate(request, rows, PAGE_SIZE),
        },
    )
    response["Cache-Control"] = CACHE_CONTROL
    return response


@require_GET
def feed_json(request: HttpRequest) -> HttpResponse:
    programme = _programme(request)
    rows = published.published_rows(programme)
    response = JsonResponse(
        {"fields": list(published.FIELDS), "initiatives": [r.as_dict() for r in rows]},
        json_dumps_params={"ensure_ascii": False},
    )
    response["Cache-Control"] = CACHE_CONTROL
    response["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
    return response


@require_GET
def feed_csv(request: HttpRequest) -> HttpResponse:
    programme = _programme(request)
    body = published.as_csv(published.published_rows(programme))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="initiatives.csv"'
    response["Cache-Control"] = CACHE_CONTROL
    response["Access-Control-Allow-Origin"] = "*"
    return response
