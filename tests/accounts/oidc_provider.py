"""A real OpenID Connect provider on 127.0.0.1 for the sign-in tests: oidc-provider-mock
(PyPI; Flask and Authlib) served from a thread, with two additions it lacks:

* PKCE: Authlib's own ``CodeChallenge`` extension on the authorization code grant (the mock
  does not store a code's challenge, so it is remembered here by code);
* a ``tamper`` switch that re-issues the next ID token wrong in one way (audience, issuer,
  expiry, nonce, ``alg=none``, an unknown key, a forged signature), to prove that the
  client refuses each. The good tokens are the provider's own.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlparse

import flask
import oidc_provider_mock
import requests
from authlib.jose import JsonWebKey, jwt
from authlib.oauth2.rfc7636 import CodeChallenge
from werkzeug.serving import make_server


@dataclass
class Provider:
    base: str
    tamper: str | None = None
    challenges: dict[str, tuple[str, str]] = field(default_factory=dict)
    seen_challenges: list[tuple[str, str]] = field(default_factory=list)

    @property
    def issuer(self) -> str:
        return self.base

    def endpoints(self) -> dict[str, str]:
        return {
            "OIDC_ISSUER": self.base,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.base}/oauth2/authorize",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.base}/oauth2/token",
            "OIDC_OP_USER_ENDPOINT": f"{self.base}/userinfo",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.base}/jwks",
        }

    def register_client(self, redirect_uri: str) -> tuple[str, str]:
        response = requests.post(
            f"{self.base}/oauth2/clients",
            json={
                "redirect_uris": [redirect_uri],
                "token_endpoint_auth_method": "client_secret_post",
            },
            timeout=5,
        )
        response.raise_for_status()
        body = response.json()
        return body["client_id"], body["client_secret"]

    def set_user(self, sub: str, claims: dict) -> None:
        requests.put(f"{self.base}/users/{sub}", json=claims, timeout=5).raise_for_status()

    def sign_in(self, authorize_url: str, sub: str) -> str:
        """The user signs in at the provider as ``sub``: the redirect back to the client."""
        response = requests.post(authorize_url, data={"sub": sub}, allow_redirects=False, timeout=5)
        assert response.status_code == 302, response.text[:500]
        return response.headers["Location"]


class RememberedChallenge(CodeChallenge):
    """Authlib's PKCE check; the challenge of a code is looked up where ``_capture`` put it."""

    def __init__(self, provider: Provider) -> None:
        super().__init__(required=True)
        self.provider = provider

    def get_authorization_code_challenge(self, authorization_code):
        return self.provider.challenges.get(authorization_code.code, (None, None))[0]

    def get_authorization_code_challenge_method(self, authorization_code):
        return self.provider.challenges.get(authorization_code.code, (None, None))[1]


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _reissue(id_token: str, mode: str, private_key) -> str:
    header = json.loads(base64.urlsafe_b64decode(id_token.split(".")[0] + "=="))
    claims = json.loads(base64.urlsafe_b64decode(id_token.split(".")[1] + "=="))
    key = private_key
    if mode == "audience":
        claims["aud"] = "someone-else"
    elif mode == "issuer":
        claims["iss"] = "http://127.0.0.1:1/not-the-issuer"
    elif mode == "expired":
        claims["iat"], claims["exp"] = int(time.time()) - 7200, int(time.time()) - 3600
    elif mode == "nonce":
        claims["nonce"] = "not-the-nonce"
    elif mode == "alg_none":
        return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."
    elif mode in ("unknown_key", "forged"):
        key = JsonWebKey.generate_key("RSA", 2048, is_private=True)
        if mode == "unknown_key":
            header["kid"] = "a-key-the-provider-never-published"
    new_header = {"alg": "RS256"} | ({"kid": header["kid"]} if "kid" in header else {})
    return jwt.encode(new_header, claims, key).decode()


def _install(app: flask.Flask, provider: Provider) -> None:
    @app.after_request
    def capture_and_tamper(response: flask.Response) -> flask.Response:
        request = flask.request
        if request.path == "/oauth2/authorize" and request.method == "POST":
            code = parse_qs(urlparse(response.headers.get("Location", "")).query).get("code")
            challenge = request.args.get("code_challenge")
            method = request.args.get("code_challenge_method", "plain")
            if code and challenge:
                provider.challenges[code[0]] = (challenge, method)
                provider.seen_challenges.append((challenge, method))
        if request.path == "/oauth2/token" and response.status_code == 200 and provider.tamper:
            body = response.get_json()
            storage = flask.g.oidc_provider_mock_storage
            body["id_token"] = _reissue(body["id_token"], provider.tamper, storage.jwk)
            response.set_data(json.dumps(body))
        return response

    with app.test_request_context("/"):
        app.preprocess_request()
        server = flask.g._authlib_authorization_server
    extended = set()
    for grants in (server._authorization_grants, server._token_grants):
        for _grant, extensions in grants:
            if extensions is not None and id(extensions) not in extended:
                extensions.append(RememberedChallenge(provider))
                extended.add(id(extensions))


@contextmanager
def running_provider() -> Iterator[Provider]:
    """The provider on 127.0.0.1 at a free port, for as long as the block runs."""
    app = oidc_provider_mock.app(require_client_registration=True, require_nonce=True)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    provider = Provider(base=f"http://127.0.0.1:{server.server_port}")
    _install(app, provider)
    import threading

    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        thread.join(2)
        server.server_close()
