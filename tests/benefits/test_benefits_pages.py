"""The benefit pages as people use them: who may read and edit, the register's filters and
totals that count a shared benefit once, the create/edit form that keeps what was typed, the
owner's confirmation, inline lines with and without JavaScript, realisation computed from
measurements, the history of a benefit and its lines, and the initiative's Benefits tab."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from nytte.benefits.models import (
    Benefit,
    BenefitAmount,
    Contribution,
    Indicator,
    Measurement,
    Target,
)
from nytte.benefits.totals import attributed_amount, benefit_totals
from nytte.core.choices import Role
from nytte.core.models import OrganisationMembership
from tests.factories import (
    BenefitAmountFactory,
    BenefitFactory,
    ContributionFactory,
    GoalFactory,
    IndicatorFactory,
    InitiativeFactory,
    MeasurementFactory,
    OrganisationFactory,
    RiskFactory,
    TargetFactory,
    UserFactory,
)
from tests.permissions import PermissionMatrix, assert_logged

pytestmark = pytest.mark.django_db


@pytest.fixture
def ske(programme):
    agency = OrganisationFactory(name="Skatteetaten", short_name="SKE")
    programme.participants.add(agency)
    return agency


@pytest.fixture
def nav(programme):
    agency = OrganisationFactory(name="Arbeids- og velferdsetaten", short_name="NAV")
    programme.participants.add(agency)
    return agency


@pytest.fixture
def nav_owner(owner, nav):
    """The cross-agency story: a NAV manager owns a benefit of an initiative SKE runs."""
    OrganisationMembership.objects.create(user=owner, organisation=nav, role=Role.OWNER)
    return owner


@pytest.fixture
def initiative(programme, ske):
    return InitiativeFactory(
        programme=programme, code="FI-1", title="Samordnet innkreving", owner_organisation=ske
    )


@pytest.fixture
def other_initiative(programme, nav):
    return InitiativeFactory(programme=programme, code="FI-2", owner_organisation=nav)


@pytest.fixture
def benefit(programme, nav, nav_owner, initiative):
    """A NAV benefit that SKE's initiative brings about: 2 × 1 m NOK most likely."""
    benefit = BenefitFactory(
        programme=programme,
        code="G-1",
        title="Færre feilutbetalinger",
        owner_organisation=nav,
        arises_in_organisation=nav,
        status="realising",
    )
    ContributionFactory(benefit=benefit, initiative=initiative, share=60)
    for year in (2026, 2027):
        BenefitAmountFactory(
            benefit=benefit, year=year, low=800_000, likely=1_000_000, high=1_500_000
        )
    benefit.refresh_from_db()
    return benefit


@pytest.fixture
def indicator(benefit):
    """From 1,000 cases a month at the start of 2026 down to 600 a year later."""
    indicator = IndicatorFactory(
        benefit=benefit,
        name="Feilutbetalinger",
        unit="saker",
        direction="decrease",
        frequency="quarterly",
        baseline_value=1000,
        baseline_date=dt.date(2026, 1, 1),
    )
    TargetFactory(indicator=indicator, date=dt.date(2027, 1, 1), value=600)
    return indicator


def _url(benefit, tab: str | None = None) -> str:
    return benefit.get_absolute_url() + (f"?tab={tab}" if tab else "")


def _urls(programme, benefit) -> dict[str, str]:
    return {
        "register": reverse("benefits:benefit_list", args=[programme.slug]),
        "overview": _url(benefit),
        "realisation": _url(benefit, "realisation"),
        "history": _url(benefit, "history"),
        "create": reverse("benefits:benefit_create", args=[programme.slug]),
        "edit": reverse("benefits:benefit_edit", args=[programme.slug, benefit.code]),
    }


def _htmx_post(client: Client, url: str, data: dict, target: str):
    return client.post(url, data, HTTP_HX_REQUEST="true", HTTP_HX_TARGET=target)


def _benefit_post(**overrides) -> dict[str, object]:
    """A valid benefit form with three empty contribution rows."""
    data: dict[str, object] = {
        "code": "G-9",
        "title": "Raskere svar til innbyggerne",
        "description": "Saker avgjøres uten manuell behandling.",
        "kind": "efficiency",
        "priced": "on",
        "impact_goal": "",
        "arises_in_organisation": "",
        "arises_in_group": "citizens",
        "owner_organisation": "",
        "owner": "",
        "status": "identified",
        "budget_cut_share": "0",
        "plus_minus": "",
        "plus_minus_reasoning": "",
        "preconditions": "",
        "contribution-TOTAL_FORMS": "3",
        "contribution-INITIAL_FORMS": "0",
        "contribution-MIN_NUM_FORMS": "0",
        "contribution-MAX_NUM_FORMS": "1000",
    }
    for row in range(3):
        data[f"contribution-{row}-initiative"] = ""
        data[f"contribution-{row}-share"] = ""
    data.update(overrides)
    return data


# ---------------------------------------------------------------------------------------------
# Permissions


