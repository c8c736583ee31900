"""Local accounts: an optional TOTP second factor (required for administrators when
configured), a new session key at each login step, and a disabled user's sessions and API
tokens ended at once (issue 18, "Sign-in")."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from nytte.accounts.services import user_disable
from nytte.core.actors import SYSTEM
from nytte.core.models import ApiToken
from nytte.core.services import api_token_create
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("site_in_english")]
PASSWORD = "pass-word-123"


def code(device: TOTPDevice, drift: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, drift=drift):06d}"


def password_login(user) -> tuple[Client, str | None]:
    client = Client()
    client.get("/login/")
    before = client.session.session_key
    response = client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session.session_key != before  # the session key is rotated at login
    return client, before


def wait_out_the_throttle(device: TOTPDevice) -> None:
    """django-otp delays the next try after a wrong code (1 s, 2 s, 4 s …): skip the wait."""
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Nytte", confirmed=True)


def test_a_user_turns_the_second_factor_on(viewer):
    client, _ = password_login(viewer)
    page = client.get("/accounts/otp/")
    assert page.status_code == 200 and b"otp-secret" in page.content
    device = TOTPDevice.objects.get(user=viewer, confirmed=False)
    assert client.post("/accounts/otp/", {"code": "000000"}).status_code == 200
    wait_out_the_throttle(device)
    key = client.session.session_key
    response = client.post("/accounts/otp/", {"code": code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed and client.session.session_key != key
    assert client.get("/api/v1/me").status_code == 200


def drawn_modules(svg: str) -> set[tuple[int, int]]:
    """The dark modules (column, row) an inline SVG QR code draws: its ``qrline`` path is
    horizontal runs ("h n") joined by relative moves ("m dx dy"), in modules."""
    import re

    path = re.search(r'class="qrline"[^>]*\bd="([^"]+)"', svg).group(1)
    tokens = re.findall(r"[Mmh]|-?\d+(?:\.\d+)?", path)
    dark: set[tuple[int, int]] = set()
    x = y = 0.0
    i = 0
    while i < len(tokens):
        op = tokens[i]
        if op in "Mm":
            dx, dy = float(tokens[i + 1]), float(tokens[i + 2])
            x, y = (dx, dy) if op == "M" else (x + dx, y + dy)
            i += 3
        else:
            run = int(tokens[i + 1])
            dark.update((int(x) + k, int(y)) for k in range(run))
            x += run
            i += 2
    return dark


def test_the_setup_page_shows_the_devices_key_as_a_qr_code(viewer):
    """The QR code on the page is the one for this user's own key (django-otp's otpauth://
    address), drawn inline: a phone's camera reads what the authenticator app needs."""
    import re

    import segno

    client, _ = password_login(viewer)
    html = client.get("/accounts/otp/").content.decode()
    device = TOTPDevice.objects.get(user=viewer, confirmed=False)
    svg = re.search(r"<svg role=\"img\".*?</svg>", html, re.S).group(0)
    assert 'aria-label="QR code' in svg
    expected = segno.make(device.config_url, error="m")
    border = 4  # segno's quiet zone, in modules
    want = {
        (col + border, row + border)
        for row, line in enumerate(expected.matrix)
        for col, bit in enumerate(line)
        if bit
    }
    assert drawn_modules(svg) == want
    # Another user's key makes another picture.
    other = TOTPDevice.objects.create(user=UserFactory(), name="Nytte", confirmed=False)
    assert other.config_url != device.config_url
    assert segno.make(other.config_url, error="m").matrix != expected.matrix


