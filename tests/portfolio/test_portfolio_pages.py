"""The portfolio pages as people use them: who may read and edit, forms that keep what was
typed, inline cost lines with and without JavaScript, filters, tabs and charts."""

from __future__ import annotations

import json
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from nytte.core.models import ChangeLogEntry
from nytte.portfolio.filtersets import InitiativeFilterSet
from nytte.portfolio.models import (
    CostLine,
    Dependency,
    Initiative,
    InitiativeGoal,
    Risk,
    StatusReport,
)
from tests.factories import (
    CostLineFactory,
    GoalFactory,
    InitiativeFactory,
    LifeEventFactory,
    OrganisationFactory,
    RiskFactory,
    StatusReportFactory,
)
from tests.permissions import PermissionMatrix

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency(programme):
    agency = OrganisationFactory(name="Skatteetaten", short_name="SKE")
    programme.participants.add(agency)
    return agency


@pytest.fixture
def initiative(programme, agency, owner):
    """An initiative the owner persona owns."""
    return InitiativeFactory(
        programme=programme,
        code="FI-1",
        title="Innkreving i brukerens flyt",
        owner_organisation=agency,
        owner=owner,
    )


@pytest.fixture
def others_initiative(programme, agency):
    return InitiativeFactory(programme=programme, code="FI-2", owner_organisation=agency)