class TestPagePermissions(PermissionMatrix):
    EXPECTED = {
        # page: statuses for facilitator, programme admin, owner (of the benefit, in NAV),
        # contributor, forum member, viewer, outsider
        "register": [200, 200, 200, 200, 200, 200, 404],
        "overview": [200, 200, 200, 200, 200, 200, 404],
        "realisation": [200, 200, 200, 200, 200, 200, 404],
        "history": [200, 200, 200, 200, 200, 200, 404],
        "create": [200, 200, 403, 403, 403, 403, 404],
        "edit": [200, 200, 200, 403, 403, 403, 404],
    }

    @pytest.fixture
    def urls(self, programme, benefit):
        return _urls(programme, benefit)


def test_outsider_gets_404_everywhere_even_when_posting(access, programme, benefit):
    urls = _urls(programme, benefit)
    post = {
        "action": "amount-add",
        "add-amount-year": "2030",
        "add-amount-low": "1",
        "add-amount-likely": "1",
        "add-amount-high": "1",
    }
    access.check("post", urls["overview"], post, hidden=["outsider"])
    access.check("post", urls["edit"], _benefit_post(), hidden=["outsider"])
    access.check("post", urls["create"], _benefit_post(), hidden=["outsider"])
    confirm = reverse("benefits:benefit_confirm", args=[programme.slug, benefit.code])
    access.check("post", confirm, hidden=["outsider"])
    assert not BenefitAmount.objects.filter(year=2030).exists()


def test_an_unknown_benefit_is_not_found(viewer, client_for, programme):
    url = reverse("benefits:benefit", args=[programme.slug, "G-404"])
    assert client_for(viewer).get(url).status_code == 404


def test_viewer_reads_but_cannot_edit(viewer, client_for, programme, benefit, indicator):
    client = client_for(viewer, language="en")
    for tab in ("overview", "realisation"):
        html = client.get(_url(benefit, tab)).content.decode()
        assert "Færre feilutbetalinger" in html
        assert "Edit benefit" not in html
        assert 'name="action"' not in html
        assert "Confirm the estimate" not in html
    register = client.get(_urls(programme, benefit)["register"]).content.decode()
    assert "New benefit" not in register
    post = {
        "action": "measurement-add",
        "indicator": str(indicator.pk),
        f"add-measurement-{indicator.pk}-date": "2026-07-01",
        f"add-measurement-{indicator.pk}-value": "800",
    }
    assert client.post(_url(benefit, "realisation"), post).status_code == 403
    assert not Measurement.objects.exists()


# ---------------------------------------------------------------------------------------------
# The benefit owner in another agency


def test_owner_in_another_agency_records_measurements_but_may_not_edit_the_initiative(
    nav_owner, client_for, programme, benefit, indicator, initiative
):
    """The owner's rights follow the benefit, not the SKE initiative behind it."""
    client = client_for(nav_owner, language="en")
    page = client.get(_url(benefit, "realisation")).content.decode()
    assert "Add a measurement for Feilutbetalinger" in page

    post = {
        "action": "measurement-add",
        "indicator": str(indicator.pk),
        f"add-measurement-{indicator.pk}-date": "2026-07-01",
        f"add-measurement-{indicator.pk}-value": "800",
        f"add-measurement-{indicator.pk}-source": "Uttrekk juli",
    }
    response = _htmx_post(client, _url(benefit, "realisation"), post, "realisation-panel")
    assert response.status_code == 200
    assert "Measurement saved." in response.content.decode()
    measurement = Measurement.objects.get()
    assert measurement.recorded_by == nav_owner
    assert measurement.value == 800

    edit_initiative = reverse("portfolio:initiative_edit", args=[programme.slug, initiative.code])
    assert client.get(edit_initiative).status_code == 403
    assert client.post(edit_initiative, {"code": "FI-1", "title": "Kapret"}).status_code == 403
    cost = {
        "action": "cost-add",
        "add-organisation": str(initiative.owner_organisation_id),
        "add-year": "2027",
        "add-category": "investment",
        "add-low": "1",
        "add-likely": "1",
        "add-high": "1",
    }
    initiative_costs = initiative.get_absolute_url() + "?tab=costs"
    assert client.post(initiative_costs, cost).status_code == 403
    initiative.refresh_from_db()
    assert initiative.title == "Samordnet innkreving"


def test_an_owner_of_nothing_here_may_not_edit_the_benefit(owner, client_for, benefit, indicator):
    """The owner role alone gives no rights; owning the benefit (its organisation) does."""
    OrganisationMembership.objects.filter(user=owner).delete()
    client = client_for(owner)
    assert client.get(_urls(benefit.programme, benefit)["edit"]).status_code == 403
    post = {
        "action": "target-add",
        "indicator": str(indicator.pk),
        f"add-target-{indicator.pk}-date": "2028-01-01",
        f"add-target-{indicator.pk}-value": "500",
    }
    assert client.post(_url(benefit, "realisation"), post).status_code == 403
    assert Target.objects.count() == 1


# ---------------------------------------------------------------------------------------------
# Confirmation by the owner


