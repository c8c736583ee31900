"""The realisation plan at national size: a summary and a page of benefits at a time (the
summary from the light read is the whole plan's), filtered by initiative or owner, for the
current plan and for saved versions (kept in pieces, or whole as before); a large programme
plan saved and its files built by the worker, with pages that say so meanwhile."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from nytte.benefits import services
from nytte.benefits.choices import PlanStatus
from nytte.benefits.models import PlanFile, RealisationPlan
from nytte.benefits.plan import build_pieces, build_plan, paging, plan_summary
from nytte.benefits.plan.tables import assemble
from nytte.benefits.services import plans as plan_services
from nytte.benefits.tasks import build_plan_file, fill_realisation_plan
from nytte.core.actors import SYSTEM
from tests.factories import (
    BenefitAmountFactory,
    BenefitFactory,
    ContributionFactory,
    IndicatorFactory,
    InitiativeFactory,
    MeasurementFactory,
    OrganisationFactory,
    TargetFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan_register(programme):
    """Seven benefits G-1 … G-7 of two agencies' initiatives FI-1 (G-1 … G-4) and FI-2
    (G-4 … G-7, G-4 shared 50/50), owned by SKE (odd) and NAV (even); priced but G-7,
    each with an indicator (G-1's without a baseline) and a yearly amount or two."""
    ske = OrganisationFactory(name="Skatteetaten", short_name="SKE")
    nav = OrganisationFactory(name="NAV", short_name="NAV")
    fi1 = InitiativeFactory(programme=programme, code="FI-1", owner_organisation=ske)
    fi2 = InitiativeFactory(programme=programme, code="FI-2", owner_organisation=nav)
    for n in range(1, 8):
        benefit = BenefitFactory(
            programme=programme,
            code=f"G-{n}",
            title=f"Gevinst nummer {n}",
            owner_organisation=ske if n % 2 else nav,
            arises_in_organisation=ske if n < 4 else nav,
            priced=n != 7,
            budget_cut_share=20,
        )
        if n <= 4:
            ContributionFactory(benefit=benefit, initiative=fi1, share=50 if n == 4 else 100)
        if n >= 4:
            ContributionFactory(benefit=benefit, initiative=fi2, share=50 if n == 4 else 100)
        if n != 7:
            BenefitAmountFactory(benefit=benefit, year=2026, low=n * 1000, likely=n * 1000)
            BenefitAmountFactory(benefit=benefit, year=2027, low=n * 500, likely=n * 500)
        indicator = IndicatorFactory(
            benefit=benefit,
            name=f"Indikator {n}",
            **({"baseline_value": None, "baseline_date": None} if n == 1 else {}),
        )
        TargetFactory(indicator=indicator)
        MeasurementFactory(indicator=indicator)
    return {"ske": ske, "nav": nav, "fi1": fi1, "fi2": fi2}


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(paging, "PAGE_SIZE", 3)


def _url(programme, **query) -> str:
    url = reverse("benefits:programme_plan", kwargs={"slug": programme.slug})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _file_url(programme, fmt: str, **query) -> str:
    url = reverse("benefits:programme_plan_file", kwargs={"slug": programme.slug, "fmt": fmt})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _listed(response) -> list[str]:
    """The codes of the benefits section 6 lists, in order."""
    return [b["code"] for b in response.context["plan"]["benefits"]]


# The summary and the pages


def test_the_summary_from_the_light_read_is_the_whole_plans(programme, plan_register):
    light = plan_summary(programme=programme, user=SYSTEM)
    whole, benefits = build_pieces(programme=programme, user=SYSTEM)
    assert light == whole
    assert light["codes"] == [f"G-{n}" for n in range(1, 8)]
    # 1 000 + 500 per n, n = 1 … 6, each counted once (G-4 too, shared by two).
    assert light["overview"]["total"] == sum(n * 1500 for n in range(1, 7))
    assert light["counts"] == {"benefits": 7, "priced": 6}
    fi1 = next(i for i in light["initiatives"] if i["code"] == "FI-1")
    assert fi1["benefits"] == ["G-1", "G-2", "G-3", "G-4"]
    assert fi1["attributed_likely"] == (1 + 2 + 3) * 1500 + 4 * 1500 // 2
    owners = {o["organisation"]: o["benefits"] for o in light["owners"]}
    assert owners == {"Skatteetaten": ["G-1", "G-3", "G-5", "G-7"], "NAV": ["G-2", "G-4", "G-6"]}
    # The whole plan is the summary with every benefit.
    assert build_plan(programme=programme, user=SYSTEM) == assemble(whole, benefits)


def test_pages_list_their_benefits_with_the_whole_plans_totals(
    programme, plan_register, viewer, client_for, small_pages
):
    client = client_for(viewer, language="en")
    whole = build_plan(programme=programme, user=SYSTEM)
    pages = [client.get(_url(programme, page=n)) for n in (1, 2, 3)]
    assert [_listed(p) for p in pages] == [["G-1", "G-2", "G-3"], ["G-4", "G-5", "G-6"], ["G-7"]]
    for page in pages:
        plan = page.context["plan"]
        assert plan["overview"]["total"] == whole["overview"]["total"]
        assert [(s["key"], s["year_totals"]) for s in plan["overview"]["summary"]] == [
            (s["key"], s["year_totals"]) for s in whole["overview"]["summary"]
        ]
        # Each owner's totals are their whole plan's, whichever of their benefits are shown.
        for owner in plan["owners"]:
            mine = next(o for o in whole["owners"] if o["organisation"] == owner["organisation"])
            assert (owner["likely"], owner["budget_effect"]) == (
                mine["likely"],
                mine["budget_effect"],
            )
    # Together the pages list every row of the whole plan's tables, each once.
    for key in ("followup", "benefits_map"):
        rows = [r["code"] for p in pages for r in _rows(p.context["plan"], key)]
        assert sorted(rows) == sorted(r["code"] for r in _rows(whole, key))
    html = pages[1].content.decode()
    assert "Benefits 4–6 of 7 (the plan has 7)." in html
    assert 'aria-label="Pages of benefits"' in html and "?page=3" in html
    assert "Gevinst nummer 4" in html and "Gevinst nummer 1<" not in html
    # A page past the end shows the last.
    assert _listed(client.get(_url(programme, page=99))) == ["G-7"]


def _rows(plan, key):
    return plan["followup"]["rows"] if key == "followup" else plan[key]


def test_the_filter_shows_an_initiatives_or_an_owners_benefits(
    programme, plan_register, viewer, client_for, small_pages
):
    client = client_for(viewer, language="en")
    assert _listed(client.get(_url(programme, initiative="FI-2"))) == ["G-4", "G-5", "G-6"]
    second = client.get(_url(programme, initiative="FI-2", page=2))
    assert _listed(second) == ["G-7"]
    assert "Benefits 4–4 of 4 (the plan has 7)." in second.content.decode()
    key = next(o["key"] for o in second.context["shown"].owners if o["organisation"] == "NAV")
    assert _listed(client.get(_url(programme, owner=key))) == ["G-2", "G-4", "G-6"]
    both = client.get(_url(programme, owner=key, initiative="FI-1"))
    assert _listed(both) == ["G-2", "G-4"]
    # An unknown initiative: said next to the field, which keeps what was typed.
    wrong = client.get(_url(programme, initiative="FI-9"))
    html = wrong.content.decode()
    assert wrong.status_code == 200 and _listed(wrong) == []
    assert "No initiative with the code FI-9 contributes to this plan." in html
    assert 'value="FI-9"' in html and 'aria-invalid="true"' in html


def test_a_page_lists_the_initiatives_with_the_most_attributed(
    programme, plan_register, viewer, client_for, monkeypatch
):
    from nytte.benefits.plan import tables

    monkeypatch.setattr(tables, "LEADING", 1)
    page = client_for(viewer).get(_url(programme))
    # FI-2: (4/2 + 5 + 6) × 1 500 against FI-1's (1 + 2 + 3 + 4/2) × 1 500.
    assert [i["code"] for i in page.context["plan"]["initiatives"]] == ["FI-2"]
    assert len(build_plan(programme=programme, user=SYSTEM)["initiatives"]) == 2


# Saved versions


def test_a_saved_version_pages_and_filters_its_own_rows(
    programme, plan_register, facilitator, client_for, small_pages
):
    saved = services.realisation_plan_save(programme=programme, acting_user=facilitator)
    assert saved.status == PlanStatus.SAVED and saved.benefit_rows.count() == 7
    BenefitFactory(programme=programme, code="G-0", title="Ny etter lagring")
    client = client_for(facilitator, language="en")
    second = client.get(_url(programme, version=1, page=3))
    assert _listed(second) == ["G-7"]
    assert "Ny etter lagring" not in second.content.decode()
    assert _listed(client.get(_url(programme, version=1, initiative="FI-1"))) == [
        "G-1",
        "G-2",
        "G-3",
    ]
    assert 'name="version" value="1"' in second.content.decode()  # the filter stays on it
    # The current plan has the new benefit first.
    assert _listed(client.get(_url(programme)))[0] == "G-0"


def test_a_version_saved_whole_before_still_pages_and_downloads(
    programme, plan_register, facilitator, client_for, small_pages
):
    """Versions saved before plans were kept in pieces hold the whole plan in ``content``."""
    whole = build_plan(programme=programme, user=SYSTEM)
    RealisationPlan.objects.create(programme=programme, version=1, content=whole)
    client = client_for(facilitator, language="en")
    second = client.get(_url(programme, version=1, page=2))
    assert second.status_code == 200 and _listed(second) == ["G-4", "G-5", "G-6"]
    assert second.context["plan"]["overview"]["total"] == whole["overview"]["total"]
    book = client.get(_file_url(programme, "xlsx", version=1))
    values = [
        v
        for ws in openpyxl.load_workbook(io.BytesIO(book.content))
        for row in ws.iter_rows(values_only=True)
        for v in row
    ]
    assert "Gevinst nummer 7" in values and whole["overview"]["total"] in values


# A large plan: saved and put into files by the worker


@pytest.fixture
def large(monkeypatch):
    """Every programme plan counts as large."""
    monkeypatch.setattr(plan_services, "BACKGROUND_OVER", 1)


def _enqueued(task) -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=task.module_path))


