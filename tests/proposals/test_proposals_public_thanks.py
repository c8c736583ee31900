"""The public proposer's thank-you page shows the reference and the private status link
(once, right after sending) and says they were also sent by e-mail."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from django.core import mail
from django.urls import reverse

from nytte.proposals.models import Proposal
from tests.proposals.test_proposals_public import _data, _media, _url, anon  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_thank_you_page_shows_the_reference_and_the_status_link(
    programme,
    anon,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        response = anon.post(_url(programme), _data(), follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "proposals:public_thanks", kwargs={"slug": programme.slug}
    )
    proposal = Proposal.objects.get()
    html = response.content.decode()
    assert f"<strong>{proposal.reference}</strong>" in html
    shown = re.search(r'id="status-link">([^<]+)</a>', html).group(1)
    assert "We have sent a receipt to the e-mail address you gave" in html
    assert response["Cache-Control"] == "private, no-store"

    # The link on the page is the one in the e-mail, and it works.
    mailed = re.search(r"https?://\S+/proposal-status/\S+/", mail.outbox[0].body).group(0)
    assert urlparse(shown).path == urlparse(mailed).path
    assert proposal.reference in mail.outbox[0].subject
    status = anon.get(urlparse(shown).path)
    assert status.status_code == 200
    assert proposal.reference in status.content.decode()

    # Shown once: a reload (or someone later at the same browser) does not see it again.
    again = anon.get(response.redirect_chain[-1][0]).content.decode()
    assert proposal.reference not in again
    assert "proposal-status" not in again


def test_a_robot_caught_by_the_honeypot_gets_no_reference(programme, anon):  # noqa: F811
    response = anon.post(_url(programme), _data(website="http://spam.example"), follow=True)
    assert response.status_code == 200
    assert "proposal-status" not in response.content.decode()
    assert not Proposal.objects.exists()
