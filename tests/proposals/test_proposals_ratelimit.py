"""The public form's rate limit (issue 18, "Found by probing"): counted in the database,
so that every worker process shares it, per client address; X-Forwarded-For is believed
only from a configured proxy, so a client cannot get past the limit by varying it."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from nytte.core import throttle
from nytte.core.models import ThrottleCounter
from nytte.proposals.models import Proposal
from nytte.proposals.views import public as capture_views

from .test_proposals_public import _data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _url(programme) -> str:
    return reverse("proposals:public_submit", kwargs={"slug": programme.slug})


def address(remote: str, forwarded: str = "") -> str:
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    return throttle.client_address(request)


def test_forwarded_addresses_are_ignored_without_trusted_proxies(settings):
    settings.TRUSTED_PROXIES = []
    assert address("203.0.113.5", "1.2.3.4") == "203.0.113.5"


def test_forwarded_addresses_are_believed_only_from_a_trusted_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert address("10.0.0.2", "1.2.3.4") == "1.2.3.4"
    # The client wrote the left part; the proxy appended the real address on the right.
    assert address("10.0.0.2", "6.6.6.6, 1.2.3.4") == "1.2.3.4"
    # A chain of trusted proxies is walked from the right.
    assert address("10.0.0.2", "1.2.3.4, 10.0.0.9") == "1.2.3.4"
    # Not from the proxy: the header is the client's own and is ignored.
    assert address("203.0.113.5", "1.2.3.4") == "203.0.113.5"
    assert address("10.0.0.2", "garbage") == "10.0.0.2"


def test_varying_x_forwarded_for_does_not_get_past_the_limit(programme, settings):
    settings.TRUSTED_PROXIES = []
    client = Client()
    for n in range(capture_views.PUBLIC_LIMIT):
        response = client.post(
            _url(programme),
            _data(title=f"Forslag {n}"),
            REMOTE_ADDR="198.51.100.7",
            HTTP_X_FORWARDED_FOR=f"1.1.1.{n}",
        )
        assert response.status_code == 302
    response = client.post(
        _url(programme),
        _data(title="Ett til"),
        REMOTE_ADDR="198.51.100.7",
        HTTP_X_FORWARDED_FOR="9.9.9.9",
    )
    assert response.status_code == 429
    assert Proposal.objects.count() == capture_views.PUBLIC_LIMIT


def test_behind_a_trusted_proxy_each_client_is_counted_apart(programme, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    client = Client()
    for n in range(capture_views.PUBLIC_LIMIT):
        client.post(
            _url(programme),
            _data(title=f"A {n}"),
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="1.1.1.1",
        )
    blocked = client.post(
        _url(programme),
        _data(title="A more"),
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="1.1.1.1",
    )
    assert blocked.status_code == 429
    other = client.post(
        _url(programme), _data(title="B"), REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="2.2.2.2"
    )
    assert other.status_code == 302


def test_the_count_is_in_the_database_not_in_a_process(programme, settings):
    """What a second worker process sees: the database's count, whatever its own cache."""
    from django.core.cache import cache

    client = Client()
    for n in range(capture_views.PUBLIC_LIMIT):
        client.post(_url(programme), _data(title=f"C {n}"), REMOTE_ADDR="192.0.2.1")
        cache.clear()  # as if each request went to another worker
    assert ThrottleCounter.objects.filter(count=capture_views.PUBLIC_LIMIT).exists()
    response = client.post(_url(programme), _data(title="C more"), REMOTE_ADDR="192.0.2.1")
    assert response.status_code == 429
