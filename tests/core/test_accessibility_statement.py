"""The accessibility statement (issue 18): public, in bokmål and English, and linked from
every page's footer."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db
URL = "/tilgjengelighet/"


def test_it_is_public_and_in_bokmal_by_default(settings):
    settings.ACCESSIBILITY_CONTACT = "uu@example.no"
    response = Client().get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1" in page and "Tilgjengelighetserklæring" in page
    assert "WCAG 2.1" in page and "uutilsynet.no" in page
    assert 'href="mailto:uu@example.no"' in page


def test_it_is_in_english_on_request():
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(URL).content.decode()
    assert "Accessibility statement" in page and "Known shortcomings" in page


@pytest.mark.parametrize("name", ["home", "login", None])
def test_every_page_links_to_it_in_the_footer(name):
    path = reverse(name) if name else "/no-such-page/"
    page = Client().get(path, follow=True).content.decode()
    footer = page[page.index('<footer class="site-footer">') :]
    assert f'href="{reverse("accessibility")}"' in footer


def test_logged_in_pages_link_to_it_too(client_for, viewer, programme):
    page = client_for(viewer).get(reverse("programme", args=[programme.slug])).content.decode()
    assert f'href="{URL}"' in page[page.index("<footer") :]
