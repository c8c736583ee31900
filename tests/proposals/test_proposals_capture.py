"""Step 1 for colleagues: the proposal form (and a facilitator's sought-out opportunity), the
edit form, and the overview tab with its evidence, support, comments, attachment downloads
and the erasure of an outside proposer's personal data."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from nytte.core.actors import PublicProposer
from nytte.core.models import ChangeLogEntry
from nytte.proposals import services
from nytte.proposals.choices import Channel, Stage
from nytte.proposals.models import Attachment, Comment, Evidence, Proposal, Support
from nytte.proposals.views import capture as capture_views
from tests.factories import (
    LifeEventFactory,
    OrganisationFactory,
    ProposalFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% a tiny test file\n"
TEXT = {
    "title": "Varsel før inkasso",
    "need": "Folk får inkasso uten å ha forstått kravet.",
    "idea": "Varsle i appen før kravet går videre.",
    "expected_benefits": "Færre inkassosaker.",
    "source": "staff",
}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _create_url(programme) -> str:
    return reverse("proposals:proposal_create", kwargs={"slug": programme.slug})


def _url(name: str, proposal, **extra) -> str:
    return reverse(
        f"proposals:{name}",
        kwargs={"slug": proposal.programme.slug, "number": proposal.number, **extra},
    )


# ---------------------------------------------------------------------------------------------
# The proposal form


def test_a_contributor_proposes_with_organisations_life_events_and_a_file(
    programme, contributor, client_for
):
    organisation = OrganisationFactory(name="Statens innkrevingssentral")
    event = LifeEventFactory(name="Gjeld")
    upload = SimpleUploadedFile("notat.pdf", PDF, content_type="application/pdf")
    client = client_for(contributor, language="en")
    response = client.post(
        _create_url(programme),
        TEXT
        | {
            "affected_organisations": [organisation.pk],
            "life_events": [event.pk],
            "attachments": [upload],
        },
    )
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == proposal.get_absolute_url()
    assert proposal.proposer == contributor
    assert proposal.channel == Channel.FORM
    assert proposal.title == TEXT["title"]
    assert list(proposal.affected_organisations.all()) == [organisation]
    assert list(proposal.life_events.all()) == [event]
    attachment = Attachment.objects.get()
    assert (attachment.name, attachment.uploaded_by) == ("notat.pdf", contributor)
    assert attachment.file.read() == PDF
    assert ChangeLogEntry.objects.filter(object_repr="notat.pdf").exists()
    page = client.get(response["Location"])
    assert f"Proposal {proposal.reference} is received." in page.content.decode()


def test_a_refused_form_keeps_what_was_typed_with_errors_next_to_the_fields(
    programme, contributor, client_for
):
    organisation = OrganisationFactory(name="Skatteetaten")
    client = client_for(contributor, language="en")
    bad = SimpleUploadedFile("notat.pdf", b"MZ\x90\x00 nope", content_type="application/pdf")
    data = TEXT | {"need": "", "affected_organisations": [organisation.pk], "attachments": [bad]}
    response = client.post(_create_url(programme), data)
    assert response.status_code == 200
    assert not Proposal.objects.exists()
    html = response.content.decode()
    assert re.search(r'id="id_need-error"[^>]*>This field is required', html)
    assert re.search(r'id="id_attachments-error"[^>]*>notat.pdf does not look like a .pdf', html)
    assert 'value="Varsel før inkasso"' in html
    assert "Varsle i appen før kravet går videre." in html
    assert re.search(rf'value="{organisation.pk}" checked', html)
    assert "choose your files again" in html
    assert "ds-error-summary" in html


def test_who_may_open_the_proposal_form(programme, access):
    url = _create_url(programme)
    access.check(
        "get",
        url,
        allowed=["contributor", "owner", "facilitator"],
        allowed_status=200,
        forbidden=["viewer", "forum_member"],
    )
    access.check("post", url, TEXT, forbidden=["viewer"])
    assert not Proposal.objects.exists()


def test_anonymous_people_are_sent_to_log_in(programme, client):
    response = client.get(_create_url(programme))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_only_facilitators_may_register_what_they_sought_out(
    programme, contributor, facilitator, client_for
):
    html = client_for(contributor).get(_create_url(programme)).content.decode()
    assert 'name="sought_out"' not in html
    assert 'name="proposer_email"' not in html
    # A contributor sending the fields anyway registers their own proposal, nothing else.
    client_for(contributor).post(
        _create_url(programme), TEXT | {"sought_out": "on", "proposer_name": "X"}
    )
    proposal = Proposal.objects.get()
    assert (proposal.channel, proposal.proposer, proposal.proposer_name) == (
        Channel.FORM,
        contributor,
        "",
    )
    html = client_for(facilitator).get(_create_url(programme)).content.decode()
    assert 'name="sought_out"' in html


def test_a_facilitator_registers_a_sought_out_opportunity_for_an_outside_proposer(
    programme, facilitator, client_for, django_capture_on_commit_callbacks
):
    client = client_for(facilitator, language="en")
    outside = {"proposer_name": "Per Leverandør", "proposer_email": "per@example.no"}
    # Name and e-mail without "sought out", or without consent, are refused as typed.
    response = client.post(_create_url(programme), TEXT | outside)
    assert re.search(r'id="id_sought_out-error"', response.content.decode())
    response = client.post(_create_url(programme), TEXT | outside | {"sought_out": "on"})
    html = response.content.decode()
    assert re.search(r'id="id_consent-error"[^>]*>We need your consent', html)
    assert 'value="per@example.no"' in html
    assert not Proposal.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _create_url(programme), TEXT | outside | {"sought_out": "on", "consent": "on"}
        )
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert proposal.channel == Channel.SOUGHT_OUT
    assert proposal.proposer is None
    assert proposal.created_by == facilitator
    assert (proposal.proposer_name, proposal.proposer_email) == tuple(outside.values())
    assert [m.to for m in mail.outbox] == [["per@example.no"]]
    assert "/proposal-status/" in mail.outbox[0].body


def test_the_form_asks_for_similar_proposals_while_typing(
    programme, contributor, client_for, monkeypatch
):
    monkeypatch.setattr(capture_views, "similar_url", lambda programme: "/similar-here/")
    html = client_for(contributor).get(_create_url(programme)).content.decode()
    for name in ("title", "need", "idea"):
        widget = re.search(rf'<(?:input|textarea)[^>]*name="{name}"[^>]*>', html).group(0)
        assert 'hx-get="/similar-here/"' in widget
        assert 'hx-trigger="keyup changed delay:600ms"' in widget
        # The ticked organisations and life events go along (quotes escaped in HTML).
        assert (
            'hx-include="#id_title, #id_need, #id_idea, '
            '[name=&#x27;affected_organisations&#x27;], [name=&#x27;life_events&#x27;]"' in widget
        )
        assert 'hx-target="#capture-similar-results"' in widget
    assert 'id="capture-similar-results"' in html
    assert 'aria-live="polite"' in html


def test_without_the_similar_endpoint_the_form_still_works(
    programme, contributor, client_for, monkeypatch
):
    monkeypatch.setattr(capture_views, "similar_url", lambda programme: None)
    response = client_for(contributor).get(_create_url(programme))
    assert response.status_code == 200
    assert "hx-get" not in re.search(r'<input[^>]*name="title"[^>]*>', response.content.decode())[0]
    assert 'id="capture-similar-results"' not in response.content.decode()


# ---------------------------------------------------------------------------------------------
# Editing


def test_the_proposer_edits_until_assessment_and_the_facilitator_always(
    programme, contributor, facilitator, viewer, outsider, client_for
):
    event = LifeEventFactory(name="Starte bedrift")
    proposal = ProposalFactory(programme=programme, proposer=contributor)
    proposal.life_events.add(event)
    url = _url("proposal_edit", proposal)
    client = client_for(contributor, language="en")
    page = client.get(url).content.decode()
    assert f'value="{proposal.title}"' in page
    assert re.search(rf'value="{event.pk}" checked', page)  # current choices shown
    response = client.post(url, TEXT | {"title": "Nytt navn", "life_events": [event.pk]})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.title == "Nytt navn"
    assert list(proposal.life_events.all()) == [event]

    refused = client.post(url, TEXT | {"title": ""})
    assert refused.status_code == 200
    assert "Varsle i appen før kravet går videre." in refused.content.decode()
    assert re.search(r'id="id_title-error"', refused.content.decode())

    Proposal.objects.filter(pk=proposal.pk).update(stage=Stage.ASSESSMENT)
    assert client.get(url).status_code == 403
    assert client.post(url, TEXT).status_code == 403
    assert client_for(facilitator).post(url, TEXT | {"title": "Fasilitert"}).status_code == 302
    assert Proposal.objects.get(pk=proposal.pk).title == "Fasilitert"
    assert client_for(viewer).get(url).status_code == 403
    assert client_for(outsider).get(url).status_code == 404


def test_files_can_be_added_when_editing_up_to_five_in_all(programme, contributor, client_for):
    proposal = ProposalFactory(programme=programme, proposer=contributor)
    client = client_for(contributor, language="en")
    files = [SimpleUploadedFile(f"f{n}.txt", b"hei", content_type="text/plain") for n in range(4)]
    response = client.post(_url("proposal_edit", proposal), TEXT | {"attachments": files})
    assert response.status_code == 302
    assert proposal.attachments.count() == 4
    more = [SimpleUploadedFile(f"g{n}.txt", b"hei", content_type="text/plain") for n in range(2)]
    response = client.post(_url("proposal_edit", proposal), TEXT | {"attachments": more})
    assert response.status_code == 200
    assert "the proposal has 4 already" in response.content.decode()
    assert proposal.attachments.count() == 4


# ---------------------------------------------------------------------------------------------
# The overview tab: evidence, support, comments


def test_the_overview_shows_the_proposal_and_its_forms(programme, contributor, client_for):
    organisation = OrganisationFactory(name="Brønnøysundregistrene")
    proposal = ProposalFactory(programme=programme, expected_benefits="Raskere svar for alle.")
    proposal.affected_organisations.add(organisation)
    html = client_for(contributor, language="en").get(proposal.get_absolute_url()).content.decode()
    assert proposal.need in html
    assert "Raskere svar for alle." in html
    assert "Brønnøysundregistrene" in html
    assert _url("evidence_add", proposal) in html
    assert _url("comment_add", proposal) in html
    assert _url("support_toggle", proposal) in html


def test_a_viewer_sees_but_cannot_add(programme, viewer, client_for):
    proposal = ProposalFactory(programme=programme)
    client = client_for(viewer, language="en")
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert proposal.title in html
    assert _url("evidence_add", proposal) not in html
    assert _url("support_toggle", proposal) not in html
    assert (
        client.post(_url("evidence_add", proposal), {"evidence-kind": "quote"}).status_code == 403
    )
    assert client.post(_url("comment_add", proposal), {"comment-text": "Hei"}).status_code == 403
    assert client.post(_url("support_toggle", proposal)).status_code == 403
    assert not (Evidence.objects.exists() or Comment.objects.exists() or Support.objects.exists())


def test_an_outsider_gets_404_on_every_address(programme, outsider, client_for):
    proposal = ProposalFactory(programme=programme)
    client = client_for(outsider)
    for name in ("evidence_add", "comment_add", "support_toggle", "proposer_erase"):
        assert client.post(_url(name, proposal)).status_code == 404, name
    assert client.get(_url("proposal_edit", proposal)).status_code == 404


def test_evidence_is_added_and_a_refused_one_keeps_what_was_typed(
    programme, contributor, client_for
):
    proposal = ProposalFactory(programme=programme)
    client = client_for(contributor, language="en")
    url = _url("evidence_add", proposal)
    refused = client.post(url, {"evidence-kind": "quote", "evidence-source": "Brukerintervju 3"})
    assert refused.status_code == 200
    html = refused.content.decode()
    assert re.search(r'id="id_evidence-text-error"', html)
    assert 'value="Brukerintervju 3"' in html
    assert not Evidence.objects.exists()

    response = client.post(
        url,
        {
            "evidence-kind": "quote",
            "evidence-text": "«Jeg visste ikke at jeg skyldte noe.»",
            "evidence-url": "https://example.no/studie",
            "evidence-source": "Brukerintervju 3",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == proposal.get_absolute_url() + "#capture-evidence"
    evidence = Evidence.objects.get()
    assert (evidence.added_by, evidence.kind) == (contributor, "quote")
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "«Jeg visste ikke at jeg skyldte noe.»" in page
    assert 'href="https://example.no/studie"' in page


def test_with_htmx_only_the_panel_comes_back(programme, contributor, client_for):
    proposal = ProposalFactory(programme=programme)
    client = client_for(contributor, language="en")
    headers = {"HX-Request": "true", "HX-Target": "overview-panel"}
    response = client.post(
        _url("comment_add", proposal), {"comment-text": "Godt forslag!"}, headers=headers
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="overview-panel"')
    assert "Your comment was added." in html
    assert "Godt forslag!" in html
    refused = client.post(_url("comment_add", proposal), {"comment-text": ""}, headers=headers)
    assert re.search(r'id="id_comment-text-error"', refused.content.decode())
    assert Comment.objects.count() == 1


def test_support_is_toggled_and_supporters_are_listed(programme, contributor, owner, client_for):
    proposal = ProposalFactory(programme=programme)
    Support.objects.create(proposal=proposal, user=owner)
    client = client_for(contributor, language="en")
    url = _url("support_toggle", proposal)
    assert client.post(url)["Location"].endswith("#capture-support")
    assert set(proposal.supports.values_list("user", flat=True)) == {owner.pk, contributor.pk}
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert "Withdraw my support" in html
    assert contributor.display_name in html and owner.display_name in html
    assert "2 people support this proposal." in html
    client.post(url)
    assert list(proposal.supports.values_list("user", flat=True)) == [owner.pk]
    assert "Support this proposal" in client.get(proposal.get_absolute_url()).content.decode()


def test_comments_are_added_in_order(programme, contributor, owner, client_for):
    proposal = ProposalFactory(programme=programme)
    client_for(contributor).post(_url("comment_add", proposal), {"comment-text": "Først"})
    client_for(owner).post(_url("comment_add", proposal), {"comment-text": "Så"})
    html = client_for(contributor).get(proposal.get_absolute_url()).content.decode()
    assert html.index("Først") < html.index("Så")
    assert [c.author for c in Comment.objects.order_by("created_at", "pk")] == [contributor, owner]


# ---------------------------------------------------------------------------------------------
# Attachments


def _attachment(proposal, user=None) -> Attachment:
    services.attachment_add(
        proposal=proposal,
        upload=SimpleUploadedFile("rapport.pdf", PDF, content_type="text/html"),
        acting_user=user,
    )
    return proposal.attachments.get()


def test_an_attachment_downloads_only_for_those_who_see_the_proposal(
    programme, contributor, viewer, outsider, client_for, client
):
    proposal = ProposalFactory(programme=programme)
    item = _attachment(proposal, contributor)
    url = _url("attachment", proposal, pk=item.pk)
    assert url in client_for(viewer).get(proposal.get_absolute_url()).content.decode()
    for user in (contributor, viewer):
        response = client_for(user).get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        assert 'filename="rapport.pdf"' in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"
        # The type is ours, not the one the uploader's browser claimed (text/html).
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content) == PDF
    assert client_for(outsider).get(url).status_code == 404
    assert client.get(url).status_code == 302  # to the login page
    other = ProposalFactory(programme=programme)
    assert client_for(contributor).get(_url("attachment", other, pk=item.pk)).status_code == 404


# ---------------------------------------------------------------------------------------------
# The outside proposer's personal data


def _outside(programme) -> tuple[Proposal, str]:
    return services.proposal_submit(
        programme=programme,
        data=TEXT | {"proposer_name": "Kari Nordmann", "proposer_email": "kari@example.no"},
        channel=Channel.PUBLIC,
        consent=True,
        acting_user=PublicProposer(programme_id=programme.pk),
    )


def test_only_facilitators_see_an_outside_proposers_name_and_email(
    programme, contributor, facilitator, client_for
):
    proposal, _token = _outside(programme)
    html = client_for(contributor, language="en").get(proposal.get_absolute_url()).content.decode()
    assert "Kari Nordmann" not in html and "kari@example.no" not in html
    assert "only facilitators see who" in html
    assert _url("proposer_erase", proposal) not in html
    html = client_for(facilitator, language="en").get(proposal.get_absolute_url()).content.decode()
    assert "Kari Nordmann" in html and "kari@example.no" in html
    assert "Erase the proposer's personal data" in html


def test_erasure_asks_first_then_removes_name_and_email_but_keeps_the_proposal(
    programme, facilitator, contributor, client_for
):
    proposal, token = _outside(programme)
    client = client_for(facilitator, language="en")
    erase = _url("proposer_erase", proposal)
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert f'action="{erase}"' not in html  # the first step only asks
    html = client.get(proposal.get_absolute_url() + "?erase=confirm").content.decode()
    assert f'action="{erase}"' in html
    assert "Yes, erase them" in html

    assert client.get(erase).status_code == 405  # never by a plain link
    assert client_for(contributor).post(erase).status_code == 403
    response = client.post(erase)
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.proposer_name, proposal.proposer_email) == ("", "")
    assert proposal.erased_at is not None
    assert proposal.title == TEXT["title"]
    assert services.proposal_for_token(token) is None
    latest = ChangeLogEntry.objects.filter(object_id=str(proposal.pk)).latest("id")
    assert "Kari" not in str(latest.changes)
    assert "kari@example.no" not in str(latest.changes)
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert "Kari Nordmann" not in html
    assert "Erased on" in html
    assert _url("proposer_erase", proposal) not in html


# ---------------------------------------------------------------------------------------------
# Query counts


def _fill(proposal, n: int) -> None:
    for i in range(n):
        user = UserFactory()
        Support.objects.create(proposal=proposal, user=user)
        Evidence.objects.create(proposal=proposal, kind="data", text=f"Tall {i}", added_by=user)
        Comment.objects.create(proposal=proposal, author=user, text=f"Innspill-nr-{i}")
        proposal.affected_organisations.add(OrganisationFactory())
    for i in range(min(n, 5)):
        Attachment.objects.create(
            proposal=proposal, file=f"x/{i}", name=f"{i}.pdf", content_type="x", size=1
        )


def test_the_overview_tab_runs_a_fixed_number_of_queries(
    programme, facilitator, client_for, django_assert_max_num_queries, pinned_queries
):
    few = ProposalFactory(programme=programme)
    # Sought out: the overview names who registered it, read with the proposal.
    many = ProposalFactory(
        programme=programme, channel=Channel.SOUGHT_OUT, created_by=UserFactory(full_name="Siri")
    )
    _fill(few, 3)
    _fill(many, 30)
    client = client_for(facilitator)
    client.get(few.get_absolute_url())  # warm the session and content types
    with CaptureQueriesContext(connection) as baseline:
        assert client.get(few.get_absolute_url()).status_code == 200
    assert len(baseline) <= 25
    with django_assert_max_num_queries(len(baseline)), pinned_queries("proposal overview"):
        response = client.get(many.get_absolute_url())
    assert response.content.decode().count("Innspill-nr-") == 30
    assert "Oppsøkt og registrert av Siri" in response.content.decode()