def test_only_the_owner_sees_and_may_use_the_confirm_button(
    nav_owner, facilitator, viewer, client_for, access, programme, benefit
):
    confirm = reverse("benefits:benefit_confirm", args=[programme.slug, benefit.code])
    assert (
        "Confirm the estimate"
        not in client_for(facilitator, "en").get(_url(benefit)).content.decode()
    )
    access.check("post", confirm, forbidden=["facilitator", "viewer"])
    assert client_for(nav_owner).get(confirm).status_code == 405  # only a POST confirms
    benefit.refresh_from_db()
    assert not benefit.confirmed

    client = client_for(nav_owner, language="en")
    assert "Confirm the estimate" in client.get(_url(benefit)).content.decode()
    response = client.post(confirm, follow=True)
    benefit.refresh_from_db()
    assert benefit.confirmed_by == nav_owner
    assert benefit.confirmed_on is not None
    html = response.content.decode()
    assert "You confirmed the estimate." in html
    assert "Confirmed by" in html
    assert "Confirm the estimate" not in html


def test_a_new_yearly_amount_takes_the_confirmation_back(nav_owner, client_for, benefit):
    client = client_for(nav_owner, language="en")
    client.post(reverse("benefits:benefit_confirm", args=[benefit.programme.slug, benefit.code]))
    post = {
        "action": "amount-add",
        "add-amount-year": "2028",
        "add-amount-low": "1",
        "add-amount-likely": "2",
        "add-amount-high": "3",
    }
    html = _htmx_post(client, _url(benefit), post, "overview-panel").content.decode()
    benefit.refresh_from_db()
    assert not benefit.confirmed
    assert "Not confirmed by the owner." in html
    assert "Confirm the estimate" in html


# ---------------------------------------------------------------------------------------------
# Create and edit


def test_facilitator_creates_a_benefit_with_shares_and_risks(
    facilitator, client_for, programme, initiative, other_initiative, nav
):
    goal = GoalFactory(programme=programme, level="impact", code="E1")
    risk = RiskFactory(initiative=initiative, title="Forsinket datadeling")
    response = client_for(facilitator).post(
        reverse("benefits:benefit_create", args=[programme.slug]),
        _benefit_post(
            impact_goal=str(goal.pk),
            owner_organisation=str(nav.pk),
            risks=[str(risk.pk)],
            **{
                "contribution-0-initiative": str(initiative.pk),
                "contribution-0-share": "40",
                "contribution-1-initiative": str(other_initiative.pk),
                "contribution-1-share": "60",
            },
        ),
    )
    benefit = Benefit.objects.get(code="G-9")
    assert response.status_code == 302
    assert response["Location"] == benefit.get_absolute_url()
    shares = {c.initiative.code: c.share for c in benefit.contributions.all()}
    assert shares == {"FI-1": Decimal(40), "FI-2": Decimal(60)}
    assert list(benefit.risks.all()) == [risk]
    assert benefit.arises_in_group == "citizens"
    assert benefit.impact_goal == goal
    assert_logged(benefit, "create", by=facilitator)