@pytest.fixture
def english_for(client_for):
    """A logged-in client that asked for English, for assertions on texts."""

    def make(user) -> Client:
        client = client_for(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make


def _urls(programme, initiative) -> dict[str, str]:
    return {
        "overview": reverse("portfolio:overview", args=[programme.slug]),
        "list": reverse("portfolio:initiative_list", args=[programme.slug]),
        "detail": initiative.get_absolute_url(),
        "create": reverse("portfolio:initiative_create", args=[programme.slug]),
        "edit": reverse("portfolio:initiative_edit", args=[programme.slug, initiative.code]),
    }


def _costs_url(initiative) -> str:
    return f"{initiative.get_absolute_url()}?tab=costs"


def _initiative_post(agency, **overrides) -> dict[str, str]:
    data = {
        "code": "FI-9",
        "title": "Samtykkebasert innkreving",
        "description": "Innkreving som bare skjer.",
        "owner_organisation": str(agency.pk),
        "owner": "",
        "phase": "idea",
        "status": "green",
        "status_reason": "",
        "planned_start": "2026-01-01",
        "planned_end": "2027-12-31",
        "digitalisation": "on",
    }
    data.update(overrides)
    return data


def _cost_post(agency, prefix: str = "add", **overrides) -> dict[str, str]:
    data = {
        "action": "cost-add" if prefix == "add" else "cost-update",
        f"{prefix}-organisation": str(agency.pk),
        f"{prefix}-year": "2027",
        f"{prefix}-category": "investment",
        f"{prefix}-low": "2000000",
        f"{prefix}-likely": "3000000",
        f"{prefix}-high": "5000000",
        f"{prefix}-note": "Utvikling",
    }
    data.update(overrides)
    return data


# ---------------------------------------------------------------------------------------------
# Permissions


class TestPagePermissions(PermissionMatrix):
    EXPECTED = {
        # page: statuses for facilitator, programme admin, owner, contributor, forum member,
        # viewer, outsider
        "overview": [200, 200, 200, 200, 200, 200, 404],
        "list": [200, 200, 200, 200, 200, 200, 404],
        "detail": [200, 200, 200, 200, 200, 200, 404],
        "create": [200, 200, 403, 403, 403, 403, 404],
        "edit": [200, 200, 200, 403, 403, 403, 404],
    }

    @pytest.fixture
    def urls(self, programme, initiative):
        return _urls(programme, initiative)


def test_outsider_gets_404_everywhere_even_when_posting(outsider, programme, initiative, agency):
    client = Client()
    client.force_login(outsider)
    assert client.post(_costs_url(initiative), _cost_post(agency)).status_code == 404
    assert client.post(_urls(programme, initiative)["edit"], {}).status_code == 404
    assert client.get(_urls(programme, initiative)["detail"] + "?tab=history").status_code == 404


def test_viewer_reads_but_cannot_edit(viewer, english_for, initiative, agency):
    client = english_for(viewer)
    html = client.get(_costs_url(initiative)).content.decode()
    assert "Innkreving i brukerens flyt" in html
    assert "Edit initiative" not in html
    assert "Add a cost line" not in html
    assert 'name="action"' not in html
    assert client.post(_costs_url(initiative), _cost_post(agency)).status_code == 403
    assert not CostLine.objects.exists()


def test_owner_edits_own_initiative_but_not_others(
    owner, english_for, programme, initiative, others_initiative, agency
):
    client = english_for(owner)
    assert "Edit initiative" in client.get(initiative.get_absolute_url()).content.decode()
    assert (
        "Edit initiative" not in client.get(others_initiative.get_absolute_url()).content.decode()
    )

    edit = _urls(programme, others_initiative)["edit"]
    assert client.get(edit).status_code == 403
    assert client.post(_costs_url(others_initiative), _cost_post(agency)).status_code == 403

    response = client.post(
        _urls(programme, initiative)["edit"],
        _initiative_post(agency, code="FI-1", title="Innkreving som bare skjer", phase="plan"),
    )
    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.title == "Innkreving som bare skjer"


def test_only_those_who_may_create_see_the_new_initiative_button(
    facilitator, viewer, english_for, programme
):
    url = reverse("portfolio:initiative_list", args=[programme.slug])
    assert "New initiative" in english_for(facilitator).get(url).content.decode()
    assert "New initiative" not in english_for(viewer).get(url).content.decode()


# ---------------------------------------------------------------------------------------------
# Create and edit forms


def test_facilitator_creates_an_initiative_and_the_change_is_logged(
    facilitator, client_for, programme, agency
):
    goal = GoalFactory(programme=programme)
    event = LifeEventFactory()
    response = client_for(facilitator).post(
        reverse("portfolio:initiative_create", args=[programme.slug]),
        _initiative_post(
            agency, participants=[str(agency.pk)], goals=[str(goal.pk)], life_events=[event.pk]
        ),
    )
    initiative = Initiative.objects.get(code="FI-9")
    assert response.status_code == 302
    assert response["Location"] == initiative.get_absolute_url()
    assert list(initiative.participants.all()) == [agency]
    assert list(initiative.life_events.all()) == [event]
    assert initiative.goal_links.get().goal == goal
    assert ChangeLogEntry.objects.filter(object_repr__startswith="FI-9", actor=facilitator).exists()


def test_invalid_form_keeps_typed_text(facilitator, english_for, programme, agency):
    response = english_for(facilitator).post(
        reverse("portfolio:initiative_create", args=[programme.slug]),
        _initiative_post(agency, status="red", status_reason=""),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert not Initiative.objects.exists()
    # What was typed is still there …
    assert 'value="Samtykkebasert innkreving"' in html
    assert "Innkreving som bare skjer." in html
    assert re.search(r'<option value="red" selected>', html)
    # … the errors sit next to their fields, and a summary at the top links to them.
    assert 'id="id_status_reason-error"' in html
    assert "Give a reason when the status is yellow or red." in html
    assert 'class="ds-error-summary"' in html
    assert 'href="#id_status_reason"' in html
    assert 'aria-invalid="true"' in html


def test_a_code_already_in_use_is_refused_next_to_the_code_field(
    facilitator, english_for, programme, initiative, agency
):
    response = english_for(facilitator).post(
        reverse("portfolio:initiative_create", args=[programme.slug]),
        _initiative_post(agency, code=initiative.code),
    )
    html = response.content.decode()
    assert Initiative.objects.count() == 1
    assert 'id="id_code-error"' in html
    assert "already has this code" in html


def test_editing_keeps_goal_contributions_and_shows_in_history(
    facilitator, english_for, programme, initiative, agency
):
    kept, dropped, added = (GoalFactory(programme=programme) for _ in range(3))
    InitiativeGoal.objects.create(initiative=initiative, goal=kept, contribution=3)
    InitiativeGoal.objects.create(initiative=initiative, goal=dropped, contribution=2)
    client = english_for(facilitator)
    form = client.get(_urls(programme, initiative)["edit"]).content.decode()
    assert f'value="{kept.pk}" checked' in form

    response = client.post(
        _urls(programme, initiative)["edit"],
        _initiative_post(
            agency, code="FI-1", status="yellow", status_reason="Forsinket leveranse",
            goals=[str(kept.pk), str(added.pk)],
        ),
    )  # fmt: skip
    assert response.status_code == 302
    contributions = {link.goal: link.contribution for link in initiative.goal_links.all()}
    assert contributions == {kept: 3, added: 1}

    history = client.get(initiative.get_absolute_url() + "?tab=history").content.decode()
    assert "Forsinket leveranse" in history
    assert "Yellow" in history


# ---------------------------------------------------------------------------------------------
# Costs tab: inline editing with HTMX, and the same without JavaScript


def _htmx(client: Client, url: str, data: dict[str, str]):
    return client.post(url, data, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="costs-panel")


def test_cost_line_added_inline_with_htmx(facilitator, english_for, initiative, agency):
    response = _htmx(english_for(facilitator), _costs_url(initiative), _cost_post(agency))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html  # only the costs panel comes back
    assert html.lstrip().startswith('<div id="costs-panel"')
    assert "Cost line saved." in html
    line = CostLine.objects.get()
    assert (line.year, line.likely, line.organisation) == (2027, 3_000_000, agency)
    # The totals per organisation and year are recomputed in the same swap.
    assert re.search(r"<th scope=\"row\">SKE</th>\s*<td class=\"numeric\">3,000,000</td>", html)
    assert ChangeLogEntry.objects.filter(actor=facilitator, action="create").exists()


def test_cost_line_added_without_javascript_redirects_back_to_the_tab(
    facilitator, english_for, initiative, agency
):
    client = english_for(facilitator)
    response = client.post(_costs_url(initiative), _cost_post(agency))
    assert response.status_code == 302
    assert response["Location"] == _costs_url(initiative)
    html = client.get(response["Location"]).content.decode()
    assert "Cost line saved." in html
    assert "3,000,000" in html


def test_invalid_cost_line_keeps_typed_values(facilitator, english_for, initiative, agency):
    response = _htmx(
        english_for(facilitator),
        _costs_url(initiative),
        _cost_post(agency, **{"add-low": "9000000", "add-note": "Feil rekkefølge"}),
    )
    html = response.content.decode()
    assert not CostLine.objects.exists()
    assert "low ≤ most likely ≤ high" in html
    assert 'value="9000000"' in html
    assert 'value="Feil rekkefølge"' in html


def test_cost_line_edited_and_deleted_inline(facilitator, english_for, initiative, agency):
    line = CostLineFactory(initiative=initiative, organisation=agency, year=2026)
    client = english_for(facilitator)

    edit_row = client.get(
        _costs_url(initiative) + f"&edit={line.pk}", HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="costs-panel",
    ).content.decode()  # fmt: skip
    assert 'name="edit-likely"' in edit_row
    assert 'value="1000000"' in edit_row

    data = _cost_post(agency, prefix="edit", line=str(line.pk), **{"edit-year": "2026"})
    assert "Cost line saved." in _htmx(client, _costs_url(initiative), data).content.decode()
    line.refresh_from_db()
    assert line.likely == 3_000_000
    change = ChangeLogEntry.objects.get(action="update")
    assert change.changes["likely"] == {"before": 1_000_000, "after": 3_000_000}

    data = {"action": "cost-delete", "line": str(line.pk)}
    assert "Cost line deleted." in _htmx(client, _costs_url(initiative), data).content.decode()
    assert not CostLine.objects.exists()


def test_cost_line_edit_without_javascript_is_a_normal_page(
    facilitator, english_for, initiative, agency
):
    line = CostLineFactory(initiative=initiative, organisation=agency)
    html = english_for(facilitator).get(_costs_url(initiative) + f"&edit={line.pk}")
    html = html.content.decode()
    assert "<html" in html
    assert 'name="edit-likely"' in html
    assert "autofocus" in html


def test_a_cost_line_of_another_initiative_cannot_be_changed_through_this_one(
    facilitator, client_for, initiative, others_initiative, agency
):
    foreign = CostLineFactory(initiative=others_initiative, organisation=agency)
    data = {"action": "cost-delete", "line": str(foreign.pk)}
    assert client_for(facilitator).post(_costs_url(initiative), data).status_code == 404
    assert CostLine.objects.filter(pk=foreign.pk).exists()


# ---------------------------------------------------------------------------------------------
# Initiative list


def test_list_filters_by_phase_status_organisation_goal_life_event_and_text(
    viewer, client_for, programme, agency
):
    nav = OrganisationFactory(short_name="NAV")
    programme.participants.add(nav)
    goal = GoalFactory(programme=programme)
    event = LifeEventFactory()
    match = InitiativeFactory(
        programme=programme, code="A-1", title="Gjeldsordning", phase="execute",
        status="red", status_reason="Sen", owner_organisation=nav,
    )  # fmt: skip
    match.life_events.add(event)
    InitiativeGoal.objects.create(initiative=match, goal=goal)
    InitiativeFactory(programme=programme, code="B-1", title="Gjeldsordning", phase="plan")
    InitiativeFactory(programme=programme, code="C-1", title="Annet", phase="execute")

    url = reverse("portfolio:initiative_list", args=[programme.slug])
    query = (
        f"?q=gjeld&phase=execute&status=red&organisation={_filter_key('organisation', nav)}"
        f"&goal={_filter_key('goal', goal)}&life_event={_filter_key('life_event', event)}"
    )
    html = client_for(viewer).get(url + query).content.decode()
    assert ">A-1<" in html
    assert ">B-1<" not in html and ">C-1<" not in html
    # The filter form keeps what was chosen.
    assert 'value="gjeld"' in html
    assert re.search(r'name="phase" value="execute" checked', html)
    assert re.search(rf'<option value="{_filter_key("organisation", nav)}" selected>', html)


def _filter_key(name: str, obj) -> str:
    """What the list's filter takes for ``obj``: its id, or the natural key the FilterSet
    names (organisation number, goal code, life-event slug)."""
    return str(
        getattr(obj, InitiativeFilterSet.base_filters[name].extra.get("to_field_name") or "pk")
    )


def test_list_sorts_phases_in_lifecycle_order(viewer, client_for, programme, agency):
    for code, phase in [
        ("A", "realise"),
        ("B", "idea"),
        ("C", "execute"),
        ("D", "concept"),
        ("E", "close"),
        ("F", "plan"),
        ("G", "idea"),
    ]:
        InitiativeFactory(programme=programme, code=code, phase=phase, owner_organisation=agency)
    url = reverse("portfolio:initiative_list", args=[programme.slug])
    client = client_for(viewer)

    def codes(sort: str) -> list[str]:
        html = client.get(f"{url}?sort={sort}").content.decode()
        return re.findall(r">([A-G])</a>", html)

    # Idea, concept, plan, execute, close, realise; the same phase by code.
    assert codes("phase") == ["B", "G", "D", "F", "C", "E", "A"]
    assert codes("-phase") == ["A", "E", "C", "F", "D", "B", "G"]


def test_list_sorts_pages_and_shows_flags(viewer, english_for, programme, agency):
    Initiative.objects.bulk_create(
        Initiative(programme=programme, code=f"T-{i:03d}", title=f"Tiltak {i}",
                   owner_organisation=agency)
        for i in range(60)
    )  # fmt: skip
    big = Initiative.objects.get(code="T-007")
    CostLineFactory(initiative=big, low=300_000_000, likely=400_000_000, high=500_000_000)
    client = english_for(viewer)
    url = reverse("portfolio:initiative_list", args=[programme.slug])

    first = client.get(url + "?sort=-cost").content.decode()
    codes = re.findall(r">(T-\d{3})</a>", first)
    assert len(codes) == 50 and codes[0] == "T-007"
    assert 'aria-sort="descending"' in first
    assert "External QA (R-108)" in first
    assert "Large (over NOK 200 m)" in first
    assert "400,000,000" in first
    assert 'href="?sort=-cost&amp;page=2"' in first

    second = client.get(url + "?sort=-cost&page=2").content.decode()
    assert len(re.findall(r">(T-\d{3})</a>", second)) == 10
    assert 'aria-current="true"' in second
    # Status is told in words as well as colour.
    assert re.search(r'data-color="success" data-size="sm">Green<', second)


def test_list_filter_with_htmx_returns_only_the_results(viewer, client_for, programme, agency):
    InitiativeFactory(programme=programme, code="A-1", owner_organisation=agency)
    url = reverse("portfolio:initiative_list", args=[programme.slug]) + "?q=A-1"
    html = client_for(viewer).get(url, HTTP_HX_REQUEST="true").content.decode()
    assert html.lstrip().startswith('<section id="results"')
    assert ">A-1<" in html


# ---------------------------------------------------------------------------------------------
# Overview


def test_overview_shows_vision_target_picture_goals_phases_costs_and_roadmap(
    viewer, english_for, programme, agency
):
    programme.target_picture = "## Brukerens flyt\n\nInnkreving *skjer*.<script>alert(1)</script>"
    programme.save()
    societal = GoalFactory(programme=programme, code="S1", title="Innkreving som bare skjer")
    impact = GoalFactory(programme=programme, code="E1", level="impact", parent=societal)
    initiative = InitiativeFactory(
        programme=programme, owner_organisation=agency, status="yellow", status_reason="Sen",
        planned_start="2026-01-01", planned_end="2027-06-30",
    )  # fmt: skip
    InitiativeGoal.objects.create(initiative=initiative, goal=impact)
    CostLineFactory(
        initiative=initiative, organisation=agency, year=2026, likely=2_000_000, high=3_000_000
    )

    html = english_for(viewer).get(reverse("portfolio:overview", args=[programme.slug]))
    html = html.content.decode()
    assert "En felles visjon." in html
    assert "<h4>Brukerens flyt</h4>" in html and "<em>skjer</em>" in html
    assert "<script>alert" not in html
    assert "S1 Innkreving som bare skjer" in html and "1 initiative" in html
    assert '?phase=plan&amp;status=yellow">1<' in html
    # The chart spec is a JSON data block (no inline script runs) and has a table beside it.
    spec = re.search(r'<script id="cost-chart-spec" type="application/json">(.*?)</script>', html)
    assert json.loads(spec.group(1))["data"]["values"] == [
        {"organisation": "SKE", "year": "2026", "mnok": 2.0}
    ]
    assert 'data-chart="cost-chart-spec" role="img" aria-label=' in html
    assert "2,000,000" in html
    assert 'id="roadmap-chart-spec"' in html
    assert 'datetime="2027-06-30"' in html
    assert "vendor/vega-embed/vega-embed.min.js" in html


def test_programme_page_links_to_the_portfolio(viewer, client_for, programme):
    html = client_for(viewer).get(programme.get_absolute_url()).content.decode()
    assert reverse("portfolio:overview", args=[programme.slug]) in html
    assert reverse("portfolio:initiative_list", args=[programme.slug]) in html


# ---------------------------------------------------------------------------------------------
# Initiative tabs


def test_each_tab_is_a_link_and_the_current_one_is_marked(viewer, client_for, initiative):
    client = client_for(viewer)
    for tab in ["overview", "costs", "dependencies", "risks", "reports", "history"]:
        html = client.get(f"{initiative.get_absolute_url()}?tab={tab}").content.decode()
        current = re.findall(r'<a class="tab-nav__link" href="([^"]+)" aria-current="page"', html)
        expected = initiative.get_absolute_url() + ("" if tab == "overview" else f"?tab={tab}")
        assert current == [expected]


def test_tab_switch_with_htmx_returns_only_the_tabs(viewer, client_for, initiative):
    html = (
        client_for(viewer)
        .get(initiative.get_absolute_url() + "?tab=risks", HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert html.lstrip().startswith('<div id="initiative-tabs"')


def test_overview_tab_shows_owner_phase_status_goals_and_flags(
    viewer, english_for, initiative, programme, agency
):
    goal = GoalFactory(programme=programme, code="E7", title="Færre feil")
    InitiativeGoal.objects.create(initiative=initiative, goal=goal, contribution=2.5)
    initiative.life_events.add(LifeEventFactory(name="Miste og finne jobb"))
    CostLineFactory(initiative=initiative, low=300_000_000, likely=350_000_000, high=400_000_000)
    html = english_for(viewer).get(initiative.get_absolute_url()).content.decode()
    assert "Skatteetaten" in html
    assert "decision point BP2 passed" in html
    assert "E7 Færre feil" in html and "2.5" in html
    assert "Miste og finne jobb" in html
    assert "Required: the cost is above the threshold" in html


def test_dependencies_tab_lists_both_directions_and_draws_a_graph(
    viewer, english_for, initiative, others_initiative, programme
):
    third = InitiativeFactory(programme=programme, code="FI-3")
    Dependency.objects.create(source=initiative, target=others_initiative, kind="requires")
    Dependency.objects.create(source=third, target=initiative, kind="conflicts")
    html = english_for(viewer).get(initiative.get_absolute_url() + "?tab=dependencies")
    html = html.content.decode()
    assert "<svg" in html and 'role="img"' in html and "dep-edge--conflicts" in html
    assert re.search(r"<td><strong>Requires</strong></td>\s*<td><a[^>]*>FI-2 ", html)
    assert re.search(r">FI-3 [^<]*</a> \([^)]*\) <strong>conflicts with</strong> FI-1", html)


def test_risks_tab_has_an_accessible_five_by_five_matrix(viewer, english_for, initiative):
    RiskFactory(initiative=initiative, title="Leverandør forsinket", probability=5, consequence=4)
    html = english_for(viewer).get(initiative.get_absolute_url() + "?tab=risks").content.decode()
    matrix = html[html.index("risk-matrix") : html.index("</table>")]
    assert matrix.count('<th scope="row">') == 5
    assert matrix.count('<th scope="col">') == 5
    assert "risk-cell--high" in matrix and "(high)" in matrix and "R1" in matrix
    assert "Leverandør forsinket" in html


def test_status_reports_are_newest_first_with_six_dimensions(viewer, english_for, initiative):
    StatusReportFactory(initiative=initiative, period="2026-01")
    StatusReportFactory(initiative=initiative, period="2026-03", benefits="red", risk="yellow")
    html = english_for(viewer).get(initiative.get_absolute_url() + "?tab=reports")
    html = html.content.decode()
    assert html.index("2026-03") < html.index("2026-01")
    for heading in ["Overall", "Plan", "Cost", "Benefits", "Stakeholders", "Risk"]:
        assert f'<th scope="col">{heading}</th>' in html
    assert re.search(r'data-color="danger" data-size="sm">Red<', html)


def test_in_bokmal_the_report_column_plan_is_not_the_planning_phase(viewer, client_for, initiative):
    StatusReportFactory(initiative=initiative, period="2026-03")
    initiative.phase = "plan"
    initiative.save()
    client = client_for(viewer, language="nb")
    reports = client.get(initiative.get_absolute_url() + "?tab=reports").content.decode()
    assert '<th scope="col">Plan</th>' in reports  # on schedule or not
    assert '<th scope="col">Planlegging</th>' not in reports
    assert "Planlegging" in client.get(initiative.get_absolute_url()).content.decode()  # phase


def test_an_unknown_initiative_is_not_found(viewer, client_for, programme):
    url = reverse("portfolio:initiative", args=[programme.slug, "NOPE"])
    assert client_for(viewer).get(url).status_code == 404


# ---------------------------------------------------------------------------------------------
# Dependencies, risks and status reports: edited in place like the cost lines

LINES = {
    # tab: (action, model, fields typed into the add form, a field changed on edit)
    "dependencies": (
        "dependency", Dependency, {"target": "FI-2", "kind": "enables", "note": "Deler data"},
        ("note", "Deler mer data"),
    ),
    "risks": (
        "risk", Risk,
        {"title": "Leverandør forsinket", "description": "", "probability": "4",
         "consequence": "5", "owner": "Kari", "mitigation": "Tidlig dialog", "status": "open"},
        ("mitigation", "Ny leverandør"),
    ),
    "reports": (
        "report", StatusReport,
        {"period": "2026-T1", "overall": "green", "plan": "yellow", "cost": "green",
         "benefits": "green", "stakeholders": "red", "risk": "green", "commentary": "Godt i gang"},
        ("commentary", "Litt forsinket"),
    ),
}  # fmt: skip


def _line_post(tab: str, verb: str, line=None, **changes: str) -> dict[str, str]:
    action, _model, fields, _change = LINES[tab]
    prefix = "edit" if verb == "update" else "add"
    data = {f"{prefix}-{name}": value for name, value in (fields | changes).items()}
    data["action"] = f"{action}-{verb}"
    if line is not None:
        data["line"] = str(line.pk)
    return data


def _tab_url(initiative, tab: str) -> str:
    return f"{initiative.get_absolute_url()}?tab={tab}"


@pytest.mark.parametrize("tab", list(LINES))
def test_a_line_is_added_edited_and_deleted_in_place_and_logged(
    tab, facilitator, english_for, initiative, others_initiative
):
    _action, model, _fields, (changed, value) = LINES[tab]
    client = english_for(facilitator)
    url = _tab_url(initiative, tab)

    added = client.post(url, _line_post(tab, "add"), HTTP_HX_REQUEST="true",
                        HTTP_HX_TARGET=f"{tab}-panel").content.decode()  # fmt: skip
    assert added.lstrip().startswith(f'<div id="{tab}-panel"')
    assert "saved." in added
    line = model.objects.get()
    assert ChangeLogEntry.objects.filter(actor=facilitator, action="create").exists()

    edit_row = client.get(f"{url}&edit={line.pk}", HTTP_HX_REQUEST="true",
                          HTTP_HX_TARGET=f"{tab}-panel").content.decode()  # fmt: skip
    assert f'name="edit-{changed}"' in edit_row and "autofocus" in edit_row

    response = client.post(url, _line_post(tab, "update", line, **{changed: value}))
    assert response.status_code == 302 and response["Location"] == url  # without JavaScript
    line.refresh_from_db()
    assert getattr(line, changed) == value
    assert ChangeLogEntry.objects.get(action="update").changes[changed]["after"] == value

    data = {"action": f"{LINES[tab][0]}-delete", "line": str(line.pk)}
    deleted = client.post(url, data, HTTP_HX_REQUEST="true", HTTP_HX_TARGET=f"{tab}-panel")
    assert "deleted." in deleted.content.decode()
    assert not model.objects.exists()


@pytest.mark.parametrize("tab", list(LINES))
def test_viewer_sees_no_line_forms_and_may_not_post(tab, viewer, english_for, initiative):
    client = english_for(viewer)
    assert 'name="action"' not in client.get(_tab_url(initiative, tab)).content.decode()
    response = client.post(_tab_url(initiative, tab), _line_post(tab, "add"))
    assert response.status_code == 403
    assert not LINES[tab][1].objects.exists()


@pytest.mark.parametrize("tab", list(LINES))
def test_owner_may_add_lines_to_own_initiative_only(
    tab, owner, client_for, initiative, others_initiative
):
    client = client_for(owner)
    mine = client.post(_tab_url(initiative, tab), _line_post(tab, "add"))
    assert mine.status_code == 302
    theirs = client.post(
        _tab_url(others_initiative, tab), _line_post(tab, "add", target="FI-1", period="2026-T2")
    )
    assert theirs.status_code == 403
    assert LINES[tab][1].objects.count() == 1


def test_a_requires_cycle_is_refused_with_the_cycle_named_and_typing_kept(
    facilitator, english_for, programme, initiative, others_initiative
):
    third = InitiativeFactory(programme=programme, code="FI-3")
    Dependency.objects.create(source=others_initiative, target=third, kind="requires")
    Dependency.objects.create(source=third, target=initiative, kind="requires")
    data = _line_post("dependencies", "add", kind="requires", note="Trenger data")
    html = english_for(facilitator).post(
        _tab_url(initiative, "dependencies"), data, HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="dependencies-panel",
    ).content.decode()  # fmt: skip
    assert Dependency.objects.count() == 2
    # The service's message names the cycle, next to the field of the other initiative.
    error = re.search(r'id="id_add-target-error"[^>]*>([^<]*)<', html)
    assert error and "“requires”" in error.group(1)
    assert "FI-1 → FI-2 → FI-3 → FI-1" in error.group(1)
    assert 'href="#id_add-target"' in html  # the summary links to it
    assert 'value="FI-2"' in html and 'value="Trenger data"' in html
    assert re.search(r'<option value="requires" selected>', html)


def test_an_unknown_code_or_the_initiative_itself_is_refused_next_to_the_field(
    facilitator, english_for, initiative
):
    client = english_for(facilitator)
    url = _tab_url(initiative, "dependencies")
    html = client.post(url, _line_post("dependencies", "add", target="NOPE")).content.decode()
    assert "No initiative in this programme has this code." in html
    assert 'value="NOPE"' in html
    html = client.post(url, _line_post("dependencies", "add", target="FI-1")).content.decode()
    assert re.search(r'id="id_add-target-error"[^>]*>An initiative cannot depend on itself', html)
    assert not Dependency.objects.exists()


def test_dependencies_are_changed_only_from_their_source(
    facilitator, client_for, initiative, others_initiative
):
    incoming = Dependency.objects.create(
        source=others_initiative, target=initiative, kind="enables"
    )
    data = {"action": "dependency-delete", "line": str(incoming.pk)}
    response = client_for(facilitator).post(_tab_url(initiative, "dependencies"), data)
    assert response.status_code == 404
    assert Dependency.objects.exists()


def test_risk_with_a_score_out_of_range_keeps_what_was_typed(facilitator, english_for, initiative):
    data = _line_post("risks", "add", probability="7", title="Uklart regelverk")
    html = english_for(facilitator).post(_tab_url(initiative, "risks"), data).content.decode()
    assert not Risk.objects.exists()
    assert "<html" in html  # without JavaScript the whole page comes back, with the form
    assert 'id="id_add-probability-error"' in html
    assert 'value="Uklart regelverk"' in html and "Tidlig dialog" in html


def test_status_report_for_a_period_already_reported_is_refused_next_to_the_period(
    facilitator, english_for, initiative
):
    StatusReportFactory(initiative=initiative, period="2026-T1")
    html = (
        english_for(facilitator)
        .post(_tab_url(initiative, "reports"), _line_post("reports", "add"))
        .content.decode()
    )
    assert StatusReport.objects.count() == 1
    assert re.search(r'id="id_add-period-error"[^>]*>There is already a status report', html)
    assert "Godt i gang" in html


def test_status_report_records_who_reported_it(facilitator, english_for, initiative):
    english_for(facilitator).post(_tab_url(initiative, "reports"), _line_post("reports", "add"))
    assert StatusReport.objects.get().reported_by == facilitator


def test_the_form_shows_every_broken_rule_at_once(facilitator, english_for, programme, agency):
    response = english_for(facilitator).post(
        reverse("portfolio:initiative_create", args=[programme.slug]),
        _initiative_post(agency, title="", status="red", planned_end="2025-01-01"),
    )
    html = response.content.decode()
    assert not Initiative.objects.exists()
    for field in ("title", "planned_end", "status_reason"):
        assert f'id="id_{field}-error"' in html
        assert f'href="#id_{field}"' in html
    # Each message once, although the model's own check repeats the first.
    assert html.count("Give a reason when the status is yellow or red.") == 2  # field + summary
    assert html.count("The end cannot come before the start.") == 2


@pytest.mark.django_db
def test_code_suggestions_match_typed_text_within_the_programme_only(
    client_for, facilitator, programme, other_programme
):
    from tests.factories import InitiativeFactory

    InitiativeFactory(programme=programme, code="FI-7", title="Trekk i lønn")
    InitiativeFactory(programme=programme, code="FI-70", title="Betalingsavtaler")
    InitiativeFactory(programme=other_programme, code="FI-71", title="Annet program")
    for n in range(30):
        InitiativeFactory(programme=programme, code=f"X-{n:02d}", title="Fyll")
    url = reverse("portfolio:initiative_codes", kwargs={"slug": programme.slug})
    client = client_for(facilitator)

    html = client.get(url, {"target": "fi-7"}, HTTP_HX_REQUEST="true").content.decode()
    assert html.count("<option") == 2
    assert 'value="FI-7"' in html and 'value="FI-70"' in html and "FI-71" not in html

    html = client.get(url, {"target": "lønn"}).content.decode()
    assert html.count("<option") == 1 and 'value="FI-7"' in html

    html = client.get(url, {"target": ""}).content.decode()
    assert html.count("<option") == 20  # bounded, however large the programme


@pytest.mark.django_db
def test_code_suggestions_are_hidden_from_outsiders(client_for, outsider, programme):
    url = reverse("portfolio:initiative_codes", kwargs={"slug": programme.slug})
    assert client_for(outsider).get(url, {"target": "FI"}).status_code == 404
