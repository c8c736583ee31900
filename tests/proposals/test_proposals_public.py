"""The public submission form and the proposer's private status page: no account needed,
spam kept out (honeypot, rate limit), bad files refused with what was typed kept, a receipt
with a private link, and a status page that shows the proposer what they may see and no
more."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from nytte.core.actors import PublicProposer
from nytte.proposals import services
from nytte.proposals.choices import Channel, Stage
from nytte.proposals.models import Attachment, Comment, Proposal
from nytte.proposals.views import public as public_views
from tests.factories import LifeEventFactory, OrganisationFactory, ProposalFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% a tiny test file\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def anon(settings):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _url(programme) -> str:
    return reverse("proposals:public_submit", kwargs={"slug": programme.slug})


def _data(**extra):
    return {
        "proposer_name": "Kari Nordmann",
        "proposer_email": "kari@example.no",
        "consent": "on",
        "title": "Felles oversikt over gjeld til staten",
        "need": "Folk med gjeld til flere etater mister oversikten.",
        "idea": "Én side som viser all gjeld til staten.",
        "expected_benefits": "Færre purringer.",
        "source": "user_insight",
        **extra,
    }


def test_the_public_form_needs_no_account_and_hides_its_honeypot(programme, anon):
    ProposalFactory(programme=programme, title="Hemmelig internt forslag")
    response = anon.get(_url(programme))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Hemmelig internt forslag" not in html  # no other proposals leak
    trap = re.search(r'<div class="visually-hidden" aria-hidden="true">(.*?)</div>', html, re.S)
    assert trap is not None
    field = re.search(r"<input[^>]*name=\"website\"[^>]*>", trap.group(1)).group(0)
    assert 'tabindex="-1"' in field
    assert 'autocomplete="off"' in field
    assert 'name="csrfmiddlewaretoken"' in html


def test_an_unknown_programme_is_404(anon):
    assert anon.get("/p/finnes-ikke/submit/").status_code == 404


def test_csrf_stays_on(programme):
    client = Client(enforce_csrf_checks=True)
    response = client.post(_url(programme), _data())
    assert response.status_code == 403
    assert not Proposal.objects.exists()


def test_a_proposal_is_received_and_the_receipt_has_a_working_private_link(
    programme, anon, django_capture_on_commit_callbacks
):
    organisation = OrganisationFactory(name="Skatteetaten")
    event = LifeEventFactory(name="Gjeld")
    upload = SimpleUploadedFile("notat.pdf", PDF, content_type="application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        response = anon.post(
            _url(programme),
            _data(
                affected_organisations=[organisation.pk],
                life_events=[event.pk],
                attachments=[upload],
            ),
        )
    thanks = reverse("proposals:public_thanks", kwargs={"slug": programme.slug})
    assert response.status_code == 302
    assert response["Location"] == thanks
    proposal = Proposal.objects.get()
    assert proposal.channel == Channel.PUBLIC
    assert proposal.proposer is None
    assert (proposal.proposer_name, proposal.proposer_email) == ("Kari Nordmann", "kari@example.no")
    assert proposal.consent_at is not None
    assert list(proposal.affected_organisations.all()) == [organisation]
    assert list(proposal.life_events.all()) == [event]
    assert Attachment.objects.get().name == "notat.pdf"

    page = anon.get(thanks)
    assert "We have sent a receipt to the e-mail address you gave" in page.content.decode()

    assert [m.to for m in mail.outbox] == [["kari@example.no"]]
    link = re.search(r"https?://\S+/proposal-status/\S+/", mail.outbox[0].body).group(0)
    status = anon.get(urlparse(link).path)
    assert status.status_code == 200
    html = status.content.decode()
    assert proposal.title in html
    assert proposal.reference in html
    assert "Received" in html
    assert status["Cache-Control"] == "private, no-store"


def test_a_filled_honeypot_pretends_success_but_saves_nothing(
    programme, anon, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = anon.post(_url(programme), _data(website="http://spam.example"))
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "proposals:public_thanks", kwargs={"slug": programme.slug}
    )
    assert not Proposal.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("missing", "field", "message"),
    [
        ("consent", "consent", "We need your consent to keep your name and e-mail address."),
        ("proposer_email", "proposer_email", "This field is required."),
        ("need", "need", "This field is required."),
    ],
)
def test_refused_without_consent_email_or_need_and_what_was_typed_is_kept(
    programme, anon, missing, field, message
):
    data = _data()
    del data[missing]
    response = anon.post(_url(programme), data)
    assert response.status_code == 200
    assert not Proposal.objects.exists()
    html = response.content.decode()
    error = re.search(rf'id="id_{field}-error"[^>]*>(.*?)</', html, re.S)
    assert error is not None and message in error.group(1)
    assert 'aria-invalid="true"' in html
    assert 'value="Felles oversikt over gjeld til staten"' in html
    if missing != "need":
        assert "Folk med gjeld til flere etater mister oversikten." in html


def test_five_proposals_an_hour_from_one_address_then_a_clear_refusal(programme, anon):
    for n in range(public_views.PUBLIC_LIMIT):
        response = anon.post(_url(programme), _data(title=f"Forslag {n}"), REMOTE_ADDR="10.1.1.1")
        assert response.status_code == 302
    response = anon.post(_url(programme), _data(title="Ett til"), REMOTE_ADDR="10.1.1.1")
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many proposals from your address" in html
    assert "at most 5 proposals an hour" in html
    assert 'value="Ett til"' in html  # typed text kept
    assert Proposal.objects.count() == public_views.PUBLIC_LIMIT
    # Another address is not held back.
    other = anon.post(_url(programme), _data(title="Fra en annen"), REMOTE_ADDR="10.2.2.2")
    assert other.status_code == 302
    assert Proposal.objects.count() == public_views.PUBLIC_LIMIT + 1


def test_honeypot_hits_count_towards_the_limit(programme, anon):
    for _ in range(public_views.PUBLIC_LIMIT):
        anon.post(_url(programme), _data(website="spam"), REMOTE_ADDR="10.3.3.3")
    response = anon.post(_url(programme), _data(), REMOTE_ADDR="10.3.3.3")
    assert response.status_code == 429
    assert not Proposal.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("vedlegg.pdf", b"MZ\x90\x00\x03\x00 this is an executable", "does not look like a .pdf"),
        ("program.exe", b"MZ\x90\x00", "is not a file type we accept"),
        (
            "stor.pdf",
            b"%PDF" + b"0" * services.MAX_ATTACHMENT_BYTES,
            "files can be at most 10 MB",
        ),
    ],
)
def test_a_bad_attachment_is_refused_clearly_and_the_typed_text_is_kept(
    programme, anon, name, content, message
):
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = anon.post(_url(programme), _data(attachments=[upload]))
    assert response.status_code == 200
    assert not Proposal.objects.exists()
    assert not Attachment.objects.exists()
    html = response.content.decode()
    error = re.search(r'id="id_attachments-error"[^>]*>(.*?)</div>', html, re.S)
    assert error is not None
    assert name in error.group(1)
    assert message in error.group(1)
    assert 'value="Felles oversikt over gjeld til staten"' in html
    assert "Folk med gjeld til flere etater mister oversikten." in html
    assert 'value="kari@example.no"' in html
    assert "choose your files again" in html  # the files themselves must be chosen again


def test_more_than_five_files_are_refused(programme, anon):
    uploads = [SimpleUploadedFile(f"f{n}.txt", b"hei", content_type="text/plain") for n in range(6)]
    response = anon.post(_url(programme), _data(attachments=uploads))
    assert response.status_code == 200
    assert "At most 5 files." in response.content.decode()
    assert not Proposal.objects.exists()


# ---------------------------------------------------------------------------------------------
# The status page


def _submitted(programme, **data):
    proposal, token = services.proposal_submit(
        programme=programme,
        data={
            "title": "Varsel før inkasso",
            "need": "Folk får inkasso uten å vite om kravet.",
            "idea": "Varsle i appen.",
            "proposer_name": "Kari Nordmann",
            "proposer_email": "kari@example.no",
            **data,
        },
        channel=Channel.PUBLIC,
        consent=True,
        acting_user=PublicProposer(programme_id=programme.pk),
    )
    return proposal, token


def _status(client, token):
    return client.get(reverse("proposals:status", kwargs={"token": token}))


def test_the_status_page_shows_the_stage_its_dates_and_a_rejections_reason(
    programme, facilitator, anon
):
    proposal, token = _submitted(programme)
    Comment.objects.create(proposal=proposal, author=facilitator, text="Intern vurdering XYZ")
    services.proposal_move(proposal=proposal, to=Stage.HARMONISATION, acting_user=facilitator)
    html = _status(anon, token).content.decode()
    assert "Harmonisation" in html
    assert "being compared with what the participating agencies" in html
    services.proposal_move(
        proposal=proposal,
        to=Stage.REJECTED,
        reason="Ligger utenfor programmets mandat.",
        acting_user=facilitator,
    )
    response = _status(anon, token)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Rejected" in html
    assert "Ligger utenfor programmets mandat." in html
    assert html.count("<time ") == 3  # received, harmonisation, rejected
    # Nothing of the programme's internals and nobody's personal data.
    assert "Intern vurdering XYZ" not in html
    assert facilitator.display_name not in html
    assert "Kari Nordmann" not in html
    assert "kari@example.no" not in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_a_parking_reason_stays_internal(programme, facilitator, anon):
    proposal, token = _submitted(programme)
    services.proposal_move(
        proposal=proposal, to=Stage.PARKED, reason="Intern budsjettgrunn", acting_user=facilitator
    )
    html = _status(anon, token).content.decode()
    assert "Parked" in html
    assert "Intern budsjettgrunn" not in html


def test_the_status_page_says_where_a_merged_proposal_went(programme, facilitator, anon):
    proposal, token = _submitted(programme)
    target = ProposalFactory(programme=programme, number=77, title="Samlet gjeldsoversikt")
    services.proposal_merge(proposal=proposal, into=target, acting_user=facilitator)
    html = _status(anon, token).content.decode()
    assert "Merged" in html
    assert "F-77" in html
    assert "Samlet gjeldsoversikt" in html


def test_a_wrong_token_is_404(programme, anon):
    _submitted(programme)
    assert _status(anon, "not-the-token").status_code == 404


def test_after_erasure_the_link_is_dead_but_the_proposal_stays(programme, facilitator, anon):
    proposal, token = _submitted(programme)
    assert _status(anon, token).status_code == 200
    services.proposer_erase(proposal=proposal, acting_user=facilitator)
    assert _status(anon, token).status_code == 404
    assert Proposal.objects.filter(pk=proposal.pk, title="Varsel før inkasso").exists()