def test_a_refused_form_keeps_what_was_typed_with_errors_next_to_the_fields(
    facilitator, client_for, programme, initiative, nav
):
    response = client_for(facilitator, language="en").post(
        reverse("benefits:benefit_create", args=[programme.slug]),
        _benefit_post(
            arises_in_organisation=str(nav.pk),
            arises_in_group="citizens",
            **{"contribution-0-initiative": initiative.code, "contribution-0-share": "30"},
        ),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert not Benefit.objects.exists()
    assert 'value="Raskere svar til innbyggerne"' in html
    assert "Saker avgjøres uten manuell behandling." in html
    assert re.search(rf'<option value="{nav.pk}" selected>', html)
    # The initiative is typed by its code (a programme can have thousands to list).
    assert re.search(rf'name="contribution-0-initiative" value="{initiative.code}"', html)
    assert 'value="30"' in html
    assert 'id="id_arises_in_group-error"' in html
    assert "either in one organisation or in a group, not both" in html
    assert 'class="ds-error-summary"' in html
    assert 'href="#id_arises_in_group"' in html


def test_a_code_already_in_use_is_refused_next_to_the_code_field(
    facilitator, client_for, programme, benefit
):
    html = (
        client_for(facilitator, language="en")
        .post(reverse("benefits:benefit_create", args=[programme.slug]), _benefit_post(code="G-1"))
        .content.decode()
    )
    assert Benefit.objects.count() == 1
    assert 'id="id_code-error"' in html
    assert "already has this code" in html


def test_shares_over_100_percent_are_refused_and_what_was_typed_stays(
    facilitator, client_for, programme, initiative, other_initiative
):
    response = client_for(facilitator, language="en").post(
        reverse("benefits:benefit_create", args=[programme.slug]),
        _benefit_post(
            **{
                "contribution-0-initiative": str(initiative.pk),
                "contribution-0-share": "70",
                "contribution-1-initiative": str(other_initiative.pk),
                "contribution-1-share": "45",
            }
        ),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert not Benefit.objects.exists()  # all or nothing: the benefit is not saved either
    assert not Contribution.objects.exists()
    assert "add up to 115 %" in html
    assert "at most 100 %" in html
    assert 'id="contributions-error"' in html
    assert 'href="#contributions-legend"' in html
    assert 'value="70"' in html and 'value="45"' in html
    assert 'value="Raskere svar til innbyggerne"' in html


def test_a_share_without_an_initiative_or_twice_the_same_initiative_is_refused(
    facilitator, client_for, programme, initiative
):
    html = (
        client_for(facilitator, language="en")
        .post(
            reverse("benefits:benefit_create", args=[programme.slug]),
            _benefit_post(
                **{
                    "contribution-0-initiative": str(initiative.pk),
                    "contribution-0-share": "20",
                    "contribution-1-initiative": str(initiative.pk),
                    "contribution-1-share": "20",
                    "contribution-2-initiative": "",
                    "contribution-2-share": "10",
                }
            ),
        )
        .content.decode()
    )
    assert not Benefit.objects.exists()
    assert "This initiative is already listed above." in html
    assert "Choose the initiative this share belongs to." in html
    assert 'href="#id_contribution-2-initiative"' in html


def test_editing_shows_the_current_shares_and_saves_the_changed_ones(
    facilitator, client_for, programme, benefit, initiative, other_initiative
):
    client = client_for(facilitator)
    edit = _urls(programme, benefit)["edit"]
    form = client.get(edit).content.decode()
    assert re.search(rf'name="contribution-0-initiative" value="{initiative.code}"', form)
    assert 'value="60.00"' in form
    assert 'name="contribution-TOTAL_FORMS" value="4"' in form  # one share + three blank rows

    data = _benefit_post(
        code="G-1",
        title="Færre feilutbetalinger",
        kind="efficiency",
        status="realising",
        arises_in_group="",
        arises_in_organisation=str(benefit.arises_in_organisation_id),
        owner_organisation=str(benefit.owner_organisation_id),
        **{"contribution-0-initiative": str(other_initiative.pk), "contribution-0-share": "25"},
    )
    assert client.post(edit, data).status_code == 302
    shares = {c.initiative.code: c.share for c in benefit.contributions.all()}
    assert shares == {"FI-2": Decimal(25)}


def test_the_owner_edits_the_benefit_and_the_history_shows_it(
    nav_owner, client_for, programme, benefit
):
    client = client_for(nav_owner, language="en")
    data = _benefit_post(
        code="G-1",
        title="Færre feilutbetalinger i NAV",
        kind="efficiency",
        status="realising",
        arises_in_group="",
        arises_in_organisation=str(benefit.arises_in_organisation_id),
        owner_organisation=str(benefit.owner_organisation_id),
        **{
            "contribution-0-initiative": str(benefit.contributions.get().initiative_id),
            "contribution-0-share": "60",
        },
    )
    assert client.post(_urls(programme, benefit)["edit"], data).status_code == 302
    history = client.get(_url(benefit, "history")).content.decode()
    assert "Færre feilutbetalinger i NAV" in history


# ---------------------------------------------------------------------------------------------
# Lines, inline with HTMX and without JavaScript


def _line_post(kind: str, verb: str, indicator=None, line=None, **values) -> dict[str, str]:
    prefix = f"edit-{kind}" if verb == "update" else f"add-{kind}"
    if indicator is not None and verb == "add":
        prefix += f"-{indicator.pk}"
    data = {"action": f"{kind}-{verb}"}
    if line is not None:
        data["line"] = str(line.pk)
    if indicator is not None and verb == "add":
        data["indicator"] = str(indicator.pk)
    data.update({f"{prefix}-{name}": str(value) for name, value in values.items()})
    return data


LINE_CASES = {
    # kind: tab, values added, values changed, model
    "amount": (
        "overview",
        {"year": 2030, "low": 1, "likely": 2, "high": 3},
        {"year": 2030, "low": 1, "likely": 5, "high": 9},
        BenefitAmount,
    ),
    "contribution": (
        "overview",
        {"initiative": "OTHER", "share": 30},
        {"initiative": "OTHER", "share": 40},
        Contribution,
    ),
    "indicator": (
        "realisation",
        {"name": "Klager", "unit": "saker", "direction": "decrease", "frequency": "monthly"},
        {"name": "Klager per år", "unit": "saker", "direction": "decrease", "frequency": "yearly"},
        Indicator,
    ),
    "target": (
        "realisation",
        {"date": "2028-01-01", "value": 500},
        {"date": "2028-01-01", "value": 400},
        Target,
    ),
    "measurement": (
        "realisation",
        {"date": "2026-04-01", "value": 900, "source": "Uttrekk"},
        {"date": "2026-04-01", "value": 950, "source": "Uttrekk"},
        Measurement,
    ),
}


def _values(values: dict, other_initiative) -> dict:
    return {k: (other_initiative.pk if v == "OTHER" else v) for k, v in values.items()}


@pytest.mark.parametrize("kind", list(LINE_CASES))
def test_a_line_is_added_edited_and_deleted_in_place_and_logged(
    kind, facilitator, client_for, benefit, indicator, other_initiative
):
    tab, added, changed, model = LINE_CASES[kind]
    client = client_for(facilitator, language="en")
    url, target = _url(benefit, tab), f"{tab}-panel"
    on_indicator = indicator if kind in {"target", "measurement"} else None
    before = model.objects.count()

    response = _htmx_post(
        client,
        url,
        _line_post(kind, "add", on_indicator, **_values(added, other_initiative)),
        target,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<div id="{target}"')  # only the panel, not the page
    assert "saved." in html
    assert model.objects.count() == before + 1
    line = model.objects.latest("pk")
    assert_logged(line, "create")

    edit_row = client.get(
        f"{url}&edit={kind}-{line.pk}", HTTP_HX_REQUEST="true", HTTP_HX_TARGET=target
    ).content.decode()
    assert f'name="edit-{kind}-' in edit_row
    assert "autofocus" in edit_row

    data = _line_post(kind, "update", line=line, **_values(changed, other_initiative))
    assert "saved." in _htmx_post(client, url, data, target).content.decode()
    line.refresh_from_db()
    field, value = next((k, v) for k, v in changed.items() if added[k] != v)
    assert str(getattr(line, field)).rstrip("0").rstrip(".") == str(value)

    data = {"action": f"{kind}-delete", "line": str(line.pk)}
    assert "deleted." in _htmx_post(client, url, data, target).content.decode()
    assert model.objects.count() == before


def test_without_javascript_a_line_redirects_back_to_its_tab(
    facilitator, client_for, benefit, indicator
):
    client = client_for(facilitator, language="en")
    data = _line_post("target", "add", indicator, date="2028-01-01", value=450)
    response = client.post(_url(benefit, "realisation"), data)
    assert response.status_code == 302
    assert response["Location"] == _url(benefit, "realisation")
    assert Target.objects.filter(value=450).exists()
    page = client.get(response["Location"]).content.decode()
    assert "Target saved." in page


def test_without_javascript_a_refused_line_is_shown_on_the_full_page(
    facilitator, client_for, benefit, indicator
):
    data = _line_post("measurement", "add", indicator, date="", value="abc", source="Manuelt")
    response = client_for(facilitator, language="en").post(_url(benefit, "realisation"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html  # the whole page
    assert f'id="id_add-measurement-{indicator.pk}-date-error"' in html
    assert 'value="Manuelt"' in html
    assert re.search(r"<details class=\"ds-details line-add\" open>", html)
    assert not Measurement.objects.exists()


def test_a_refused_amount_keeps_what_was_typed(facilitator, client_for, benefit):
    data = _line_post("amount", "add", year=2031, low=500, likely=100, high=900)
    html = _htmx_post(
        client_for(facilitator, language="en"), _url(benefit), data, "overview-panel"
    ).content.decode()
    assert "low ≤ most likely ≤ high" in html
    assert 'value="2031"' in html and 'value="900"' in html
    assert not BenefitAmount.objects.filter(year=2031).exists()


def test_a_year_twice_is_refused_next_to_the_year(facilitator, client_for, benefit):
    data = _line_post("amount", "add", year=2026, low=1, likely=1, high=1)
    html = _htmx_post(
        client_for(facilitator, language="en"), _url(benefit), data, "overview-panel"
    ).content.decode()
    assert 'id="id_add-amount-year-error"' in html
    assert "This year already has an amount." in html


def test_an_inline_share_over_100_percent_is_refused_next_to_the_share(
    facilitator, client_for, benefit, other_initiative
):
    data = _line_post("contribution", "add", initiative=other_initiative.pk, share=50)
    html = _htmx_post(
        client_for(facilitator, language="en"), _url(benefit), data, "overview-panel"
    ).content.decode()
    assert 'id="id_add-contribution-share-error"' in html
    assert "add up to 110 %" in html
    assert 'value="50"' in html
    assert benefit.contributions.count() == 1


def test_a_refused_edit_stays_in_place_of_its_row(facilitator, client_for, benefit, indicator):
    measurement = MeasurementFactory(indicator=indicator, date=dt.date(2026, 4, 1), value=900)
    MeasurementFactory(indicator=indicator, date=dt.date(2026, 7, 1), value=800)
    data = _line_post(
        "measurement", "update", line=measurement, date="2026-07-01", value=850, source="Ny kilde"
    )
    html = _htmx_post(
        client_for(facilitator, language="en"),
        _url(benefit, "realisation"),
        data,
        "realisation-panel",
    ).content.decode()
    assert "already has a measurement on 2026-07-01" in html
    assert 'id="id_edit-measurement-date-error"' in html  # on the date, as from the API
    assert f'<tr id="measurement-{measurement.pk}" class="line-edit-row">' in html
    assert 'value="Ny kilde"' in html
    measurement.refresh_from_db()
    assert measurement.value == 900


def test_a_line_of_another_benefit_cannot_be_changed_through_this_one(
    facilitator, client_for, programme, benefit
):
    other = BenefitFactory(programme=programme, code="G-2")
    foreign = BenefitAmountFactory(benefit=other, year=2026)
    foreign_indicator = IndicatorFactory(benefit=other)
    client = client_for(facilitator)
    data = {"action": "amount-delete", "line": str(foreign.pk)}
    assert client.post(_url(benefit), data).status_code == 404
    data = _line_post("measurement", "add", foreign_indicator, date="2026-07-01", value=1)
    assert client.post(_url(benefit, "realisation"), data).status_code == 404
    assert BenefitAmount.objects.filter(pk=foreign.pk).exists()
    assert not Measurement.objects.exists()
    assert client.post(_url(benefit), {"action": "nonsense-add"}).status_code == 404


def test_a_measurement_added_through_the_page_changes_the_realisation_shown(
    facilitator, client_for, benefit, indicator
):
    client = client_for(facilitator, language="en")
    MeasurementFactory(indicator=indicator, date=dt.date(2026, 7, 1), value=800)
    before = client.get(_url(benefit, "realisation")).content.decode()
    # Half the way from 1,000 to 600: 50 % realised.
    assert "<dt>Realised</dt><dd>50 %</dd>" in before

    data = _line_post("measurement", "add", indicator, date="2026-10-01", value=640)
    after = _htmx_post(
        client, _url(benefit, "realisation"), data, "realisation-panel"
    ).content.decode()
    assert "<dt>Realised</dt><dd>90 %</dd>" in after
    assert "Behind plan" not in after
    register = client.get(reverse("benefits:benefit_list", args=[benefit.programme.slug]))
    assert re.search(r'<td class="numeric">90 %', register.content.decode())


def test_realisation_tab_shows_progress_chart_table_and_who_measured(
    facilitator, nav_owner, client_for, benefit, indicator
):
    MeasurementFactory(
        indicator=indicator, date=dt.date(2026, 7, 1), value=950, recorded_by=nav_owner
    )
    html = client_for(facilitator, language="en").get(_url(benefit, "realisation")).content
    html = html.decode()
    # 12.5 % of the way against 50 % planned by July: behind by far more than 10 points.
    assert "Behind plan" in html
    assert "percentage points behind" in html
    assert nav_owner.display_name in html
    assert f'data-chart="indicator-{indicator.pk}-chart"' in html
    assert f'<div hidden id="indicator-{indicator.pk}-chart">{{&quot;$schema' in html
    assert "Planned and measured values of Feilutbetalinger (saker) by date" in html
    assert "Next measurement due" in html
    assert "Overdue" in html  # a quarter after July 2026 has passed (the test runs later)


def test_amounts_tab_has_a_total_row_and_contributions_their_attributed_amount(
    viewer, client_for, benefit
):
    html = client_for(viewer, language="en").get(_url(benefit)).content.decode()
    assert "<tfoot>" in html
    assert '<td class="numeric">2,000,000</td>' in html  # total of the two years
    assert '<td class="numeric">1,200,000</td>' in html  # 60 % of it to FI-1
    assert "FI-1 Samordnet innkreving" in html


def test_a_benefit_that_is_not_priced_has_no_amount_form(facilitator, client_for, programme):
    benefit = BenefitFactory(programme=programme, code="K-1", kind="quality", priced=False)
    html = client_for(facilitator, language="en").get(_url(benefit)).content.decode()
    assert "This benefit is not priced" in html
    assert 'value="amount-add"' not in html


def test_linked_risks_link_to_their_initiative(viewer, client_for, benefit, initiative):
    risk = RiskFactory(initiative=initiative, title="Uklart hjemmelsgrunnlag")
    benefit.risks.add(risk)
    html = client_for(viewer).get(_url(benefit)).content.decode()
    assert f'href="{initiative.get_absolute_url()}?tab=risks">FI-1: Uklart hjemmelsgrunnlag' in html


# ---------------------------------------------------------------------------------------------
# Tabs and history


def test_each_tab_is_a_link_and_the_current_one_is_marked(viewer, client_for, benefit):
    html = client_for(viewer).get(_url(benefit, "history")).content.decode()
    assert html.count("tab-nav__link") == 3
    assert re.search(r'href="[^"]*\?tab=history" aria-current="page"', html)


def test_tab_switch_with_htmx_returns_only_the_tabs(viewer, client_for, benefit):
    html = (
        client_for(viewer)
        .get(_url(benefit, "realisation"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="benefit-tabs")
        .content.decode()
    )
    assert html.lstrip().startswith('<div id="benefit-tabs"')
    assert "<html" not in html


def test_history_shows_the_changes_to_the_benefit_and_its_lines(
    facilitator, client_for, benefit, indicator
):
    client = client_for(facilitator, language="en")
    amount = benefit.amounts.get(year=2027)
    client.post(_url(benefit), {"action": "amount-delete", "line": str(amount.pk)})
    client.post(
        _url(benefit, "realisation"),
        _line_post("measurement", "add", indicator, date="2026-07-01", value=777),
    )
    other = BenefitFactory(programme=benefit.programme, code="G-10")
    BenefitAmountFactory(benefit=other, year=2029)
    other_amount = other.amounts.get()
    client.post(_url(other), {"action": "amount-delete", "line": str(other_amount.pk)})

    html = client.get(_url(benefit, "history")).content.decode()
    assert "Feilutbetalinger 2026-07-01: 777" in html  # the measurement's creation
    assert "G-1 2027" in html  # the deleted yearly amount
    assert "G-10 2029" not in html  # another benefit's line
    assert html.index("777") < html.index("G-1 2027")  # newest first


def test_a_target_or_measurement_deleted_on_its_own_stays_in_the_benefits_history(
    facilitator, client_for, benefit, indicator
):
    client = client_for(facilitator, language="en")
    target = indicator.targets.get()
    measurement = MeasurementFactory(indicator=indicator, date=dt.date(2026, 4, 1), value=912)
    # Another benefit, measured by an indicator of the same name and unit.
    other = BenefitFactory(programme=benefit.programme, code="G-10")
    twin = IndicatorFactory(benefit=other, name="Feilutbetalinger", unit="saker")
    twin_measurement = MeasurementFactory(indicator=twin, date=dt.date(2026, 4, 1), value=433)
    for kind, line, owner in (
        ("target", target, benefit),
        ("measurement", measurement, benefit),
        ("measurement", twin_measurement, other),
    ):
        response = client.post(
            _url(owner, "realisation"), {"action": f"{kind}-delete", "line": str(line.pk)}
        )
        assert response.status_code == 302
    assert not Target.objects.filter(pk=target.pk).exists()
    assert not Measurement.objects.filter(pk__in=[measurement.pk, twin_measurement.pk]).exists()

    html = client.get(_url(benefit, "history")).content.decode()
    assert "Feilutbetalinger 2027-01-01: 600" in html  # the target
    assert "Feilutbetalinger 2026-04-01: 912" in html  # the measurement
    assert "2026-04-01: 433" not in html  # the other benefit's measurement
    assert "433" in client.get(_url(other, "history")).content.decode()
    assert html.count("G-1 Færre feilutbetalinger") >= 2  # each deletion names its benefit


# ---------------------------------------------------------------------------------------------
# The register: filters, sorting, paging and totals that count each benefit once


def test_totals_count_a_shared_benefit_once_and_attribute_only_shares(programme, ske, nav):
    first = InitiativeFactory(programme=programme, code="A-1", owner_organisation=ske)
    second = InitiativeFactory(programme=programme, code="A-2", owner_organisation=nav)
    shared = BenefitFactory(programme=programme, code="S-1")
    BenefitAmountFactory(benefit=shared, year=2026, low=900_000, likely=1_000_000, high=1_100_000)
    ContributionFactory(benefit=shared, initiative=first, share=50)
    ContributionFactory(benefit=shared, initiative=second, share=50)
    orphan = BenefitFactory(programme=programme, code="S-2")
    BenefitAmountFactory(benefit=orphan, year=2026, low=100_000, likely=200_000, high=300_000)
    benefits = list(
        Benefit.objects.filter(programme=programme)
        .prefetch_related("contributions")
        .order_by("code")
    )

    everything = benefit_totals(benefits)
    assert (everything.count, everything.likely) == (2, 1_200_000)  # the shared one once
    assert everything.attributed_likely == 1_000_000  # the one without initiatives left out
    assert everything.attributed_low == 900_000
    assert benefit_totals(benefits, [first.pk]).attributed_likely == 500_000
    assert benefit_totals(benefits, [second.pk]).attributed_likely == 500_000
    assert benefit_totals(benefits, [first.pk, second.pk]).attributed_likely == 1_000_000
    assert attributed_amount(benefits[0], [first.pk]) == 500_000
    assert attributed_amount(benefits[1]) == 0


def test_register_totals_follow_the_initiative_filter(viewer, client_for, programme, ske, nav):
    first = InitiativeFactory(programme=programme, code="A-1", owner_organisation=ske)
    second = InitiativeFactory(programme=programme, code="A-2", owner_organisation=nav)
    shared = BenefitFactory(programme=programme, code="S-1")
    BenefitAmountFactory(benefit=shared, year=2026, likely=1_000_000, low=1, high=2_000_000)
    ContributionFactory(benefit=shared, initiative=first, share=50)
    ContributionFactory(benefit=shared, initiative=second, share=50)
    orphan = BenefitFactory(programme=programme, code="S-2")
    BenefitAmountFactory(benefit=orphan, year=2026, likely=200_000, low=1, high=300_000)
    client = client_for(viewer, language="en")
    url = reverse("benefits:benefit_list", args=[programme.slug])

    def totals(query: str) -> tuple[str, str]:
        html = client.get(url + query).content.decode()
        once = re.search(r'id="total-once">([^<]*)<', html).group(1)
        attributed = re.search(r'id="total-attributed">([^<]*)<', html).group(1)
        return once, attributed

    assert totals("") == ("1,200,000", "1,000,000")
    assert totals("?initiative=A-1") == ("1,000,000", "500,000")
    assert totals("?initiative=A-2") == ("1,000,000", "500,000")
    html = client.get(url + "?initiative=A-1").content.decode()
    assert "Attributed to A-1" in html
    assert "Share of A-1" in html
    assert '<td class="numeric">50 %</td>' in html


def test_register_filters_by_natural_keys(viewer, client_for, programme, ske, nav, initiative):
    societal = GoalFactory(programme=programme, code="S1")
    impact = GoalFactory(programme=programme, code="E1", level="impact", parent=societal)
    a = BenefitFactory(
        programme=programme,
        code="B-A",
        title="Mindre papir",
        kind="efficiency",
        owner_organisation=ske,
        arises_in_organisation=ske,
        status="planned",
        impact_goal=impact,
    )
    b = BenefitFactory(
        programme=programme,
        code="B-B",
        title="Tryggere innbyggere",
        kind="others",
        owner_organisation=nav,
        arises_in_organisation=None,
        arises_in_group="citizens",
        status="realised",
        description="Færre purringer",
    )
    ContributionFactory(benefit=b, initiative=initiative, share=20)
    client = client_for(viewer)
    url = reverse("benefits:benefit_list", args=[programme.slug])

    def codes(query: str) -> list[str]:
        html = client.get(url + query).content.decode()
        return re.findall(r'href="/p/[^/]+/benefits/(B-[AB])/"', html)

    assert codes("") == ["B-A", "B-B"]
    assert codes("?kind=others") == ["B-B"]
    assert codes("?kind=others&kind=efficiency") == ["B-A", "B-B"]
    assert codes(f"?arises_in={ske.orgnr}") == ["B-A"]
    assert codes("?arises_in=citizens") == ["B-B"]
    assert codes(f"?owner_organisation={nav.orgnr}") == ["B-B"]
    assert codes("?status=planned") == ["B-A"]
    assert codes("?initiative=FI-1") == ["B-B"]
    assert codes("?goal=E1") == ["B-A"]
    assert codes("?goal=S1") == ["B-A"]  # a societal goal through its impact goals
    assert codes("?q=purringer") == ["B-B"]
    assert codes("?q=b-a") == ["B-A"]
    assert codes("?sort=-code") == ["B-B", "B-A"]
    assert a.pk and b.pk


def test_register_filter_with_htmx_returns_only_the_results(viewer, client_for, programme, benefit):
    url = reverse("benefits:benefit_list", args=[programme.slug]) + "?q=feil"
    html = client_for(viewer).get(url, HTTP_HX_REQUEST="true").content.decode()
    assert html.lstrip().startswith('<section id="results"')
    assert "G-1" in html


def test_register_pages_and_marks_the_sort_column(viewer, client_for, programme):
    for n in range(55):
        BenefitFactory(programme=programme, code=f"P-{n:03d}")
    client = client_for(viewer, language="en")
    url = reverse("benefits:benefit_list", args=[programme.slug])
    first = client.get(url + "?sort=-code").content.decode()
    assert "55 benefits" in first
    assert "P-054" in first and "P-004" not in first
    assert 'aria-sort="descending"' in first
    second = client.get(url + "?sort=-code&page=2").content.decode()
    assert "P-004" in second and "P-054" not in second


def test_register_shows_owner_confirmation_and_realisation(
    facilitator, client_for, programme, benefit, indicator
):
    MeasurementFactory(indicator=indicator, date=dt.date(2026, 7, 1), value=800)
    html = (
        client_for(facilitator, language="en")
        .get(reverse("benefits:benefit_list", args=[programme.slug]))
        .content.decode()
    )
    assert "New benefit" in html
    assert "Arbeids- og velferdsetaten" in html  # where it arises
    assert '<td class="numeric">2,000,000</td>' in html
    assert '<td class="numeric">60 %</td>' in html
    assert '<td class="numeric">50 %' in html
    assert 'aria-current="page">Benefits register' in html  # the benefits navigation


# ---------------------------------------------------------------------------------------------
# Links from elsewhere


def test_initiative_benefits_tab_shows_share_attributed_amount_and_plan_link(
    viewer, client_for, programme, benefit, initiative
):
    url = initiative.get_absolute_url() + "?tab=benefits"
    html = client_for(viewer, language="en").get(url).content.decode()
    assert "Benefits FI-1 contributes to" in html
    assert "G-1 Færre feilutbetalinger" in html
    assert '<td class="numeric">60 %</td>' in html
    assert '<td class="numeric">1,200,000</td>' in html  # 60 % of 2 m
    plan = reverse("benefits:initiative_plan", args=[programme.slug, initiative.code])
    assert f'href="{plan}"' in html
    register = reverse("benefits:benefit_list", args=[programme.slug])
    assert f'href="{register}?initiative=FI-1"' in html


def test_programme_page_and_portfolio_overview_link_to_the_register(viewer, client_for, programme):
    register = reverse("benefits:benefit_list", args=[programme.slug])
    client = client_for(viewer)
    assert f'href="{register}"' in client.get(programme.get_absolute_url()).content.decode()
    overview = reverse("portfolio:overview", args=[programme.slug])
    assert f'href="{register}"' in client.get(overview).content.decode()


# ---------------------------------------------------------------------------------------------
# Admin


@pytest.fixture
def superuser(db):
    return UserFactory(username="rot", is_superuser=True, is_staff=True)


def test_admin_lists_every_benefit_model(superuser, client_for, benefit, indicator):
    client = client_for(superuser)
    models = ["benefit", "contribution", "benefitamount", "indicator", "target", "measurement"]
    for model in [*models, "realisationplan"]:
        assert client.get(reverse(f"admin:benefits_{model}_changelist")).status_code == 200
    assert (
        client.get(reverse("admin:benefits_benefit_change", args=[benefit.pk])).status_code == 200
    )


def test_admin_keeps_totals_and_the_share_limit(superuser, client_for, benefit, other_initiative):
    client = client_for(superuser, language="en")
    response = client.post(
        reverse("admin:benefits_benefitamount_add"),
        {"benefit": benefit.pk, "year": 2030, "low": 1, "likely": 500_000, "high": 600_000},
    )
    assert response.status_code == 302
    benefit.refresh_from_db()
    assert benefit.total_likely == 2_500_000
    assert_logged(BenefitAmount.objects.get(benefit=benefit, year=2030), "create", by=superuser)

    refused = client.post(
        reverse("admin:benefits_contribution_add"),
        {"benefit": benefit.pk, "initiative": other_initiative.pk, "share": "41"},
    )
    assert refused.status_code == 200
    assert "add up to 101 %" in refused.content.decode()
    assert benefit.contributions.count() == 1
