"""Single sign-on against a real OpenID Connect provider on 127.0.0.1 (see oidc_provider.py):
the good path, and each way an answer can be wrong, none of which may give a session."""

from __future__ import annotations

import io
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client

from nytte.accounts.models import ExternalIdentity
from nytte.core.models import User
from tests.accounts.oidc_provider import running_provider

pytestmark = pytest.mark.django_db
CALLBACK = "http://testserver/oidc/callback/"
PID = "01017012345"  # a national identity number, as ID-porten sends it in "pid"


@pytest.fixture(scope="module")
def provider():
    with running_provider() as running:
        client_id, secret = running.register_client(CALLBACK)
        running.client = (client_id, secret)
        yield running


@pytest.fixture
def oidc(provider, settings):
    settings.OIDC_ENABLED = True
    settings.AUTHENTICATION_BACKENDS = [
        "nytte.accounts.oidc.OIDCBackend",
        *settings.AUTHENTICATION_BACKENDS,
    ]
    for name, value in provider.endpoints().items():
        setattr(settings, name, value)
    settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET = provider.client
    settings.OIDC_ACR_VALUES = []
    settings.OIDC_AUTH_REQUEST_EXTRA_PARAMS = {}
    provider.tamper = None
    provider.set_user("kari", {"name": "Kari Nordmann", "email": "kari@example.no", "pid": PID})
    return provider


def begin(client: Client) -> str:
    response = client.get("/oidc/authenticate/")
    assert response.status_code == 302
    return response["Location"]


def sign_in(client: Client, provider, sub: str = "kari", *, change=None):
    """The whole round trip; ``change`` may alter the client's session or the provider's
    redirect (a query dict) before the callback."""
    location = provider.sign_in(begin(client), sub)
    query = {k: v[0] for k, v in parse_qs(urlparse(location).query).items()}
    if change is not None:
        change(client, query)
    return client.get("/oidc/callback/?" + urlencode(query))


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_a_good_sign_in_uses_pkce_and_keys_the_user_by_issuer_and_subject(oidc):
    local = User.objects.create_user("kari-local", email="kari@example.no")
    client = Client()
    client.get("/login/")
    before = client.session.session_key
    authorize = begin(client)
    params = parse_qs(urlparse(authorize).query)
    assert params["code_challenge_method"] == ["S256"] and params["nonce"] and params["state"]

    response = sign_in(client, oidc)
    assert response.status_code == 302 and logged_in(client)
    assert client.session.session_key != before  # rotated at login
    user = User.objects.get(pk=client.session["_auth_user_id"])
    assert user != local  # never matched by e-mail
    assert user.full_name == "Kari Nordmann"
    identity = ExternalIdentity.objects.get(user=user)
    assert (identity.issuer, identity.subject) == (oidc.issuer, "kari")
    assert oidc.seen_challenges[-1][1] == "S256"

    again = Client()
    sign_in(again, oidc)
    assert again.session["_auth_user_id"] == str(user.pk)


def test_the_national_identity_number_is_never_stored(oidc):
    client = Client()
    sign_in(client, oidc)
    assert logged_in(client)
    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    sessions = [str(s.get_decoded()) for s in Session.objects.all()]
    assert PID not in dump.getvalue() and not any(PID in s for s in sessions)


# Each wrong token is refused for its own reason (the log says which; never the token).
REASONS = {
    "audience": "wrong audience",
    "issuer": "wrong issuer",
    "expired": "expired",
    "nonce": "Nonce",
    "alg_none": "algorithm 'none'",
    "unknown_key": "valid JWKS",
    "forged": "verification failed",
}


@pytest.mark.parametrize("tamper", list(REASONS))
def test_a_wrong_id_token_gives_no_session(oidc, tamper, caplog):
    oidc.tamper = tamper
    client = Client()
    with caplog.at_level("INFO", logger="nytte.security"):
        response = sign_in(client, oidc)
    assert REASONS[tamper] in caplog.text
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert not logged_in(client)
    assert not ExternalIdentity.objects.exists()


def test_a_wrong_state_gives_no_session(oidc):
    def forge(client, query):
        query["state"] = "forged-state"

    client = Client()
    response = sign_in(client, oidc, change=forge)
    assert response.status_code == 302 and not logged_in(client)


def test_a_wrong_pkce_verifier_is_refused_by_the_provider(oidc):
    def swap_verifier(client, query):
        session = client.session
        states = session["oidc_states"]
        states[query["state"]]["code_verifier"] = "x" * 64
        session["oidc_states"] = states
        session.save()

    client = Client()
    response = sign_in(client, oidc, change=swap_verifier)
    assert response.status_code == 302 and not logged_in(client)
    assert not ExternalIdentity.objects.exists()


def test_a_too_low_authentication_level_is_refused(oidc, settings):
    settings.OIDC_ACR_VALUES = ["idporten-loa-high"]
    settings.OIDC_AUTH_REQUEST_EXTRA_PARAMS = {"acr_values": "idporten-loa-high"}
    client = Client()
    assert parse_qs(urlparse(begin(client)).query)["acr_values"] == ["idporten-loa-high"]

    oidc.set_user("low", {"name": "Lav", "acr": "idporten-loa-substantial"})
    sign_in(client, oidc, "low")
    assert not logged_in(client)

    oidc.set_user("high", {"name": "Høy", "acr": "idporten-loa-high"})
    sign_in(client, oidc, "high")
    assert logged_in(client)


def test_single_sign_on_pages_are_404_when_not_configured(settings):
    settings.OIDC_ENABLED = False
    for url in ("/oidc/authenticate/", "/oidc/callback/?code=a&state=b"):
        assert Client().get(url).status_code == 404


def test_single_sign_on_is_not_asked_for_the_local_second_factor(oidc, programme):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    sign_in(client, oidc)
    user = User.objects.get(pk=client.session["_auth_user_id"])
    TOTPDevice.objects.create(user=user, name="Nytte", confirmed=True)
    again = Client()
    sign_in(again, oidc)
    assert again.get("/api/v1/me").status_code == 200
