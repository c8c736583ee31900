"""The permission matrix, written once: who may (2xx/3xx), who is refused (403), and who is
told the programme does not exist (404 for a member of another programme only).

Three ways to use it:

* ``PermissionMatrix``, a mixin for a test class that requests every page as every persona::

      class TestPagePermissions(PermissionMatrix):
          EXPECTED = {"list": [200, 200, 200, 200, 200, 200, 404], ...}  # in PERSONAS order

          @pytest.fixture
          def urls(self, programme, initiative):
              return {"list": reverse(...), ...}

* the ``access`` fixture (``tests/conftest.py``), for one address and some personas::

      access.check("post", url, data, allowed=["facilitator"], forbidden=["viewer"])

  (``hidden`` defaults to the outsider: another programme's member gets a 404);

* ``assert_logged(obj, action, by=user)`` that a change reached the change log.
"""

from __future__ import annotations

from collections.abc import Iterable

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client

# The personas of tests/conftest.py, in the order the matrices list their statuses.
PERSONAS = [
    "facilitator",
    "programme_admin",
    "owner",
    "contributor",
    "forum_member",
    "viewer",
    "outsider",
]
FORBIDDEN = 403
HIDDEN = 404


class Access:
    """Requests an address as personas and compares the statuses with what is expected."""

    def __init__(self, request: pytest.FixtureRequest, client_for) -> None:
        self._request = request
        self._client_for = client_for
        self._clients: dict[str, Client] = {}

    def user(self, persona: str):
        return self._request.getfixturevalue(persona)

    def client(self, persona: str) -> Client:
        if persona not in self._clients:
            self._clients[persona] = self._client_for(self.user(persona))
        return self._clients[persona]

    def status(self, persona: str, method: str, url: str, data: dict | None = None) -> int:
        client = self.client(persona)
        if method == "get":
            return client.get(url, data or {}).status_code
        return getattr(client, method)(url, data or {}).status_code

    def statuses(
        self, method: str, url: str, expected: dict[str, int], data: dict | None = None
    ) -> None:
        """Each persona's status; all are compared at once, so a failure shows the matrix."""
        actual = {persona: self.status(persona, method, url, data) for persona in expected}
        assert actual == expected, f"{method.upper()} {url}"

    def check(
        self,
        method: str,
        url: str,
        data: dict | None = None,
        *,
        allowed: Iterable[str] = (),
        forbidden: Iterable[str] = (),
        hidden: Iterable[str] = ("outsider",),
        allowed_status: int | tuple[int, ...] = (200, 302),
    ) -> None:
        """``allowed`` personas get ``allowed_status`` (any of them), ``forbidden`` ones a 403,
        ``hidden`` ones (the outsider, by default) a 404. Refusals are asked first, so a
        refused request cannot hide behind an allowed one that changed the data."""
        expected = {p: FORBIDDEN for p in forbidden} | {p: HIDDEN for p in hidden}
        self.statuses(method, url, expected, data)
        ok = (allowed_status,) if isinstance(allowed_status, int) else allowed_status
        for persona in allowed:
            status = self.status(persona, method, url, data)
            assert status in ok, f"{method.upper()} {url} as {persona}: {status}, not {ok}"


class PermissionMatrix:
    """Mixin: every page of ``EXPECTED`` as every persona of ``PERSONAS``.

    Subclasses set ``EXPECTED = {page: [status per persona, in PERSONAS order]}`` and define a
    ``urls`` fixture returning ``{page: address}``. One test per page asks every persona
    (the data are built once per page, not once per persona) and shows the whole row when
    one status differs."""

    EXPECTED: dict[str, list[int]] = {}
    METHOD = "get"

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        if metafunc.function.__name__ == "test_permission_matrix":
            metafunc.parametrize("matrix_page", list(self.EXPECTED))

    def test_permission_matrix(self, matrix_page, urls, access):
        expected = dict(zip(PERSONAS, self.EXPECTED[matrix_page], strict=True))
        access.statuses(self.METHOD, urls[matrix_page], expected)

    def test_anonymous_visitors_are_sent_to_log_in(self, urls):
        from django.urls import reverse

        for url in urls.values():
            response = Client().get(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("login")), url


def assert_logged(obj, action: str | None = None, *, by=None) -> None:
    """The change log has an entry for ``obj`` (of ``action``, by ``by`` when given)."""
    from nytte.core.models import ChangeLogEntry

    entries = ChangeLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=str(obj.pk)
    )
    if action is not None:
        entries = entries.filter(action=action)
    if by is not None:
        entries = entries.filter(actor=by)
    assert entries.exists(), (
        f"no {action or 'change'} of {obj!r}{f' by {by}' if by is not None else ''} in the log: "
        f"{list(ChangeLogEntry.objects.values_list('object_repr', 'action', 'actor_label'))}"
    )
