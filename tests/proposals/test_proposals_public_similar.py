"""The public proposal form's typing box (issue 16): published initiatives like what is
being typed, from any programme that publishes, and nothing else: never a proposal, never
an unpublished initiative, never a published one of a programme that does not publish.
Everything that must stay inside carries ``MARK`` and the same words as the typed text."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from nytte.proposals import matching
from nytte.proposals.views import public as public_views
from nytte.similarity import Band
from tests.factories import InitiativeFactory, ProposalFactory

pytestmark = pytest.mark.django_db

MARK = "Zqskjultmerke"

TEXT = (
    "Skyldneren får et varsel på SMS før det legges på gebyr, slik at kravet kan betales "
    "i tide og inkasso unngås."
)
TYPED = {"title": "Varsel på SMS før gebyr", "need": "Skyldneren bør få varsel før gebyr."}


@pytest.fixture(autouse=True)
def _fresh_indexes():
    matching.reset()
    yield
    matching.reset()


@pytest.fixture
def world(programme, other_programme):
    programme.publish_overview = True
    programme.save()
    shown = InitiativeFactory(
        programme=programme,
        title="Varsel på SMS før gebyr",
        description=TEXT,
        published=True,
        status_reason=MARK,
    )
    # The same words, but not for the public.
    InitiativeFactory(programme=programme, title=f"SMS-varsel før gebyr {MARK}", description=TEXT)
    ProposalFactory(programme=programme, title=f"Varsel på SMS før gebyr {MARK}", need=TEXT)
    InitiativeFactory(
        programme=other_programme,
        title=f"Varsel på SMS før gebyr {MARK}",
        description=TEXT,
        published=True,  # its programme does not publish
    )
    return {"shown": shown}


def typing(programme, **params) -> str:
    url = reverse("proposals:public_similar", kwargs={"slug": programme.slug})
    response = Client().get(url, params or TYPED)
    assert response.status_code == 200
    return response.content.decode()


def test_the_service_suggests_published_initiatives_only(world):
    found = matching.similar_published("Varsel på SMS før gebyr. Skyldneren bør få varsel.")
    assert [s.row.id for s in found] == [world["shown"].pk]
    assert found[0].band != Band.WEAK


def test_the_box_shows_the_published_initiative_and_nothing_else(world, programme):
    html = typing(programme)
    assert "Varsel på SMS før gebyr" in html
    assert MARK not in html


def test_unpublishing_takes_it_out_at_once(world, programme):
    assert "Varsel på SMS før gebyr" in typing(programme)
    shown = world["shown"]
    shown.published = False
    shown.save()
    html = typing(programme)
    assert "Varsel på SMS før gebyr" not in html and MARK not in html


def test_a_programme_that_stops_publishing_is_not_suggested(world, programme):
    assert matching.similar_published(TEXT)
    programme.publish_overview = False
    programme.save()
    assert matching.similar_published(TEXT) == ()


def test_the_public_form_asks_the_public_box(world, programme):
    html = Client().get(reverse("proposals:public_submit", kwargs={"slug": programme.slug}))
    page = html.content.decode()
    assert reverse("proposals:public_similar", kwargs={"slug": programme.slug}) in page
    assert 'id="public-similar-results"' in page
    assert MARK not in page


def test_a_closed_form_has_no_box(world, programme):
    programme.public_form_open = False
    programme.save()
    url = reverse("proposals:public_similar", kwargs={"slug": programme.slug})
    assert Client().get(url, TYPED).status_code == 404


def test_the_box_is_rate_limited_per_address(world, programme, monkeypatch, english):
    monkeypatch.setattr(public_views, "SIMILAR_LIMIT", 2)
    url = reverse("proposals:public_similar", kwargs={"slug": programme.slug})
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["django_language"] = "en"
    answers = [client.get(url, TYPED).content.decode() for _ in range(3)]
    assert "Varsel på SMS før gebyr" in answers[0] and "Varsel på SMS før gebyr" in answers[1]
    assert "Varsel på SMS før gebyr" not in answers[2]
    assert "Too many look-ups" in answers[2]
