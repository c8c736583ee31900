"""An empty filter select says "All", not django-filter's "---------" (one setting)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.factories import GoalFactory, LifeEventFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

LISTS = ("portfolio:initiative_list", "benefits:benefit_list", "proposals:proposal_list")


@pytest.mark.parametrize("name", LISTS)
def test_empty_filter_choices_read_all(name, programme, viewer, client_for):
    OrganisationFactory(name="Skatteetaten")
    GoalFactory(programme=programme)
    LifeEventFactory(name="Gjeld")
    html = client_for(viewer, "en").get(reverse(name, kwargs={"slug": programme.slug}))
    html = html.content.decode()
    assert "---------" not in html
    selects = re.findall(r"<select\b[^>]*>.*?</select>", html, re.S)
    assert selects, "the filter form has selects"
    for select in selects:
        first = re.search(r"<option\b[^>]*>([^<]*)</option>", select).group(1)
        assert first in {"All", "Anywhere"}, select[:200]
