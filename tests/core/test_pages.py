"""Login, logout, language switching and the programme page, as people use them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse


@pytest.mark.django_db
def test_login_with_the_right_password_reaches_the_programme(facilitator):
    client = Client()
    response = client.post(
        reverse("login"), {"username": "fasilitator", "password": "pass-word-123"}, follow=True
    )
    assert response.status_code == 200
    assert response.wsgi_request.user == facilitator
    # One programme: the front page takes the user straight to it.
    assert response.redirect_chain[-1][0] == "/p/framtidens-innkreving/"
    assert "Framtidens innkreving" in response.content.decode()


@pytest.mark.django_db
def test_a_wrong_password_shows_an_error_and_keeps_the_username(facilitator):
    response = Client().post(reverse("login"), {"username": "fasilitator", "password": "feil"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in html
    assert 'value="fasilitator"' in html


@pytest.mark.django_db
def test_logout_ends_the_session(client_for, viewer):
    client = client_for(viewer)
    assert client.get("/p/framtidens-innkreving/").status_code == 200
    assert client.post(reverse("logout")).status_code == 302
    response = client.get("/p/framtidens-innkreving/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_the_ui_is_bokmal_by_default_and_english_on_request(client_for, viewer):
    client = client_for(viewer)
    page = "/p/framtidens-innkreving/"
    html = client.get(page).content.decode()
    assert '<html lang="nb"' in html
    assert "Logg ut" in html

    response = client.post("/i18n/setlang/", {"language": "en", "next": page})
    assert response.status_code == 302
    assert response["Location"] == page  # the switch keeps the page

    html = client.get(page).content.decode()
    assert '<html lang="en"' in html
    assert "Log out" in html


@pytest.mark.django_db
def test_a_programme_the_user_has_no_role_in_is_not_found(client_for, outsider, programme):
    response = client_for(outsider).get(programme.get_absolute_url())
    assert response.status_code == 404
    # The error page has the same design as the rest.
    assert "ds-skip-link" in response.content.decode()


@pytest.mark.django_db
def test_programme_switcher_lists_only_the_users_programmes(
    client_for, facilitator, programme, other_programme
):
    html = client_for(facilitator).get(programme.get_absolute_url()).content.decode()
    assert 'aria-current="page">Framtidens innkreving<' in html
    assert "Starte og drive bedrift" not in html


@pytest.mark.django_db
def test_pages_send_a_strict_content_security_policy(client_for, viewer):
    response = client_for(viewer).get("/p/framtidens-innkreving/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


@pytest.mark.django_db
def test_pages_reference_no_other_host(client_for, viewer):
    html = client_for(viewer).get("/p/framtidens-innkreving/").content.decode()
    for attribute in ('src="http', 'src="//', 'href="http', 'href="//'):
        assert attribute not in html


@pytest.mark.django_db
def test_anonymous_visitors_see_the_welcome_page_with_a_login_link():
    html = Client().get("/").content.decode()
    assert reverse("login") in html


@pytest.mark.django_db
def test_the_browsers_language_does_not_override_bokmal(client_for, viewer):
    client = client_for(viewer)
    response = client.get("/p/framtidens-innkreving/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="nb"' in response.content.decode()
    assert response["Content-Language"] == "nb"