def test_with_a_device_the_login_needs_the_code(viewer, programme):
    device = enrolled(viewer)
    client, _ = password_login(viewer)
    page = client.get(programme.get_absolute_url())
    assert page.status_code == 302 and page["Location"].startswith("/accounts/otp/verify/")
    assert client.get("/api/v1/me").status_code == 401  # half a login is no login
    wrong = client.post("/accounts/otp/verify/", {"code": "123456", "next": "/"})
    assert wrong.status_code == 200 and not client.session.get("otp_device_id")
    throttled = client.post("/accounts/otp/verify/", {"code": code(device), "next": "/"})
    assert throttled.status_code == 200 and "Too many wrong codes" in throttled.content.decode()
    wait_out_the_throttle(device)
    key = client.session.session_key
    right = client.post(
        "/accounts/otp/verify/", {"code": code(device), "next": programme.get_absolute_url()}
    )
    assert right.status_code == 302 and right["Location"] == programme.get_absolute_url()
    assert client.session.session_key != key
    assert client.get(programme.get_absolute_url()).status_code == 200
    assert client.get("/api/v1/me").status_code == 200


def test_a_bearer_token_is_not_asked_for_the_code(viewer):
    enrolled(viewer)
    _token, key = api_token_create(user=viewer, name="ci", acting_user=SYSTEM)
    assert Client(HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/v1/me").status_code == 200


def test_the_setting_requires_a_second_factor_of_programme_admins(
    settings, programme_admin, viewer, programme
):
    settings.MFA_REQUIRED_FOR_ADMINS = True
    client, _ = password_login(programme_admin)
    page = client.get(programme.get_absolute_url())
    assert page.status_code == 302 and page["Location"].startswith("/accounts/otp/")
    device_page = client.get("/accounts/otp/")
    assert b"requires a second factor" in device_page.content or device_page.status_code == 200
    device = TOTPDevice.objects.get(user=programme_admin)
    client.post("/accounts/otp/", {"code": code(device)})
    assert client.get(programme.get_absolute_url()).status_code == 200
    # Once on, a required factor cannot be turned off.
    client.post("/accounts/otp/", {"code": code(device)})
    assert TOTPDevice.objects.filter(user=programme_admin, confirmed=True).exists()

    viewer_client, _ = password_login(viewer)
    assert viewer_client.get(programme.get_absolute_url()).status_code == 200


def test_an_optional_factor_can_be_turned_off_with_a_code(viewer):
    device = enrolled(viewer)
    client = Client()
    client.force_login(viewer)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    client.post("/accounts/otp/", {"code": code(device)})
    assert not TOTPDevice.objects.filter(user=viewer).exists()


@pytest.mark.parametrize("how", ["service", "save"])
def test_disabling_a_user_ends_their_sessions_and_tokens(viewer, how):
    browsers = [Client(), Client()]
    for browser in browsers:
        browser.force_login(viewer)
        assert browser.get("/api/v1/me").status_code == 200
    _token, key = api_token_create(user=viewer, name="ci", acting_user=SYSTEM)
    machine = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert machine.get("/api/v1/me").status_code == 200
    other = UserFactory()
    other_browser = Client()
    other_browser.force_login(other)

    if how == "service":
        user_disable(user=viewer, acting_user=SYSTEM)
    else:  # the Django admin, a command or the shell
        viewer.is_active = False
        viewer.save()

    for browser in browsers:
        assert "_auth_user_id" not in browser.session
        assert browser.get("/api/v1/me").status_code == 401
    assert machine.get("/api/v1/me").status_code == 401
    assert not ApiToken.objects.filter(user=viewer).exists()
    assert other_browser.get("/api/v1/me").status_code == 200  # nobody else is touched
    # Enabling the account again does not bring the old sessions back.
    viewer.is_active = True
    viewer.save()
    assert browsers[0].get("/api/v1/me").status_code == 401


def test_the_second_factor_pages_speak_bokmal(viewer, settings):
    settings.LANGUAGE_CODE = "nb"
    client = Client()
    client.force_login(viewer)
    with translation.override("nb"):
        page = client.get("/accounts/otp/").content.decode()
    assert "Slå på tofaktorinnlogging" in page and "Turn the second factor on" not in page
