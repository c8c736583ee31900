"""The home page (nytte/home.py): one overview card per programme, read in a fixed number of
queries however many programmes there are."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nytte.benefits.models import BenefitAmount
from nytte.core.choices import Role
from nytte.core.models import Programme
from nytte.home import overview
from nytte.portfolio.models import Initiative
from nytte.proposals.choices import OPEN_STAGES
from nytte.proposals.models import Proposal
from tests.factories import MembershipFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db
QUERIES = 12  # user, roles with the header's programmes, programmes, three grouped counts, the
# work queue (its proposals to harmonise and to prepare in one query; with the learning
# loop's overdue follow-up actions and revisit items)


@pytest.fixture
def facilitator(demo_loaded):
    return get_user_model().objects.get(username="fasilitator")


def test_each_programme_gets_a_card_with_its_figures(facilitator):
    year = dt.date.today().year
    cards = {c["programme"].slug: c for c in overview(facilitator, year=year)}
    assert set(cards) == set(Programme.objects.values_list("slug", flat=True))
    for slug, card in cards.items():
        initiatives = Initiative.objects.filter(programme__slug=slug)
        assert card["initiatives"]["total"] == initiatives.count()
        assert sum(s["n"] for s in card["initiatives"]["by_status"]) == initiatives.count()
        assert sum(p["n"] for p in card["initiatives"]["by_phase"]) == initiatives.count()
        planned = sum(
            BenefitAmount.objects.filter(benefit__programme__slug=slug, year=year).values_list(
                "likely", flat=True
            )
        )
        assert card["benefits"]["planned"] == planned
        assert card["proposals_open"] == (
            Proposal.objects.filter(programme__slug=slug, stage__in=OPEN_STAGES).count()
        )
    assert cards["framtidens-innkreving"]["waiting"] > 0


def test_the_home_page_costs_the_same_queries_for_more_programmes(facilitator, client_for):
    client = client_for(facilitator, language="nb")
    client.get("/")  # warm the session and the caches
    with CaptureQueriesContext(connection) as two:
        response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="ds-card home-card"' in html and "Framtidens innkreving" in html

    for n in range(3):
        MembershipFactory(
            user=facilitator,
            programme=ProgrammeFactory(name=f"Ekstra {n}", slug=f"ekstra-{n}"),
            role=Role.FACILITATOR,
        )
    with CaptureQueriesContext(connection) as five:
        response = client.get("/")
    assert response.content.decode().count('class="ds-card home-card"') == 5
    assert len(five) == len(two), "the page must not query once per programme"
    overview_queries = [q for q in two.captured_queries if "django_session" not in q["sql"]]
    assert len(overview_queries) == QUERIES, [q["sql"][:120] for q in overview_queries]
