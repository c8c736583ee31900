import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from nytte.scenarios import services
from nytte.scenarios.forms import candidate_choices, choice_codes
from nytte.scenarios.models import Scenario, ScenarioRun

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario(programme, register, facilitator):
    return services.scenario_create(
        programme=programme,
        name="S",
        first_year=2027,
        years=3,
        time_limit=5,
        acting_user=facilitator,
        proposals=[register["proposal"]],
    )


def test_list_and_create(client_for, programme, register, facilitator, viewer):
    url = reverse("scenarios:list", args=[programme.slug])
    page = client_for(facilitator, "en").get(url)
    assert page.status_code == 200 and b"New scenario" in page.content
    assert b"New scenario" not in client_for(viewer, "en").get(url).content
    response = client_for(facilitator).post(
        url,
        {
            "name": "Neste år",
            "first_year": 2027,
            "years": 3,
            "flexibility": 5,
            "time_limit": 10,
            "proposals": [register["proposal"].pk],
            "forced_in": ["initiative:A"],
        },
    )
    scenario = Scenario.objects.get(name="Neste år")
    assert response.status_code == 302 and response.url == scenario.get_absolute_url()
    assert scenario.forced_in == ["initiative:A"]
    assert list(scenario.proposals.all()) == [register["proposal"]]
    assert client_for(viewer).post(url, {"name": "x"}).status_code == 403


def test_portfolio_overview_links_scenarios_for_facilitators(
    client_for, programme, facilitator, viewer
):
    url = reverse("portfolio:overview", args=[programme.slug])
    target = reverse("scenarios:list", args=[programme.slug]).encode()
    assert target in client_for(facilitator).get(url).content
    assert target not in client_for(viewer).get(url).content


# The scenario fixture's settings, as its page's form sends them.
SETTINGS = {
    "name": "S",
    "first_year": 2027,
    "years": 3,
    "flexibility": 0,
    "score_weight": 0,
    "time_limit": 5,
}


def test_edit_budgets(client_for, programme, register, facilitator, scenario):
    nav = register["nav"].pk
    data = {
        **SETTINGS,
        f"budget-{nav}-0": 40_000_000,
        f"budget-{nav}-1": 30_000_000,
        f"budget-{nav}-2": 0,
    }
    response = client_for(facilitator).post(scenario.get_absolute_url(), data)
    assert response.status_code == 302
    scenario.refresh_from_db()
    assert scenario.budgets == {str(nav): [40_000_000, 30_000_000, 0]}


def test_run_page_polls_then_shows_the_comparison(
    client_for, programme, facilitator, viewer, scenario, django_capture_on_commit_callbacks
):
    client = client_for(facilitator, "en")
    with django_capture_on_commit_callbacks(execute=True):  # enqueues in the database
        response = client.post(reverse("scenarios:run_create", args=[programme.slug, scenario.pk]))
    run = ScenarioRun.objects.get()
    assert response.url == run.get_absolute_url()
    page = client.get(run.get_absolute_url())
    assert b'hx-trigger="every 2s"' in page.content and b"<script>" not in page.content
    services.run_execute(run.pk)
    progress = client.get(
        reverse("scenarios:run_progress", args=[programme.slug, scenario.pk, run.pk]),
        HTTP_HX_REQUEST="true",
    )
    assert progress["HX-Refresh"] == "true"
    page = client_for(viewer, "en").get(run.get_absolute_url())
    assert b"hx-trigger" not in page.content
    assert b"What starts, moves and stops" in page.content
    assert b"Value of one more krone (estimate)" in page.content
    assert b"optimal" in page.content  # either "proven optimal" or "Not proven optimal"
    export = client.get(reverse("scenarios:run_export", args=[programme.slug, scenario.pk, run.pk]))
    assert export.status_code == 200 and export.content[:2] == b"PK"


def test_viewer_cannot_run_and_outsider_gets_404(client_for, programme, viewer, outsider, scenario):
    url = reverse("scenarios:run_create", args=[programme.slug, scenario.pk])
    assert client_for(viewer).post(url).status_code == 403
    assert client_for(outsider).get(scenario.get_absolute_url()).status_code == 404


