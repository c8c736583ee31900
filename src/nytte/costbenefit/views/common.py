"""What the cost-benefit views share: looking up the subject, crumbs and URLs, and the
context a live analysis and a snapshot both show."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from nytte.core.lookups import programme_or_404
from nytte.core.models import Programme
from nytte.portfolio.models import Initiative
from nytte.proposals.models import Proposal

from .. import charts, presentation, sections, selectors
from .. import subject as subjects
from ..models import Subject

# ---------------------------------------------------------------------------------------------
# Lookups


def _subject(
    programme: Programme, code: str | None, number: int | None, *, with_result: bool = False
) -> Subject:
    """The initiative (by ``code``) or the proposal (by ``number``), or 404."""
    try:
        return selectors.subject_get(programme, code=code, number=number, with_result=with_result)
    except (Initiative.DoesNotExist, Proposal.DoesNotExist) as exc:
        raise Http404 from exc


def lookup(
    request: HttpRequest,
    slug: str,
    code: str | None,
    number: int | None,
    *,
    with_result: bool = False,
) -> tuple[Programme, Subject]:
    """The programme and the subject; ``with_result`` for a view of the live analysis
    (``selectors.subject_get``)."""
    programme = programme_or_404(request, slug)
    return programme, _subject(programme, code, number, with_result=with_result)


def fresh_subject(subject: Subject) -> Subject:
    """The subject read anew (with its stored result, for the live analysis): the old object
    caches its settings as they were."""
    if isinstance(subject, Initiative):
        return _subject(subject.programme, subject.code, None, with_result=True)
    return _subject(subject.programme, None, subject.number, with_result=True)


def crumbs(programme: Programme, subject: Subject, *extra: dict[str, Any]) -> list[Any]:
    slug = {"slug": programme.slug}
    if isinstance(subject, Initiative):
        parents = [
            {"label": _("Portfolio"), "url": reverse("portfolio:overview", kwargs=slug)},
            {"label": _("Initiatives"), "url": reverse("portfolio:initiative_list", kwargs=slug)},
        ]
    else:
        parents = [
            {"label": _("Proposals"), "url": reverse("proposals:proposal_list", kwargs=slug)}
        ]
    return [
        *parents,
        {"label": subjects.code(subject), "url": subject.get_absolute_url()},
        {"label": _("Cost-benefit analysis"), "url": analysis_page_url(subject)},
        *extra,
    ]


def analysis_page_url(subject: Subject) -> str:
    return subjects.url(subject, "analysis")


# ---------------------------------------------------------------------------------------------
# What a live analysis and a snapshot both show


def evaluated_context(ev: presentation.Evaluated) -> dict[str, Any]:
    main = ev.main
    simulated = sections.simulation_summary(ev)
    for number, item in enumerate(simulated, start=1):
        item["chart_json"] = charts.to_json(charts.histogram_chart(item["stats"]))
        item["chart_id"] = f"cba-histogram-{number}"
    main_sim = next((s for s in simulated if s["name"] == main["name"]), None)
    return {
        "ev": ev,
        "main": main,
        "main_sim": main_sim,
        "key_figures": {
            "nnv": presentation.money(main["nnv"]),
            "nnb": presentation.decimal(main["nnb"]),
            "payback_year": main["payback_year"],
            "rank": main["rank"],
            "alternatives": len(ev.alternatives),
            "prob_negative": (
                presentation.percent(main_sim["stats"]["prob_negative"]) if main_sim else None
            ),
        },
        "columns": [{"name": a["name"], "zero": a["zero"]} for a in ev.alternatives],
        "result_rows": presentation.result_table(ev),
        "table_notes": presentation.table_notes(ev),
        "effects": presentation.effect_details(ev),
        "basis": sections.basis(ev),
        "cash_flows": sections.cash_flows(ev),
        "simulated": simulated,
        "iterations_text": presentation.money(ev.simulation["iterations"]) if simulated else "",
        "simulation_rows": sections.simulation_rows(simulated),
        "s_curve_rows": sections.s_curve_rows(simulated),
        "s_curve_json": charts.to_json(charts.s_curve_chart(ev.simulation)) if simulated else "",
        "tornado": sections.tornado_rows(ev),
        "tornado_json": (
            charts.to_json(charts.tornado_chart(ev.tornado, main["nnv"])) if ev.tornado else ""
        ),
        "break_even": sections.break_even_rows(ev),
        "price_year": ev.results["price_year"],
        "base_year": ev.results["base_year"],
    }