def test_a_large_plan_is_saved_by_the_worker(
    programme, plan_register, facilitator, client_for, large, django_capture_on_commit_callbacks
):
    client = client_for(facilitator, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(programme), {"note": "Ved BP3"}, follow=True)
    html = response.content.decode()
    assert "Version 1 is being saved" in html and "Being saved" in html
    saved = RealisationPlan.objects.get(programme=programme)
    assert saved.status == PlanStatus.SAVING and saved.note == "Ved BP3"
    assert [r.args_kwargs["args"] for r in _enqueued(fill_realisation_plan)] == [[saved.pk]]
    assert client.get(_url(programme, version=1)).status_code == 404  # not ready yet

    assert fill_realisation_plan.call(saved.pk) == PlanStatus.SAVED
    assert fill_realisation_plan.call(saved.pk) == PlanStatus.SAVED  # twice: nothing more
    saved.refresh_from_db()
    assert saved.benefit_rows.count() == 7 and saved.content["counts"]["benefits"] == 7
    page = client.get(_url(programme, version=1))
    assert page.status_code == 200 and "Saved version 1" in page.content.decode()


def test_a_large_plan_that_cannot_be_saved_says_so(
    programme, plan_register, facilitator, client_for, large, monkeypatch
):
    saved = services.realisation_plan_save(programme=programme, acting_user=facilitator)

    def broken(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("nytte.benefits.plan.build_pieces", broken)
    with pytest.raises(RuntimeError):
        fill_realisation_plan.call(saved.pk)
    saved.refresh_from_db()
    assert saved.status == PlanStatus.FAILED
    html = client_for(facilitator, language="en").get(_url(programme)).content.decode()
    assert "Could not be saved" in html


def test_a_large_plans_files_are_built_by_the_worker(
    programme,
    plan_register,
    viewer,
    client_for,
    large,
    django_capture_on_commit_callbacks,
):
    client = client_for(viewer, language="en")
    page = client.get(_url(programme)).content.decode()
    assert f'href="{_file_url(programme, "docx")}">' in page  # no download attribute
    with django_capture_on_commit_callbacks(execute=True):
        waiting = client.get(_file_url(programme, "docx"))
    assert waiting.status_code == 202
    assert "The file is being made" in waiting.content.decode()
    file = PlanFile.objects.get()
    assert (file.format, file.language, file.status) == ("docx", "en", PlanStatus.SAVING)
    assert [r.args_kwargs["args"] for r in _enqueued(build_plan_file)] == [[file.pk]]
    # Asked again while it is built: the same file, not another.
    assert client.get(_file_url(programme, "docx")).status_code == 202
    assert PlanFile.objects.count() == 1

    assert build_plan_file.call(file.pk) == PlanStatus.SAVED
    ready = client.get(_file_url(programme, "docx"))
    assert ready.status_code == 200
    assert f"gevinstrealiseringsplan-{programme.slug}-" in ready["Content-Disposition"]
    from docx import Document

    text = "\n".join(
        [p.text for p in Document(io.BytesIO(ready.content)).paragraphs]
        + [
            c.text
            for t in Document(io.BytesIO(ready.content)).tables
            for r in t.rows
            for c in r.cells
        ]
    )
    assert "Gevinst nummer 7" in text and "Indikator 1" in text

    # The register moves on: the file of the earlier state is not handed out, and goes.
    BenefitFactory(programme=programme, code="G-8", title="Ny gevinst")
    services.benefit_update(
        benefit=programme.benefits.get(code="G-8"), data={"title": "Ny"}, acting_user=SYSTEM
    )
    programme.refresh_from_db()
    assert client.get(_file_url(programme, "docx")).status_code == 202
    assert PlanFile.objects.filter(status=PlanStatus.SAVING).count() == 1
    assert not PlanFile.objects.filter(pk=file.pk).exists()


def test_a_saved_versions_file_that_failed_is_asked_for_again(
    programme, plan_register, viewer, client_for, large, monkeypatch
):
    saved = services.realisation_plan_save(programme=programme, acting_user=SYSTEM)
    fill_realisation_plan.call(saved.pk)
    client = client_for(viewer, language="nb")
    assert client.get(_file_url(programme, "xlsx", version=1)).status_code == 202
    file = PlanFile.objects.get(plan=saved)
    assert file.language == "nb"

    from nytte.benefits.plan import files

    render, broken = files.render_file, [True]

    def flaky(*args, **kwargs):
        if broken[0]:
            raise RuntimeError("out of memory")
        return render(*args, **kwargs)

    monkeypatch.setattr(files, "render_file", flaky)
    with pytest.raises(RuntimeError):
        build_plan_file.call(file.pk)
    failed = client.get(_file_url(programme, "xlsx", version=1))
    html = failed.content.decode()
    assert failed.status_code == 500 and "Filen kunne ikke lages" in html
    assert client.get(_file_url(programme, "xlsx", version=1)).status_code == 500  # still
    broken[0] = False
    retry_url = _file_url(programme, "xlsx", version=1) + "&amp;retry=1"
    assert retry_url in html
    retry = client.get(retry_url.replace("&amp;", "&"))
    assert retry.status_code == 202
    again = PlanFile.objects.get(plan=saved)
    assert again.pk != file.pk and again.status == PlanStatus.SAVING
    build_plan_file.call(again.pk)
    book = client.get(_file_url(programme, "xlsx", version=1))
    assert (
        book.status_code == 200
        and 'filename="gevinstrealiseringsplan-' in (book["Content-Disposition"])
    )


def test_a_plan_too_large_for_word_offers_excel(
    programme, plan_register, viewer, client_for, large, monkeypatch
):
    monkeypatch.setattr("nytte.benefits.plan.files.WORD_MOST", 6)
    client = client_for(viewer, language="en")
    page = client.get(_url(programme)).content.decode()
    assert _file_url(programme, "docx") not in page and _file_url(programme, "xlsx") in page
    assert "too large for a Word document" in page
    refused = client.get(_file_url(programme, "docx"))
    assert refused.status_code == 409 and not PlanFile.objects.exists()
    assert "Too large for a Word document" in refused.content.decode()
    assert f'href="{_file_url(programme, "xlsx")}"' in refused.content.decode()


def test_a_saved_versions_summary_is_read_once(programme, plan_register, viewer, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    services.realisation_plan_save(programme=programme, acting_user=SYSTEM)
    client = client_for(viewer)
    counts = []
    for page in (1, 2):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url(programme, version=1, page=page)).status_code == 200
        counts.append(sum('"benefits_realisationplan"."content"' in q["sql"] for q in queries))
    assert counts == [1, 0]  # the second page finds it kept