def test_displacement_button(client_for, programme, register, facilitator, viewer):
    proposal = register["proposal"]
    client = client_for(facilitator, "en")
    page = client.get(reverse("proposals:proposal", args=[programme.slug, proposal.number]))
    assert b"What would it displace?" in page.content
    url = reverse("scenarios:displace", args=[programme.slug, proposal.number])
    assert client_for(viewer).post(url).status_code == 403
    response = client.post(url)
    run = ScenarioRun.objects.get()
    assert run.mode == "displacement" and run.proposal == proposal
    assert response.url == run.get_absolute_url()
    services.run_execute(run.pk)
    page = client.get(run.get_absolute_url())
    assert b"would displace" in page.content


def test_the_run_input_downloads_as_the_optimiser_format(client_for, programme, viewer, scenario):
    run = services.run_create(scenario=scenario, acting_user=scenario.created_by)
    url = reverse("scenarios:run_input", args=[programme.slug, scenario.pk, run.pk])
    assert client_for(viewer).get(url).status_code == 404  # not built before the run starts
    services.run_execute(run.pk)
    response = client_for(viewer).get(url)
    assert response.status_code == 200
    assert response.json()["format"] == "nytte-optimise/1"


def box(page: str, name: str) -> str:
    """What a page's text box of that name holds."""
    found = re.search(rf'<textarea name="{name}"[^>]*>(.*?)</textarea>', page, re.S)
    assert found, name
    return html.unescape(found.group(1)).strip()


def test_lists_too_long_to_tick_take_typed_codes(
    client_for, programme, register, facilitator, scenario, monkeypatch
):
    """Past ``LONG_LIST`` candidates (10,000 initiatives in a national portfolio) the page
    has no checkbox per item: codes are typed, and a wrong code comes back as typed."""
    monkeypatch.setattr("nytte.core.forms.LONG_LIST", 0)
    client = client_for(facilitator, "en")
    page = client.get(scenario.get_absolute_url()).content.decode()
    assert 'value="initiative:A"' not in page and "Too many to list (4)" in page
    assert 'name="stops"' in page and 'name="stop-0"' not in page

    data = {
        **SETTINGS,
        "proposals": register["proposal"].reference,
        "forced_in": "a, F-1",
        "excluded": "b",
        "stops": "R 2 000 000",
    }
    assert client.post(scenario.get_absolute_url(), data).status_code == 302
    scenario.refresh_from_db()
    assert scenario.forced_in == ["initiative:A", f"proposal:{register['proposal'].number}"]
    assert scenario.excluded == ["initiative:B"]
    assert scenario.stop_costs == {"initiative:R": 2_000_000}
    shown = client.get(scenario.get_absolute_url()).content.decode()
    assert box(shown, "forced_in") == "A, F-1" and box(shown, "stops") == "R 2000000"

    refused = client.post(
        scenario.get_absolute_url(), {**data, "forced_out": "A, XX-9", "stops": "A 5"}
    )
    assert refused.status_code == 422
    text = refused.content.decode()
    assert "XX-9 is not one of the available choices" in text
    assert "Not a running initiative&#x27;s code and a whole amount: A 5" in text
    assert box(text, "forced_out") == "A, XX-9"  # kept as typed
    scenario.refresh_from_db()
    assert scenario.forced_out == [] and scenario.stop_costs == {"initiative:R": 2_000_000}


def test_a_new_scenarios_long_lists_show_their_count_without_reading_them(
    client_for, programme, register, facilitator, monkeypatch
):
    """The list page's form for a new scenario, past ``LONG_LIST``, shows how many
    candidates there are and the first one's code, as the full list would give them, but
    reads no initiative's title (10,000 of them at national size); typed codes still post."""
    monkeypatch.setattr("nytte.core.forms.LONG_LIST", 2)
    client = client_for(facilitator, "en")
    url = reverse("scenarios:list", args=[programme.slug])
    full = choice_codes(candidate_choices(programme, [register["proposal"]]))
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()
    first = next(iter(full.values()))
    assert f"Too many to list ({len(full)}): type their codes" in page
    assert f"for example {first}." in page and 'value="initiative:A"' not in page
    assert not [q for q in queries if '"portfolio_initiative"."title"' in q["sql"]]

    response = client.post(url, {**SETTINGS, "name": "Typed", "forced_in": "b, F-1"})
    assert response.status_code == 302
    number = register["proposal"].number
    assert Scenario.objects.get(name="Typed").forced_in == ["initiative:B", f"proposal:{number}"]
