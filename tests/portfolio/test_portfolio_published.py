"""Publishing an overview of initiatives (issue 16): the public page and the open-data feed
show published initiatives of programmes that publish, with their title, purpose,
organisations, phase and life events, and nothing else. Everything that must stay inside
carries ``MARK``; every test asserts it never leaves."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from nytte.core.actors import SYSTEM
from nytte.core.models import ChangeLogEntry
from nytte.core.services import programme_update
from nytte.portfolio.published import published_rows
from tests.api.test_api_core import bearer
from tests.factories import InitiativeFactory, LifeEventFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

MARK = "Zqinternmerke"

PAGE = reverse("portfolio:published")
JSON = reverse("portfolio:published_json")
CSV = reverse("portfolio:published_csv")


@pytest.fixture
def world(programme, other_programme):
    programme.publish_overview = True
    programme.save()
    skatt = OrganisationFactory(name="Skatteetaten")
    nav = OrganisationFactory(name="Arbeids- og velferdsetaten")
    event = LifeEventFactory(name="Miste og finne jobb", slug="miste-og-finne-jobb")
    shown = InitiativeFactory(
        programme=programme,
        code="FI-1",
        title="Varsel før gebyr",
        description="Skyldnere får varsel før gebyret legges på.",
        owner_organisation=skatt,
        phase="execute",
        published=True,
        status_reason=MARK,
        cost_likely=123_456_789,
    )
    shown.participants.add(nav)
    shown.life_events.add(event)
    hidden = InitiativeFactory(
        programme=programme, title=f"Intern sak {MARK}", description=MARK, published=False
    )
    # Published, but its programme does not publish its overview.
    elsewhere = InitiativeFactory(
        programme=other_programme, title=f"Annet program {MARK}", published=True
    )
    return {"shown": shown, "hidden": hidden, "elsewhere": elsewhere, "programme": programme}


def test_only_published_initiatives_of_publishing_programmes_are_rows(world):
    rows = published_rows()
    assert [r.title for r in rows] == ["Varsel før gebyr"]
    row = rows[0]
    assert row.organisations == ("Skatteetaten", "Arbeids- og velferdsetaten")
    assert row.life_events == ("Miste og finne jobb",)
    assert row.phase == "execute" and row.purpose.startswith("Skyldnere")


def test_the_public_page_needs_no_login_and_shows_only_the_public_fields(world, english):
    response = Client().get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Varsel før gebyr" in html and "Skyldnere får varsel" in html
    assert "Arbeids- og velferdsetaten" in html and "Miste og finne jobb" in html
    assert "Framtidens innkreving" in html
    assert MARK not in html
    assert "FI-1" not in html and "456" not in html  # neither its code nor its cost


def test_the_page_filters_by_a_publishing_programme_and_hides_others(world, other_programme):
    assert Client().get(PAGE, {"programme": world["programme"].slug}).status_code == 200
    assert Client().get(PAGE, {"programme": other_programme.slug}).status_code == 404


def test_the_json_feed_has_the_public_fields_only(world):
    response = Client().get(JSON)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    data = response.json()
    assert len(data["initiatives"]) == 1
    item = data["initiatives"][0]
    assert (
        set(item)
        == set(data["fields"])
        == {
            "id",
            "programme",
            "programme_slug",
            "title",
            "purpose",
            "organisations",
            "phase",
            "phase_label",
            "life_events",
            "updated",
        }
    )
    assert item["organisations"] == ["Skatteetaten", "Arbeids- og velferdsetaten"]
    assert MARK not in response.content.decode()


def test_the_csv_feed_is_safe_from_formula_injection(world):
    shown = world["shown"]
    shown.title = '=HYPERLINK("http://evil.example","Klikk")'
    shown.description = "@SUM(1+1)"
    shown.save()
    response = Client().get(CSV)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode()
    assert MARK not in body
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == 1
    assert rows[0]["title"] == "'" + shown.title
    assert rows[0]["purpose"] == "'@SUM(1+1)"
    assert rows[0]["organisations"] == "Skatteetaten; Arbeids- og velferdsetaten"


def test_publishing_is_set_through_the_api_and_logged(world, facilitator):
    client = Client()
    hidden = world["hidden"]
    hidden.code = "FI-9"
    hidden.save()
    url = f"/api/v1/programmes/{world['programme'].slug}/initiatives/FI-9"
    response = client.patch(
        url, {"published": True}, content_type="application/json", **bearer(facilitator)
    )
    assert response.status_code == 200 and response.json()["published"] is True
    entry = ChangeLogEntry.objects.filter(object_id=str(hidden.pk)).latest("pk")
    assert entry.actor == facilitator and "published" in entry.changes
    assert MARK in Client().get(PAGE).content.decode()  # now it is public


def test_publishing_is_a_field_of_the_initiative_form(world, facilitator, client_for):
    url = reverse(
        "portfolio:initiative_edit", kwargs={"slug": world["programme"].slug, "code": "FI-1"}
    )
    html = client_for(facilitator).get(url).content.decode()
    assert 'name="published"' in html


def test_a_programme_that_stops_publishing_disappears(world):
    programme_update(
        programme=world["programme"], data={"publish_overview": False}, acting_user=SYSTEM
    )
    assert published_rows() == []
    assert "Varsel før gebyr" not in Client().get(PAGE).content.decode()
    assert Client().get(JSON).json()["initiatives"] == []


def test_only_a_programme_admin_turns_publishing_on_through_the_api(
    world, facilitator, programme_admin
):
    url = f"/api/v1/programmes/{world['programme'].slug}"
    body = {"publish_overview": False}
    refused = Client().patch(url, body, content_type="application/json", **bearer(facilitator))
    assert refused.status_code == 403
    done = Client().patch(url, body, content_type="application/json", **bearer(programme_admin))
    assert done.status_code == 200 and done.json()["publish_overview"] is False
    assert published_rows() == []


def test_the_initiative_page_says_whether_it_is_public(world, facilitator, client_for):
    client = client_for(facilitator, "en")
    shown = client.get(world["shown"].get_absolute_url()).content.decode()
    assert "On the public overview" in shown
    hidden = client.get(world["hidden"].get_absolute_url()).content.decode()
    assert "Not published" in hidden
