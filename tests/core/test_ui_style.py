"""One style throughout the bokmål UI, checked on the demo's pages: amounts say "kr", never
"NOK"; a stage named mid-sentence is in lower case ("Flytt til harmonisering"); a passage that
is itself a quotation gets no second pair of quotes."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

from nytte.proposals.models import Proposal

pytestmark = pytest.mark.django_db

TAGS = re.compile(r"<(script|style)[^>]*>.*?</\1>|<[^>]+>", re.S)


def text(response) -> str:
    assert response.status_code == 200
    return TAGS.sub(" ", response.content.decode())


@pytest.fixture
def facilitator_client(demo_loaded, client_for):
    return client_for(get_user_model().objects.get(username="fasilitator"), language="nb")


def test_bokmal_pages_say_kr_not_nok(facilitator_client):
    slug = "framtidens-innkreving"
    for path in (
        f"/p/{slug}/who-pays/",
        f"/p/{slug}/initiatives/FI-11/cost-benefit/",
        f"/p/{slug}/realisation-plan/",
        f"/p/{slug}/benefits/",
        f"/p/{slug}/initiatives/FI-11/?tab=costs",
        f"/p/{slug}/initiatives/FI-11/co-funding/",
    ):
        page = text(facilitator_client.get(path))
        assert not re.search(r"\bNOK\b", page), (path, re.findall(r".{0,40}\bNOK\b.{0,20}", page))


def test_stage_names_are_lower_case_mid_sentence(facilitator_client):
    slug = "framtidens-innkreving"
    pages = [text(facilitator_client.get(f"/p/{slug}/proposals/board/"))]
    pages += [
        text(facilitator_client.get(p.get_absolute_url()))
        for p in Proposal.objects.filter(
            programme__slug=slug, stage__in=["received", "harmonising"]
        )
    ]
    moves = [m for page in pages for m in re.findall(r"Flytt til (\w+)", page)]
    assert moves, "no move buttons found"
    assert [m for m in moves if m[0].isupper()] == []


def test_a_quoted_passage_gets_one_pair_of_quotes():
    from django.template.loader import render_to_string

    from nytte.proposals.matching.texts import Why

    def suggestion(segments):
        text = "".join(part for part, _hit in segments)
        why = Why(text=text, field="", terms=("brev",), segments=tuple(segments))
        return {"is_proposal": True, "url": "/x/", "reference": "F-1", "title": "T", "why": why}

    html = render_to_string(
        "proposals/partials/similar.html",
        {
            "suggestions": {
                "close": [
                    suggestion([("«Jeg har tre ", False), ("brev", True), (".»", False)]),
                    suggestion([("tre ", False), ("brev", True)]),
                ],
                "weak": [],
                "n_initiatives": 2,
                "n_proposals": 2,
            }
        },
    )
    # The quotation keeps its own «»: its <q> draws none (q.quoted in nytte.css).
    assert html.count('<q class="quoted">«Jeg har tre') == 1
    assert html.count("<q>tre ") == 1
