"""The realisation plan pages as people use them: who may read, download and save; saved
versions that render exactly as they were after the register changed (even when a benefit
is gone); the DOCX and Excel downloads of the current plan and of a version; the form that
keeps what was typed; and a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document

from nytte.benefits import services
from nytte.benefits.models import Benefit, BenefitAmount, RealisationPlan
from nytte.core.actors import SYSTEM
from nytte.core.choices import Role
from nytte.core.models import OrganisationMembership
from tests.factories import (
    BenefitAmountFactory,
    BenefitFactory,
    ContributionFactory,
    IndicatorFactory,
    InitiativeFactory,
    MeasurementFactory,
    OrganisationFactory,
    RiskFactory,
    TargetFactory,
)

pytestmark = pytest.mark.django_db

VIEWERS = ["viewer", "contributor", "forum_member", "owner", "facilitator", "programme_admin"]


@pytest.fixture
def ske(db):
    return OrganisationFactory(name="Skatteetaten", short_name="SKE")


@pytest.fixture
def initiative(programme, ske, owner):
    """FI-1, owned by the owner persona."""
    return InitiativeFactory(
        programme=programme,
        code="FI-1",
        title="Samordnet innkreving",
        owner_organisation=ske,
        owner=owner,
    )


@pytest.fixture
def benefit(programme, ske, initiative):
    """G-1: 1 m a year in 2026 in Skatteetaten, 25 % cut; FI-1 has 60 % of it, so FI-1's plan
    counts 600 000, of which 150 000 budget effect."""
    benefit = BenefitFactory(
        programme=programme,
        code="G-1",
        title="Færre manuelle krav",
        owner_organisation=ske,
        arises_in_organisation=ske,
        budget_cut_share=25,
    )
    ContributionFactory(benefit=benefit, initiative=initiative, share=60)
    BenefitAmountFactory(benefit=benefit, year=2026, low=900_000, likely=1_000_000, high=1_100_000)
    indicator = IndicatorFactory(benefit=benefit, name="Manuelle saker")
    TargetFactory(indicator=indicator)
    MeasurementFactory(indicator=indicator, value=812)
    return benefit


def _plan_url(programme, initiative=None, **query):
    if initiative is None:
        url = reverse("benefits:programme_plan", kwargs={"slug": programme.slug})
    else:
        url = reverse(
            "benefits:initiative_plan", kwargs={"slug": programme.slug, "code": initiative.code}
        )
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _file_url(programme, initiative, fmt, **query):
    if initiative is None:
        url = reverse("benefits:programme_plan_file", kwargs={"slug": programme.slug, "fmt": fmt})
    else:
        url = reverse(
            "benefits:initiative_plan_file",
            kwargs={"slug": programme.slug, "code": initiative.code, "fmt": fmt},
        )
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def _xlsx_values(content: bytes) -> list:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return [v for ws in workbook for row in ws.iter_rows(values_only=True) for v in row]


# Who may do what


@pytest.mark.parametrize("persona", VIEWERS)
def test_everyone_in_the_programme_reads_and_downloads(
    request, persona, programme, initiative, benefit, client_for
):
    client = client_for(request.getfixturevalue(persona))
    for scope in (None, initiative):
        assert client.get(_plan_url(programme, scope)).status_code == 200
        for fmt in ("docx", "xlsx"):
            response = client.get(_file_url(programme, scope, fmt))
            assert response.status_code == 200, (persona, fmt)
            assert response["Content-Disposition"].startswith("attachment;")


def test_an_outsider_learns_nothing(outsider, programme, initiative, benefit, client_for):
    services.realisation_plan_save(programme=programme, initiative=initiative, acting_user=SYSTEM)
    client = client_for(outsider)
    for scope in (None, initiative):
        assert client.get(_plan_url(programme, scope)).status_code == 404
        assert client.get(_plan_url(programme, scope, version=1)).status_code == 404
        assert client.post(_plan_url(programme, scope), {"note": "x"}).status_code == 404
        for fmt in ("docx", "xlsx"):
            assert client.get(_file_url(programme, scope, fmt)).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, programme, initiative):
    response = client.get(_plan_url(programme, initiative))
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("persona", ["viewer", "contributor", "forum_member"])
def test_readers_see_no_save_form_and_cannot_save(
    request, persona, programme, initiative, benefit, client_for
):
    client = client_for(request.getfixturevalue(persona))
    for scope in (None, initiative):
        page = client.get(_plan_url(programme, scope)).content.decode()
        assert 'name="note"' not in page
        assert client.post(_plan_url(programme, scope), {"note": "x"}).status_code == 403
    assert not RealisationPlan.objects.exists()


def test_the_initiative_owner_saves_its_plan_but_not_the_programme_plan(
    programme, initiative, benefit, owner, client_for
):
    client = client_for(owner, language="en")
    page = client.get(_plan_url(programme, initiative)).content.decode()
    assert 'name="note"' in page
    response = client.post(_plan_url(programme, initiative), {"note": "Ved BP2"})
    assert response.status_code == 302
    saved = RealisationPlan.objects.get()
    assert (saved.initiative, saved.version, saved.note, saved.created_by) == (
        initiative,
        1,
        "Ved BP2",
        owner,
    )
    assert 'name="note"' not in client.get(_plan_url(programme)).content.decode()
    assert client.post(_plan_url(programme), {"note": "x"}).status_code == 403


def test_an_owner_of_another_agency_cannot_save_this_initiative_plan(
    programme, initiative, benefit, owner, client_for
):
    initiative.owner = None
    initiative.save()
    OrganisationMembership.objects.create(
        user=owner, organisation=OrganisationFactory(), role=Role.OWNER
    )
    client = client_for(owner)
    assert client.get(_plan_url(programme, initiative)).status_code == 200
    assert client.post(_plan_url(programme, initiative), {"note": "x"}).status_code == 403


@pytest.mark.parametrize("persona", ["facilitator", "programme_admin"])
def test_facilitators_and_admins_save_both_plans(
    request, persona, programme, initiative, benefit, client_for
):
    client = client_for(request.getfixturevalue(persona))
    for scope in (None, initiative):
        assert client.post(_plan_url(programme, scope), {"note": ""}).status_code == 302
    assert RealisationPlan.objects.filter(initiative=None).count() == 1
    assert RealisationPlan.objects.filter(initiative=initiative).count() == 1


def test_a_missing_initiative_version_or_format_is_not_found(
    programme, initiative, benefit, viewer, client_for
):
    client = client_for(viewer)
    services.realisation_plan_save(programme=programme, initiative=initiative, acting_user=SYSTEM)
    assert client.get(_plan_url(programme, initiative, version=2)).status_code == 404
    assert client.get(_plan_url(programme, initiative, version="abc")).status_code == 404
    # Version 1 is the initiative's, not the programme's.
    assert client.get(_plan_url(programme, version=1)).status_code == 404
    assert client.get(_file_url(programme, initiative, "pdf")).status_code == 404
    missing = reverse("benefits:initiative_plan", kwargs={"slug": programme.slug, "code": "NO"})
    assert client.get(missing).status_code == 404


# What the page shows


def test_the_page_shows_the_current_plan_with_its_figures(
    programme, initiative, benefit, viewer, client_for
):
    page = client_for(viewer, language="en").get(_plan_url(programme, initiative))
    html = page.content.decode()
    assert page.context["version"] is None
    for heading in [
        "Justification",
        "Goals and main products",
        "Benefit owners and what they answer for",
        "Benefit overview",
        "(a) Budget effect in own agency",
        "(b) Other use of freed capacity in own agency",
        "Measures and follow-up, with risk",
        "The benefits one by one",
        "Benefits map",
    ]:
        assert heading in html, heading
    # 60 % of 1 000 000 is 600 000: 150 000 cut (25 %), 450 000 freed.
    assert "600,000" in html and "150,000" in html and "450,000" in html
    assert "1,000,000" not in html.split('id="plan-overview"')[1].split('id="plan-followup"')[0]
    assert "Manuelle saker" in html and "812" in html
    assert "No version has been saved yet." in html


def test_a_plan_read_again_unchanged_reuses_its_rendering_and_any_change_shows(
    programme, initiative, benefit, viewer, client_for, monkeypatch
):
    from nytte.benefits.views import plan as plan_views

    rendered = []
    render = plan_views.render_to_string
    monkeypatch.setattr(plan_views, "_documents", plan_views.KeptDocuments())
    monkeypatch.setattr(
        plan_views, "render_to_string", lambda *a, **k: rendered.append(1) or render(*a, **k)
    )
    english, norwegian = client_for(viewer, language="en"), client_for(viewer, language="nb")
    first = english.get(_plan_url(programme, initiative))
    assert (
        english.get(_plan_url(programme, initiative)).context["document"]
        == (first.context["document"])
    )
    html = first.content.decode()
    assert len(rendered) == 1 and "812" in html and "The benefits one by one" in html
    # Another language, and any change to what the plan shows, logged or not: rendered anew.
    assert (
        "Gevinstene én for én" in norwegian.get(_plan_url(programme, initiative)).content.decode()
    )
    MeasurementFactory(indicator=benefit.indicators.get(), value=777, date=dt.date(2026, 11, 2))
    Benefit.objects.filter(pk=benefit.pk).update(title="Færre manuelle saker")
    again = english.get(_plan_url(programme, initiative)).content.decode()
    assert "777" in again and "G-1 Færre manuelle saker" in again and len(rendered) == 3
    # A saved version renders from its own content, kept the same way.
    services.realisation_plan_save(programme=programme, initiative=initiative, acting_user=SYSTEM)
    saved = english.get(_plan_url(programme, initiative, version=1)).content.decode()
    assert "Saved version 1" in saved and "777" in saved
    assert len(rendered) == 3  # the same data as the current plan: the same rendering


def test_kept_renderings_stay_within_their_size():
    from django.utils.safestring import mark_safe

    from nytte.benefits.views.plan import KeptDocuments

    kept = KeptDocuments(size=800)
    for n in range(10):
        kept.keep(f"k{n}", mark_safe("x" * 100))
    assert kept.used == 800 and list(kept.documents) == [f"k{n}" for n in range(2, 10)]
    assert kept.get("k2") is not None and kept.get("k1") is None
    kept.keep("k10", mark_safe("x" * 100))  # the least recently read goes: k3, not k2
    assert "k2" in kept.documents and "k3" not in kept.documents
    kept.keep("big", mark_safe("x" * 101))  # over an eighth of the size: not kept
    assert kept.get("big") is None and kept.used == 800


def test_versions_are_listed_and_each_renders_as_it_was(
    programme, initiative, benefit, facilitator, client_for
):
    client = client_for(facilitator, language="en")
    client.post(_plan_url(programme, initiative), {"note": "Ved BP2"})
    line = BenefitAmount.objects.get(benefit=benefit)
    services.amount_update(
        amount=line,
        data={"low": 2_000_000, "likely": 2_000_000, "high": 2_000_000},
        acting_user=SYSTEM,
    )
    response = client.post(_plan_url(programme, initiative), {"note": "Nye tall"}, follow=True)
    assert "The plan was saved as version 2." in response.content.decode()

    current = client.get(_plan_url(programme, initiative)).content.decode()
    # The current plan: 60 % of 2 m = 1 200 000, cut 300 000.
    assert "1,200,000" in current and "300,000" in current
    assert "Ved BP2" in current and "Nye tall" in current and facilitator.display_name in current

    first = client.get(_plan_url(programme, initiative, version=1))
    html = first.content.decode()
    assert first.context["version"]["version"] == 1
    assert "Saved version 1" in html and "Ved BP2" in html
    assert "600,000" in html and "150,000" in html
    assert "1,200,000" not in html

    # The version survives even the benefit's removal from the register.
    Benefit.objects.filter(pk=benefit.pk).delete()
    html = client.get(_plan_url(programme, initiative, version=1)).content.decode()
    assert "G-1 Færre manuelle krav" in html and "600,000" in html
    assert (
        "G-1"
        not in client.get(_plan_url(programme, initiative))
        .content.decode()
        .split('id="plan-overview"')[1]
    )


def test_an_old_version_with_a_choice_since_renamed_still_renders(
    programme, initiative, benefit, viewer, client_for
):
    saved = services.realisation_plan_save(
        programme=programme, initiative=initiative, acting_user=SYSTEM
    )
    row = saved.benefit_rows.get()
    row.content["kind"] = "retired-kind"
    row.save()
    response = client_for(viewer).get(_plan_url(programme, initiative, version=1))
    assert response.status_code == 200
    assert "retired-kind" in response.content.decode()


def test_a_too_long_note_is_refused_next_to_the_field_and_kept(
    programme, initiative, benefit, facilitator, client_for
):
    note = "x" * 501
    response = client_for(facilitator, language="en").post(
        _plan_url(programme, initiative), {"note": note}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_note-error"' in html and "at most 500 characters" in html
    assert note in html
    assert not RealisationPlan.objects.exists()


# Downloads


def test_downloads_of_the_current_plan_and_of_a_version(
    programme, initiative, benefit, viewer, client_for
):
    services.realisation_plan_save(
        programme=programme, initiative=initiative, note="Ved BP2", acting_user=SYSTEM
    )
    line = BenefitAmount.objects.get(benefit=benefit)
    services.amount_update(
        amount=line,
        data={"low": 2_000_000, "likely": 2_000_000, "high": 2_000_000},
        acting_user=SYSTEM,
    )
    client = client_for(viewer, language="en")

    old = client.get(_file_url(programme, initiative, "docx", version=1))
    assert old["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="gevinstrealiseringsplan-FI-1-v1.docx"' in old["Content-Disposition"]
    text = _docx_text(old.content)
    assert "Version 1" in text and "Ved BP2" in text and "600,000" in text
    assert "1,200,000" not in text

    new = client.get(_file_url(programme, initiative, "docx"))
    assert "1,200,000" in _docx_text(new.content)

    old_book = client.get(_file_url(programme, initiative, "xlsx", version=1))
    assert 'filename="gevinstrealiseringsplan-FI-1-v1.xlsx"' in old_book["Content-Disposition"]
    assert 600_000 in _xlsx_values(old_book.content)
    assert 1_200_000 not in _xlsx_values(old_book.content)
    assert 1_200_000 in _xlsx_values(client.get(_file_url(programme, initiative, "xlsx")).content)


def test_the_programme_plan_downloads_count_the_benefit_once(
    programme, initiative, benefit, viewer, client_for
):
    other = InitiativeFactory(programme=programme, code="FI-2")
    ContributionFactory(benefit=benefit, initiative=other, share=40)
    client = client_for(viewer, language="en")
    values = _xlsx_values(client.get(_file_url(programme, None, "xlsx")).content)
    # The whole benefit, once: 1 000 000, of which 250 000 cut.
    assert 1_000_000 in values and 250_000 in values
    assert 2_000_000 not in values
    assert (
        'filename="gevinstrealiseringsplan-' + programme.slug
        in client.get(_file_url(programme, None, "docx"))["Content-Disposition"]
    )


# Queries


def _more_benefits(programme, initiative, n: int) -> None:
    for k in range(n):
        b = BenefitFactory(
            programme=programme,
            owner_organisation=initiative.owner_organisation,
            budget_cut_share=10,
        )
        ContributionFactory(benefit=b, initiative=initiative, share=30)
        BenefitAmountFactory(benefit=b, year=2026 + k % 4)
        indicator = IndicatorFactory(benefit=b)
        TargetFactory(indicator=indicator)
        MeasurementFactory(indicator=indicator)
        b.risks.add(RiskFactory(initiative=initiative))


@pytest.mark.parametrize("persona", ["viewer", "owner", "facilitator"])
def test_page_and_file_queries_do_not_grow_with_the_plan(
    request, persona, programme, initiative, client_for, pinned_queries
):
    client = client_for(request.getfixturevalue(persona))
    urls = {
        "plan of an initiative": _plan_url(programme, initiative),
        "plan of the programme": _plan_url(programme),
        "plan docx": _file_url(programme, initiative, "docx"),
        "plan xlsx": _file_url(programme, None, "xlsx"),
    }
    counts = []
    # Five times as many benefits, over all four years, must cost the same queries.
    for n in (3, 12):
        _more_benefits(programme, initiative, n)
        services.realisation_plan_save(
            programme=programme, initiative=initiative, acting_user=SYSTEM
        )
        measured = []
        for name, url in urls.items():
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            measured.append(pinned_queries.check(f"{name} ({persona})", queries))
        counts.append(measured)
    assert counts[0] == counts[1]
    assert max(counts[0]) <= 20
